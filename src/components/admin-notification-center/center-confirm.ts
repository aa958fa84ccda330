/**
 * The center's "Clear all notifications?" question, a chunk of its own loaded the first time
 * "Clear" is used: asked with focus on its confirm button; Escape, Cancel or focus leaving the
 * center withdraws it (focus back on "Clear" after Escape or Cancel); confirming clears.
 */
import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { msg } from '../shared/localize.js';

export interface ClearConfirmOptions {
  /** Shows or withdraws the question (the center's `confirming` state). */
  show(open: boolean): void;
  isShown(): boolean;
  /** Clears the list on the hub; settles when done (a refusal is in the store's `lastError`). */
  clear(): Promise<unknown> | undefined;
}

export class ClearConfirm implements ReactiveController {
  /** Between "Clear" and focus on the question's first button. */
  #asking = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly o: ClearConfirmOptions,
  ) {
    host.addController(this);
  }

  /** Asks; the question's confirm button takes focus once it shows. */
  ask(): void {
    this.o.show(true);
    this.#asking = true;
  }

  hostUpdated(): void {
    if (!this.#asking) return;
    this.#asking = false;
    this.#button('[data-confirm]')?.focus();
  }

  render() {
    return html`<div class="confirm" role="group" aria-label=${msg('center.clearConfirm')} @keydown=${this.#onKey}>
      <span>${msg('center.clearConfirm')}</span>
      <button class="action danger" part="action" type="button" data-confirm @click=${this.#clear}>${msg('center.clearYes')}</button>
      <button class="action" part="action" type="button" @click=${this.#cancel}>${msg('center.clearNo')}</button>
    </div>`;
  }

  /** Focus leaving the center (its popover closed, the reader went elsewhere) withdraws the question. */
  readonly onFocusOut = (event: FocusEvent): void => {
    // "Clear", blurred as the question replaces it, is not focus leaving.
    if (!this.o.isShown() || this.#asking) return;
    const next = event.relatedTarget as Node | null;
    if (next && this.host.shadowRoot?.contains(next)) return;
    // Focus leaving the window (another tab or app) is not the reader leaving the question.
    if (!next && !this.host.ownerDocument.hasFocus()) return;
    this.o.show(false);
  };

  #button(selector: string): HTMLButtonElement | null | undefined {
    return this.host.shadowRoot?.querySelector<HTMLButtonElement>(selector);
  }

  readonly #cancel = async (): Promise<void> => {
    this.o.show(false);
    await this.host.updateComplete;
    this.#button('.actions .action:last-child')?.focus();
  };

  /** Escape closes the confirmation only (not a popover or dialog the center sits in). */
  readonly #onKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    void this.#cancel();
  };

  readonly #clear = async (): Promise<void> => {
    this.o.show(false);
    await this.o.clear();
    await this.host.updateComplete;
    this.host.focus();
  };
}
