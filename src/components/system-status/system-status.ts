import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { ComponentStatus, SystemStatusSnapshot as StatusSnapshot } from '../../core/protocol.js';
import type { OverallHealth } from '../../core/types.js';
import { ClockController } from '../shared/clock.js';
import { enSystemStatus } from '../shared/locales/en.js';
import { formatDateTime, formatNumber, formatRelative, msg } from '../shared/localize.js';
import { MotionGate } from '../shared/motion-gate.js';
import { RealtimeElement } from '../shared/realtime-element.js';
import { tokens } from '../shared/tokens.styles.js';
import { performanceMeter } from './performance-meter.js';
import { componentName, stateIcon, stateLabel } from './status-display.js';
import { styles } from './system-status.styles.js';

/**
 * Overall system health and the state of each component the hub reports (database, API, voice
 * provider, payments… as the data names them), with performance bars for load and response time.
 *
 * `compact` shows one dot and a word; its details appear on hover and on keyboard focus (Escape
 * hides them). `detailed` shows every component with its state in words, colour and icon shape,
 * latency and message, plus the performance meters.
 *
 * @tag system-status
 * @summary System health at a glance, or in detail.
 *
 * @csspart base - The wrapper of either variant.
 * @csspart trigger - Compact: the focusable button holding the dot and the word.
 * @csspart dot - Compact: the coloured health dot.
 * @csspart label - Compact: the health word.
 * @csspart details - Compact: the tooltip listing components.
 * @csspart overall - Detailed: the overall health line.
 * @csspart updated - Detailed: when the status was last reported (and "not live" while disconnected).
 * @csspart empty - The "no status yet" line.
 * @csspart components - The list of components.
 * @csspart component - One component row (has `data-state` and `data-component`).
 * @csspart icon - A state icon (shape differs per state).
 * @csspart component-name - A component's display name.
 * @csspart component-state - A component's state in words.
 * @csspart latency - A component's latency.
 * @csspart message - A component's status message.
 * @csspart performance - Detailed: the group of performance meters.
 * @csspart meter-label - A meter's label.
 * @csspart meter-value - A meter's value in words.
 * @csspart meter - A performance meter track (`data-level` ok | warn | danger).
 * @csspart meter-bar - A performance meter's filled bar.
 *
 * @cssproperty [--realtime-status-operational=var(--realtime-color-ok)] - Colour of operational.
 * @cssproperty [--realtime-status-degraded=var(--realtime-color-warn)] - Colour of degraded.
 * @cssproperty [--realtime-status-down=var(--realtime-color-danger)] - Colour of down.
 * @cssproperty [--realtime-status-unknown=var(--realtime-text-muted)] - Colour of unknown.
 * @cssproperty [--realtime-status-dot-size=0.625rem] - Diameter of the compact dot.
 * @cssproperty [--realtime-meter-height=0.5rem] - Height of a performance bar.
 * @cssproperty [--realtime-meter-track=var(--realtime-surface-raised)] - Background of a performance bar.
 * @cssproperty [--realtime-tooltip-width=18rem] - Width of the compact details tooltip.
 */
export class SystemStatus extends RealtimeElement {
  static override styles = [tokens, styles];
  static override properties: PropertyDeclarations = {
    variant: { reflect: true },
    responseBudgetMs: { type: Number, attribute: 'response-budget-ms' },
    detailsOpen: { state: true, attribute: false },
  };

  constructor() {
    super(enSystemStatus);
  }

  /** `compact` (dot and word, details on hover/focus) or `detailed` (everything). */
  variant: 'compact' | 'detailed' = 'detailed';

  /** The response-time budget in ms: the response meter is full at this value. */
  responseBudgetMs = 1000;

  /** Compact: whether the details tooltip is showing. */
  private detailsOpen = false;

