/**
 * The status notice the content script shows in its page while the tab waits for kyotsu: "card in use —
 * waiting", "insert your card", "enter your PIN in the kyotsu window". Drawn in a closed shadow root so the
 * page's styles cannot restyle it; the Cancel button abandons the tab's waiting operation.
 */
import { type Notice } from '../src/message-results.js';

/** i18n lookup (browser.i18n.getMessage in the extension). */
export type Translate = (key: string) => string;

/** Shows, updates and removes the banner. */
export class NoticeBanner {
  private host: HTMLElement | null = null;
  private text: HTMLElement | null = null;
  private operationId: string | null = null;

  constructor(
    private readonly doc: Document,
    private readonly translate: Translate,
    private readonly onCancel: (operationId: string) => void,
  ) {}

  /** Shows `notice` (or removes the banner for `cleared`). */
  show(notice: Notice): void {
    if (notice.kind === 'cleared') return this.hide();
    this.operationId = notice.operationId;
    if (!this.host) this.build();
    this.host!.dataset.kind = notice.kind;
    const message = this.translate(`notice_${notice.kind.replace(/-/g, '_')}`);
    this.text!.textContent = message;
    this.host!.dataset.text = message; // mirrored on the host (outside the closed shadow root) for tests
  }

  /** Removes the banner. */
  hide(): void {
    this.host?.remove();
    this.host = null;
    this.text = null;
    this.operationId = null;
  }

  private build(): void {
    const host = this.doc.createElement('kyotsu-notice');
    host.id = 'kyotsu-notice';
    const root = host.attachShadow({ mode: 'closed' });
    const box = this.doc.createElement('div');
    box.setAttribute('role', 'status');
    box.setAttribute('aria-live', 'polite');
    box.style.cssText =
      'position:fixed;z-index:2147483647;top:12px;right:12px;max-width:22rem;padding:.75rem 1rem;border-radius:.5rem;' +
      'background:#1e293b;color:#fff;font:15px system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.3);display:flex;gap:.75rem;align-items:center';
    const text = this.doc.createElement('span');
    const cancel = this.doc.createElement('button');
    cancel.type = 'button';
    cancel.textContent = this.translate('cancel');
    cancel.style.cssText = 'font:inherit;padding:.25rem .75rem;border-radius:.3rem;border:1px solid #94a3b8;background:transparent;color:#fff;cursor:pointer';
    cancel.addEventListener('click', () => {
      if (this.operationId) this.onCancel(this.operationId);
      this.hide();
    });
    box.append(text, cancel);
    root.append(box);
    (this.doc.body ?? this.doc.documentElement).append(host);
    this.host = host;
    this.text = text;
  }
}
