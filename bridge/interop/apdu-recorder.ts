/**
 * Records which APDUs each third-party tool sent to the software card (redacted by the vpcd bridge), so the
 * interoperability tests can show exactly what a tool needs from a card and assert the card never failed.
 */
import { type ApduTrace } from '../vpcd/redact.js';

/** Where traces come from: a growing list, and a barrier after which every earlier exchange is in it. */
export interface TraceSource {
  readonly traces: readonly ApduTrace[];
  sync(): Promise<void>;
}

/** Labels the traces of a source with the step that caused them. */
export class ApduRecorder {
  private readonly labelled: { readonly label: string; readonly trace: ApduTrace }[] = [];

  constructor(private readonly source: TraceSource) {}

  /** Runs `step` and files every APDU exchanged while it ran under `label`. */
  async during<T>(label: string, step: () => Promise<T>): Promise<T> {
    await this.source.sync();
    const start = this.source.traces.length;
    try {
      return await step();
    } finally {
      await this.source.sync();
      for (const trace of this.source.traces.slice(start)) this.labelled.push({ label, trace });
    }
  }

  /** Every trace filed under `label`, in order. */
  of(label: string): ApduTrace[] {
    return this.labelled.filter((entry) => entry.label === label).map((entry) => entry.trace);
  }

  /** Every labelled trace. */
  all(): readonly { readonly label: string; readonly trace: ApduTrace }[] {
    return this.labelled;
  }

  /** One line per distinct command and status word sent under `label`, in first-seen order. */
  summary(label: string): string[] {
    const seen = new Set<string>();
    for (const trace of this.of(label)) seen.add(`${trace.command} -> ${trace.sw}`);
    return [...seen];
  }
}