  readonly #status = this.select((s) => s.status);
  readonly #health = this.select((s) => s.health);
  readonly #live = this.select((s) => s.connection.status === 'connected');
  readonly #load = this.select((s) => s.latest.systemLoad);
  readonly #responseTime = this.select((s) => s.latest.responseTimeMs);
  /** Bars animate to a new value only after a calm spell, never while values stream in. */
  readonly #motion = new MotionGate();
  #meterValues: unknown[] = [];
  #metersStill = false;
  readonly #clock = new ClockController(this);
  #pointerInside = false;
  #focusInside = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('variant') && this.variant !== 'compact') this.detailsOpen = false;
  }

  override render() {
    const health: OverallHealth = this.#health.value ?? 'unknown';
    return this.variant === 'compact' ? this.#renderCompact(health) : this.#renderDetailed(health);
  }

  #renderCompact(health: OverallHealth) {
    return html`<div
      part="base"
      class="compact"
      @pointerenter=${() => this.#hover(true)}
      @pointerleave=${() => this.#hover(false)}
      @focusin=${() => this.#focusChange(true)}
      @focusout=${() => this.#focusChange(false)}
      @keydown=${this.#onKeydown}
    >
      <button part="trigger" type="button" aria-describedby="details" @click=${this.#toggleDetails}>
        <span part="dot" class="dot" data-state=${health}></span>
        <span class="visually-hidden">${msg('systemStatus.label')}:</span>
        <span part="label">${stateLabel(health)}</span>
      </button>
      <div id="details" part="details" class="details" role="tooltip" ?hidden=${!this.detailsOpen}>
        ${this.#renderComponents(this.#status.value)}
      </div>
    </div>`;
  }

  #renderDetailed(health: OverallHealth) {
    const status = this.#status.value;
    return html`<section part="base" class="detailed" aria-label=${msg('systemStatus.label')}>
      <p part="overall" class="overall state" data-state=${health}>
        ${stateIcon(health)}<span>${msg('systemStatus.summary', { state: stateLabel(health) })}</span>
      </p>
      ${
        status
          ? html`<p part="updated" class="updated">
            <time datetime=${status.at} title=${formatDateTime(status.at)}
              >${msg('systemStatus.updated', { time: formatRelative(status.at, this.#clock.now) })}</time
            >${this.#live.value ? nothing : html` · <span class="stale">${msg('systemStatus.notLive')}</span>`}
          </p>`
          : nothing
      }
      ${this.#renderComponents(status)}
      ${this.#renderPerformance()}
    </section>`;
  }

  #renderComponents(status: StatusSnapshot | null | undefined) {
    const entries = Object.entries(status?.components ?? {});
    if (entries.length === 0) return html`<p part="empty" class="empty">${msg('systemStatus.noData')}</p>`;
    return html`<ul part="components" class="components" aria-label=${msg('systemStatus.components')}>
      ${entries.map(([key, component]) => this.#renderComponent(key, component))}
    </ul>`;
  }

  #renderComponent(key: string, component: ComponentStatus) {
    return html`<li part="component" class="component state" data-state=${component.state} data-component=${key}>
      ${stateIcon(component.state)}
      <span part="component-name" class="name">${componentName(key)}</span>
      <span part="component-state" class="state-word">${stateLabel(component.state)}</span>
      ${
        component.latencyMs === undefined
          ? nothing
          : html`<span part="latency" class="latency"
              >${msg('systemStatus.latency', { ms: Math.round(component.latencyMs) })}</span
            >`
      }
      ${component.message ? html`<span part="message" class="message">${component.message}</span>` : nothing}
    </li>`;
  }

  #renderPerformance() {
    const load = this.#load.value;
    const response = this.#responseTime.value;
    const budget = this.responseBudgetMs > 0 ? this.responseBudgetMs : 1000;
    const values = [load, response, budget];
    if (values.some((v, i) => v !== this.#meterValues[i])) {
      this.#meterValues = values;
      this.#metersStill = !this.#motion.change();
    }
    return html`<div part="performance" class="performance" role="group" aria-label=${msg('systemStatus.performance')} ?data-still=${this.#metersStill}>
      ${performanceMeter({
        id: 'load',
        label: msg('systemStatus.load'),
        value: load === undefined ? undefined : Math.round(load * 100),
        max: 100,
        text: load === undefined ? '' : formatNumber(load, { style: 'percent', maximumFractionDigits: 0 }),
        warnAt: 0.7,
        dangerAt: 0.9,
      })}
      ${performanceMeter({
        id: 'response',
        label: msg('systemStatus.response'),
        value: response === undefined ? undefined : Math.round(response),
        max: budget,
        text: response === undefined ? '' : msg('systemStatus.response.value', { ms: Math.round(response), budget }),
      })}
    </div>`;
  }

  #hover(inside: boolean): void {
    this.#pointerInside = inside;
    this.detailsOpen = this.#pointerInside || this.#focusInside;
  }

  #focusChange(inside: boolean): void {
    this.#focusInside = inside;
    this.detailsOpen = this.#pointerInside || this.#focusInside;
  }

  #toggleDetails(): void {
    this.detailsOpen = !this.detailsOpen;
  }

  /** Escape hides the tooltip without moving focus (WCAG 1.4.13: dismissable). */
  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.detailsOpen) {
      event.stopPropagation();
      this.detailsOpen = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'system-status': SystemStatus;
  }
}
