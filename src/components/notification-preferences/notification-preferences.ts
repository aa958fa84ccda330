import { html, nothing, type PropertyDeclarations } from 'lit';
import {
  EMAIL_DIGESTS,
  type EmailDigest,
  PREFERENCE_LIMITS,
  type Preferences,
  validatePreferences,
} from '../../core/protocol.js';
import { categoryLabel } from '../shared/categories.js';
import { enPreferences } from '../shared/locales/en-preferences.js';
import { getLocale, msg } from '../shared/localize.js';
import { RealtimeElement } from '../shared/realtime-element.js';
import { tokens } from '../shared/tokens.styles.js';
import * as draft from './draft.js';
import { styles } from './notification-preferences.styles.js';

/** What the "Enable push notifications" button needs (Web Push, VAPID). */
export interface PushConfig {
  /** The hub's VAPID public key (`--vapid-public-key`), base64url; default asked from the hub (`GET /v1/push/key`). */
  vapidPublicKey?: string;
  /** URL of the service worker the page serves from its origin (shipped in `dist/cdn/`). */
  serviceWorkerUrl: string;
}

type SaveState = { kind: 'idle' | 'saving' | 'saved' } | { kind: 'failed'; reason: string };
/** Where enabling push stands: not asked yet, asking, or how it ended. */
type PushState = 'idle' | 'asking' | 'enabled' | 'denied' | 'unsupported' | { failed: string };

/**
 * An admin's notification preferences, kept on the hub: for each category, which channels may
 * reach them (in-app, push, email); quiet hours (weekly windows in a time zone, wrapping midnight)
 * during which push and email below critical wait; and the email digest of lower priorities. The
 * preferences load when the element first connects to a live store; a save reaches every session of
 * the admin. A change saved in another session shows at once, unless this one has unsaved edits:
 * then it says so and offers to load them.
 *
 * @summary Per-admin notification channels, quiet hours and digest.
 *
 * @tag notification-preferences
 *
 * @attr {string} provider - Id of the `<realtime-provider>` to use when not inside one.
 *
 * @fires realtime-preferences-save - The hub stored the preferences this element saved; `detail.preferences`.
 *
 * @slot push - Replaces the "Enable push notifications" button (shown only when `push` is set).
 *
 * @csspart base - The whole form.
 * @csspart channels - The table of categories and channels.
 * @csspart quiet-hours - The quiet hours group.
 * @csspart window - One quiet window.
 * @csspart digest - The email digest select.
 * @csspart enable-push - The "Enable push notifications" button.
 * @csspart push-status - What enabling push ended with (a live region).
 * @csspart save - The Save button.
 * @csspart status - The save status ("Saved", or why not).
 * @csspart notice - The "Changed in another session" notice.
 *
 * @cssproperty [--realtime-preferences-max-width=40rem] - Widest the form grows.
 * @cssproperty [--realtime-preferences-button=var(--realtime-accent)] - Background of the Save button.
 */
export class NotificationPreferences extends RealtimeElement {
  static override styles = [tokens, styles];
  static override properties: PropertyDeclarations = {
    categories: { attribute: false },
    push: { attribute: false },
    edit: { state: true, attribute: false },
    saveState: { state: true, attribute: false },
    pushState: { state: true, attribute: false },
    elsewhere: { state: true, attribute: false },
  };

  constructor() {
    super(enPreferences);
  }

  /** Categories to list (default: the built-in ones); categories the saved preferences name are added. */
  categories: string[] | null = null;
  /** Web Push settings; the "Enable push notifications" button shows only when set. */
  push: PushConfig | null = null;

  /** The edited document; null until the preferences load. */
  private edit: Preferences | null = null;
  private saveState: SaveState = { kind: 'idle' };
  private pushState: PushState = 'idle';
  /** Another session saved while this one has unsaved edits. */
  private elsewhere = false;
  /** The stored document the edits started from. */
  #base: Preferences | null = null;
  #wasConnected = false;

  readonly #stored = this.select((s) => s.preferences);
  readonly #connected = this.select((s) => s.connection.status === 'connected');

