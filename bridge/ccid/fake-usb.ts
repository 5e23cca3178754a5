/**
 * A fake `navigator.usb` over simulated readers: `requestDevice` (the chooser, answered by the first
 * connected device matching a filter, WebUSB §3.1), `getDevices` (devices granted before) and `connect` /
 * `disconnect` events. The extension's test build uses it as the seam where the browser's USB would be.
 */
import { type SimulatedCcidReader } from './simulated-reader.js';

/** The event `navigator.usb` dispatches on connect and disconnect (WebUSB §3.2 USBConnectionEvent). */
export class FakeUsbConnectionEvent extends Event {
  constructor(
    type: 'connect' | 'disconnect',
    /** The device that came or went. */
    readonly device: USBDevice,
  ) {
    super(type);
  }
}

function matches(device: USBDevice, filter: USBDeviceFilter): boolean {
  if (filter.vendorId !== undefined && filter.vendorId !== device.vendorId) return false;
  if (filter.productId !== undefined && filter.productId !== device.productId) return false;
  if (filter.serialNumber !== undefined && filter.serialNumber !== device.serialNumber) return false;
  if (filter.classCode === undefined) return true;
  // WebUSB §3.1 "match a device filter": the device class or any interface alternate's class.
  const classes = [
    { c: device.deviceClass, s: device.deviceSubclass, p: device.deviceProtocol },
    ...(device.configuration?.interfaces ?? []).flatMap((i) =>
      i.alternates.map((a) => ({ c: a.interfaceClass, s: a.interfaceSubclass, p: a.interfaceProtocol })),
    ),
  ];
  return classes.some(
    (k) =>
      k.c === filter.classCode &&
      (filter.subclassCode === undefined || k.s === filter.subclassCode) &&
      (filter.protocolCode === undefined || k.p === filter.protocolCode),
  );
}

/** A `USB` (`navigator.usb`) holding simulated readers. */
export class FakeUsb extends EventTarget implements USB {
  onconnect: ((this: USB, ev: USBConnectionEvent) => unknown) | null = null;
  ondisconnect: ((this: USB, ev: USBConnectionEvent) => unknown) | null = null;
  private readonly connected: SimulatedCcidReader[] = [];
  private readonly granted = new Set<SimulatedCcidReader>();

  constructor(devices: readonly SimulatedCcidReader[] = []) {
    super();
    for (const device of devices) this.attach(device, false);
  }

  /** Listens for `connect` / `disconnect` (typed as `navigator.usb` types them). */
  override addEventListener(
    type: 'connect' | 'disconnect',
    listener: (this: USB, ev: USBConnectionEvent) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | ((this: USB, ev: USBConnectionEvent) => unknown) | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  /** Removes a listener added with `addEventListener`. */
  override removeEventListener(
    type: 'connect' | 'disconnect',
    listener: (this: USB, ev: USBConnectionEvent) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | ((this: USB, ev: USBConnectionEvent) => unknown) | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  /** Plugs a simulated reader in and fires `connect`. */
  plug(device: SimulatedCcidReader): void {
    this.attach(device, true);
  }

  /** Marks a device as already permitted (as if the user chose it in an earlier session). */
  grant(device: SimulatedCcidReader): void {
    this.granted.add(device);
  }

  private attach(device: SimulatedCcidReader, announce: boolean): void {
    this.connected.push(device);
    device.onUnplug(() => {
      this.connected.splice(this.connected.indexOf(device), 1);
      this.dispatch(new FakeUsbConnectionEvent('disconnect', device));
    });
    if (announce) this.dispatch(new FakeUsbConnectionEvent('connect', device));
  }

  private dispatch(event: FakeUsbConnectionEvent): void {
    this.dispatchEvent(event);
    const handler = event.type === 'connect' ? this.onconnect : this.ondisconnect;
    handler?.call(this, event);
  }

  /** Connected devices the origin was granted (WebUSB §3.1 getDevices). */
  getDevices(): Promise<USBDevice[]> {
    return Promise.resolve(this.connected.filter((d) => this.granted.has(d)));
  }

  /**
   * The chooser: grants and returns the first connected device matching any filter and no exclusion
   * filter; rejects with NotFoundError "No device selected." like Chrome when nothing matches.
   */
  requestDevice(options: USBDeviceRequestOptions = { filters: [] }): Promise<USBDevice> {
    const device = this.connected.find(
      (d) =>
        (options.filters.length === 0 || options.filters.some((f) => matches(d, f))) &&
        !(options.exclusionFilters ?? []).some((f) => matches(d, f)),
    );
    if (!device) return Promise.reject(new DOMException('No device selected.', 'NotFoundError'));
    this.granted.add(device);
    return Promise.resolve(device);
  }
}
