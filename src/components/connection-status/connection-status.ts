import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { CloseCode } from '../../core/protocol.js';
import type { ConnectionState } from '../../core/types.js';
import { enConnectionStatus } from '../shared/locales/en.js';
import { msg } from '../shared/localize.js';
import { RealtimeElement } from '../shared/realtime-element.js';
import { tokens } from '../shared/tokens.styles.js';
import { styles } from './connection-status.styles.js';
import { Countdown } from './countdown.js';

/** What "Retry now" needs: the store, a `RealtimeConnection`, or anything with `reconnectNow()`. */
export interface Reconnectable {
  reconnectNow(): void;
}

/** The one-word label: a refused connection and a forbidden account are not "reconnecting" or "expired". */
function labelKey(s: ConnectionState) {
  if (s.status === 'auth-error' && s.code === CloseCode.Forbidden) return 'state.forbidden';
  if ((s.status === 'reconnecting' || s.status === 'connecting') && s.refused) return 'state.refused';
  return `state.${s.status}` as const;
}

const pageOrigin = (): string => (location.origin === 'null' ? location.href : location.origin);

/**
 * The connection's state in words and colour: connecting, live, reconnecting (with the attempt
 * and a live countdown to the next try), refused by the hub (with what to check), offline, sign-in
 * expired or account not allowed (with the hub's reason), and disconnected, plus a "Retry now"
 * button while waiting. State changes are announced politely. When tabs share one socket, the
 * detail of a tab that does not hold it says it is connected through another tab.
 *
 * @summary Connection state with retry.
 *
 * @tag connection-status
 *
 * @attr {'badge'|'full'} variant - `badge`: a dot and a word; `full` (default): with details and the retry button (reflected).
 * @attr {string} provider - Id of the `<realtime-provider>` to use when not inside one.
 * @attr {string} data-state - The current connection status, set by the element for page CSS.
 *
 * @csspart base - The whole status.
 * @csspart dot - The coloured state indicator.
 * @csspart label - The state in one word.
 * @csspart detail - Attempt, countdown or reason (full variant).
 * @csspart retry - The "Retry now" button (full variant).
 *
 * @cssproperty [--realtime-status-dot-size=0.6rem] - Size of the state dot.
 * @cssproperty [--realtime-status-connected=var(--realtime-color-ok)] - Colour while live.
 * @cssproperty [--realtime-status-reconnecting=var(--realtime-color-warn)] - Colour while connecting or reconnecting.
 * @cssproperty [--realtime-status-offline=var(--realtime-text-muted)] - Colour while offline, idle or disconnected.
 * @cssproperty [--realtime-status-error=var(--realtime-color-danger)] - Colour on a sign-in error.
 */
export class ConnectionStatus extends RealtimeElement {
  static override styles = [tokens, styles];
  static override properties: PropertyDeclarations = {
    connection: { attribute: false },
    variant: { reflect: true },
  };

  constructor() {
    super(enConnectionStatus);
  }

  /** What "Retry now" asks to reconnect; by default the store (which asks its connection). */
  connection?: Reconnectable;
  /** `badge`: a dot and a word; `full`: with details and the retry button. */
  variant: 'badge' | 'full' = 'full';

  readonly #state = this.select((s) => s.connection);
  readonly #countdown = new Countdown(this);

  /** The connection state shown. */
  get connectionState(): ConnectionState {
    return this.#state.value ?? { status: 'idle' };
  }

  /** Skips the backoff wait and tries to connect now. */
  retry(): void {
    (this.connection ?? this.#state.store)?.reconnectNow();
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const s = this.connectionState;
    this.#countdown.set(s.status === 'reconnecting' ? s.nextRetryAt : undefined);
  }

  protected override updated(): void {
    this.dataset.state = this.connectionState.status;
  }

  protected override render() {
    const s = this.connectionState;
    const full = this.variant !== 'badge';
    const detail = full ? this.#detail(s) : '';
    const canRetry = full && (s.status === 'reconnecting' || s.status === 'offline');
    return html`<div class="base" part="base" data-state=${s.status} title=${full ? nothing : this.#detail(s) || nothing}>
      <span class="dot" part="dot" aria-hidden="true"></span>
      <span class="label" part="label" role="status">${msg(labelKey(s))}${full ? nothing : this.#badgeSuffix(s)}</span>
      ${detail ? html`<span class="detail" part="detail">${detail}</span>` : nothing}
      ${canRetry ? html`<button class="retry" part="retry" type="button" @click=${() => this.retry()}>${msg('status.retry')}</button>` : nothing}
    </div>`;
  }

  /** In the badge, the word alone; screen readers still hear what the full variant says. */
  #badgeSuffix(s: ConnectionState) {
    const detail = this.#detail(s, false);
    return detail ? html`<span class="visually-hidden">. ${detail}</span>` : nothing;
  }

  #detail(s: ConnectionState, ticking = true): string {
    switch (s.status) {
      case 'reconnecting': {
        const seconds = this.#countdown.seconds;
        const refused = s.refused ? `${msg('status.refused', { origin: pageOrigin() })} ` : '';
        if (!ticking) return refused + msg('status.attempt', { attempt: s.attempt });
        return (
          refused +
          (seconds > 0
            ? msg('status.reconnectingIn', { seconds, attempt: s.attempt })
            : msg('status.retryingNow', { attempt: s.attempt }))
        );
      }
      case 'connecting': {
        const refused = s.refused ? `${msg('status.refused', { origin: pageOrigin() })} ` : '';
        return s.attempt > 0 ? refused + msg('status.attempt', { attempt: s.attempt }) : refused;
      }
      case 'offline':
        return msg('status.offlineDetail');
      case 'auth-error': {
        const head = s.code === CloseCode.Forbidden ? msg('status.authForbidden') : msg('status.authExpired');
        return s.reason ? `${head} ${msg('status.reason', { reason: s.reason })}` : head;
      }
      case 'closed':
        return s.reason ? msg('status.reason', { reason: s.reason }) : '';
      case 'connected': {
        const via = s.shared === 'follower' ? msg('status.sharedFollower') : '';
        // Two sentences: "Signed in as Ada. Connected through another tab."
        return [s.user.name ? msg('status.connectedAs', { name: s.user.name }) : '', via].filter(Boolean).join('. ');
      }
      default:
        return '';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connection-status': ConnectionStatus;
  }
}