  /** Whether there are edits not saved yet. */
  get dirty(): boolean {
    return this.edit !== null && !draft.samePreferences(this.edit, this.#base);
  }

  protected override willUpdate(): void {
    // Asked on every (re)connect: a change made while this page was away may not have been replayed.
    const connected = this.#connected.value === true;
    if (connected && !this.#wasConnected) this.#stored.store?.loadPreferences().catch(() => {});
    this.#wasConnected = connected;
    const stored = this.#stored.value ?? null;
    if (stored === null || stored === this.#base || draft.samePreferences(stored, this.#base)) return;
    if (this.dirty && !draft.samePreferences(stored, this.edit)) {
      this.elsewhere = true;
      return;
    }
    this.#adopt(stored);
  }

  #adopt(stored: Preferences): void {
    this.#base = stored;
    this.edit = stored;
    this.elsewhere = false;
  }

  /** Applies an edit to the document as it is now (several may come between two renders). */
  #change(edit: (prefs: Preferences) => Preferences): void {
    if (!this.edit) return;
    this.edit = edit(this.edit);
    if (this.saveState.kind !== 'saving') this.saveState = { kind: 'idle' };
  }

  async #submit(event: Event): Promise<void> {
    event.preventDefault();
    const store = this.#stored.store;
    if (!this.edit || !store || this.saveState.kind === 'saving') return;
    const checked = validatePreferences(this.edit);
    if (!checked.ok) {
      this.saveState = { kind: 'failed', reason: checked.error };
      return;
    }
    const saving = checked.value;
    this.saveState = { kind: 'saving' };
    try {
      await store.setPreferences(saving);
      this.#base = saving;
      this.elsewhere = false;
      this.saveState = { kind: 'saved' };
      this.emit('realtime-preferences-save', { preferences: saving });
    } catch (err) {
      this.saveState = { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
    }
  }

  protected override render() {
    const prefs = this.edit;
    if (!prefs) return html`<p class="base" part="base" role="status">${msg('prefs.loading')}</p>`;
    return html`<form class="base" part="base" aria-label=${msg('prefs.label')} @submit=${this.#submit}>
      ${
        this.elsewhere
          ? html`<div class="notice" part="notice" role="alert">
            ${msg('prefs.changedElsewhere')}
            <button type="button" @click=${() => this.#stored.value && this.#adopt(this.#stored.value)}>
              ${msg('prefs.reload')}
            </button>
          </div>`
          : nothing
      }
      ${this.#channels(prefs)} ${this.#quiet(prefs)}
      <label class="field">
        <span>${msg('prefs.digest')}</span>
        <select part="digest" @change=${(e: Event) => this.#change((p) => ({ ...p, emailDigest: (e.target as HTMLSelectElement).value as EmailDigest }))}>
          ${EMAIL_DIGESTS.map((d) => html`<option value=${d} ?selected=${prefs.emailDigest === d}>${msg(`prefs.digest.${d}`)}</option>`)}
        </select>
      </label>
      ${
        this.push
          ? html`<div class="push">
              <slot name="push"><button type="button" part="enable-push" class="secondary" ?disabled=${this.pushState === 'asking' || this.pushState === 'enabled'} @click=${this.#enablePush}>${msg('prefs.enablePush')}</button></slot>
              <span part="push-status" role="status">${this.#pushText()}</span>
            </div>`
          : nothing
      }
      <div class="actions">
        <button type="submit" part="save" class="primary" ?disabled=${this.saveState.kind === 'saving'}>${msg('prefs.save')}</button>
        <span part="status" role="status" class=${this.saveState.kind}>${this.#statusText()}</span>
      </div>
    </form>`;
  }

  /**
   * Subscribes this browser to Web Push for the admin, from the click (browsers show the
   * permission prompt only on a user gesture). The push module loads on first use.
   */
  async #enablePush(): Promise<void> {
    const push = this.push;
    if (!push || this.pushState === 'asking') return;
    this.pushState = 'asking';
    try {
      const { enablePush, providerOf } = await import('../../core/push.js');
      this.pushState = await enablePush(providerOf(this), {
        serviceWorkerUrl: push.serviceWorkerUrl,
        ...(push.vapidPublicKey ? { vapidPublicKey: push.vapidPublicKey } : {}),
      });
    } catch (err) {
      this.pushState = { failed: err instanceof Error ? err.message : String(err) };
    }
  }

  #pushText(): string {
    const s = this.pushState;
    if (typeof s === 'object') return msg('prefs.push.failed', { reason: s.failed });
    return s === 'idle' || s === 'asking' ? '' : msg(`prefs.push.${s}`);
  }

  #statusText(): string {
    const s = this.saveState;
    if (s.kind === 'saving') return msg('prefs.saving');
    if (s.kind === 'saved') return msg('prefs.saved');
    return s.kind === 'failed' ? msg('prefs.failed', { reason: s.reason }) : '';
  }

  #channels(prefs: Preferences) {
    const names = draft.CHANNELS.map((c) => msg(`prefs.channel.${c}`));
    return html`<fieldset>
      <legend>${msg('prefs.channels')}</legend>
      <table part="channels">
        <thead>
          <tr><th scope="col">${msg('prefs.category')}</th>${names.map((n) => html`<th scope="col">${n}</th>`)}</tr>
        </thead>
        <tbody>
          ${draft.categoriesOf(prefs, this.categories).map((category) => {
            const label = categoryLabel(category);
            return html`<tr>
              <th scope="row">${label}</th>
              ${draft.CHANNELS.map(
                (channel, i) => html`<td><input type="checkbox" .checked=${draft.isOn(prefs, category, channel)}
                  aria-label=${msg('prefs.channelFor', { channel: names[i]!, category: label })}
                  @change=${(e: Event) => this.#change((p) => draft.setChannel(p, category, channel, (e.target as HTMLInputElement).checked))} /></td>`,
              )}
            </tr>`;
          })}
        </tbody>
      </table>
      <p class="hint">${msg('prefs.criticalNote')}</p>
    </fieldset>`;
  }

  #quiet(prefs: Preferences) {
    const q = prefs.quietHours;
    return html`<fieldset part="quiet-hours">
      <legend>${msg('prefs.quiet')}</legend>
      <label class="check">
        <input type="checkbox" .checked=${q !== null} @change=${(e: Event) => this.#change((p) => draft.setQuiet(p, (e.target as HTMLInputElement).checked))} />
        ${msg('prefs.quietOn')}
      </label>
      ${q ? this.#windows(q) : nothing}
    </fieldset>`;
  }

  #windows(q: NonNullable<Preferences['quietHours']>) {
    const short = draft.weekdayNames(getLocale(), 'short');
    const long = draft.weekdayNames(getLocale(), 'long');
    // Monday first, as most of the world's calendars; the stored numbers stay 0 = Sunday.
    const order = [1, 2, 3, 4, 5, 6, 0];
    return html`<label class="field">
        <span>${msg('prefs.timeZone')}</span>
        <select @change=${(e: Event) => this.#change((p) => draft.setZone(p, (e.target as HTMLSelectElement).value))}>
          ${draft.timeZones(q.timeZone).map((z) => html`<option value=${z} ?selected=${z === q.timeZone}>${z}</option>`)}
        </select>
      </label>
      ${q.windows.map((w, i) => {
        const n = i + 1;
        return html`<fieldset class="window" part="window">
          <legend>${msg('prefs.window', { n })}</legend>
          <div class="days" role="group" aria-label=${msg('prefs.days')}>
            ${order.map(
              (
                d,
              ) => html`<label class="day"><input type="checkbox" .checked=${w.days.includes(d)} aria-label=${long[d]!}
                @change=${(e: Event) => this.#change((p) => draft.toggleDay(p, i, d, (e.target as HTMLInputElement).checked))} /><span aria-hidden="true">${short[d]}</span></label>`,
            )}
          </div>
          <label class="time"><span>${msg('prefs.start')}</span>
            <input type="time" required .value=${w.start} @change=${(e: Event) => this.#change((p) => draft.changeWindow(p, i, { start: (e.target as HTMLInputElement).value }))} /></label>
          <label class="time"><span>${msg('prefs.end')}</span>
            <input type="time" required .value=${w.end} @change=${(e: Event) => this.#change((p) => draft.changeWindow(p, i, { end: (e.target as HTMLInputElement).value }))} /></label>
          <button type="button" class="secondary" @click=${() => this.#change((p) => draft.removeWindow(p, i))}>${msg('prefs.removeWindow', { n })}</button>
        </fieldset>`;
      })}
      <p class="hint">${msg('prefs.wrapHint')}</p>
      <button type="button" class="secondary" ?disabled=${q.windows.length >= PREFERENCE_LIMITS.quietWindows} @click=${() => this.#change((p) => draft.addWindow(p))}>
        ${msg('prefs.addWindow')}
      </button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notification-preferences': NotificationPreferences;
  }
}
