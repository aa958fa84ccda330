import { css } from 'lit';

export const styles = css`
  :host {
    --_operational: var(--realtime-status-operational, var(--_ok));
    --_degraded: var(--realtime-status-degraded, var(--_warn));
    --_down: var(--realtime-status-down, var(--_danger));
    --_unknown: var(--realtime-status-unknown, var(--_muted));
    --_dot-size: var(--realtime-status-dot-size, 0.625rem);
    --_meter-height: var(--realtime-meter-height, 0.5rem);
    --_meter-track: var(--realtime-meter-track, var(--_surface-2));
    --_tooltip-width: var(--realtime-tooltip-width, 18rem);
    display: block;
  }
  :host([variant='compact']) {
    display: inline-block;
    position: relative;
  }
  [data-state='operational'] {
    --_state: var(--_operational);
  }
  [data-state='degraded'] {
    --_state: var(--_degraded);
  }
  [data-state='down'] {
    --_state: var(--_down);
  }
  [data-state='unknown'] {
    --_state: var(--_unknown);
  }
  .icon {
    flex: none;
    fill: var(--_state);
    stroke: none;
  }
  .icon .mark {
    fill: none;
    stroke: var(--_surface);
    stroke-width: 1.6;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  button[part='trigger'] {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    padding: 0.25em 0.6em;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_surface);
    cursor: default;
  }
  .dot {
    inline-size: var(--_dot-size);
    block-size: var(--_dot-size);
    border-radius: 50%;
    background: var(--_state);
    /* A ring keeps the dot visible on a background of the same colour. */
    box-shadow: 0 0 0 2px var(--_surface);
  }
  .details {
    position: absolute;
    inset-block-start: calc(100% + 0.375rem);
    inset-inline-start: 0;
    z-index: 10;
    inline-size: max-content;
    max-inline-size: var(--_tooltip-width);
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    box-shadow: var(--_shadow);
  }
  .details[hidden] {
    display: none;
  }
  .detailed {
    display: grid;
    gap: var(--_gap);
    padding: calc(var(--_gap) * 2);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .overall,
  .updated,
  .empty {
    margin: 0;
  }
  .overall {
    display: flex;
    align-items: center;
    gap: 0.5em;
    font-weight: 600;
    font-size: 1.1em;
  }
  .updated,
  .empty,
  .latency,
  .message,
  .no-data {
    color: var(--_muted);
  }
  .components {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.25rem;
  }
  .component {
    display: grid;
    grid-template-columns: auto 1fr auto auto;
    align-items: center;
    column-gap: 0.5em;
    padding: 0.25rem 0;
  }
  .detailed .component + .component {
    border-block-start: 1px solid var(--_border);
  }
  .name {
    font-weight: 500;
  }
  .state-word {
    color: var(--_state);
    font-weight: 600;
  }
  .message {
    grid-column: 2 / -1;
    font-size: 0.9em;
  }
  .performance {
    display: grid;
    gap: 0.5rem;
    padding-block-start: var(--_gap);
  }
  .meter-row {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0.25rem 0.5em;
  }
  .meter {
    grid-column: 1 / -1;
    block-size: var(--_meter-height);
    border-radius: 999px;
    background: var(--_meter-track);
    overflow: hidden;
  }
  .meter[data-level='ok'] {
    --_level: var(--_ok);
  }
  .meter[data-level='warn'] {
    --_level: var(--_warn);
  }
  .meter[data-level='danger'] {
    --_level: var(--_danger);
  }
  /* The value scales the bar rather than sizing it: a transform animates off the main thread,
     where a size transition re-laid out the page on every frame while values streamed in. */
  .bar {
    block-size: 100%;
    background: var(--_level);
    transform-origin: left;
    transition: transform var(--_duration) ease-out;
  }
  /* Values streaming in: the bar follows without animating (see MotionGate). */
  .performance[data-still] .bar {
    transition: none;
  }
  .bar:dir(rtl) {
    transform-origin: right;
  }
  @media (forced-colors: active) {
    .dot,
    .bar {
      forced-color-adjust: none;
      background: CanvasText;
    }
    .meter {
      border: 1px solid CanvasText;
    }
    .icon {
      fill: CanvasText;
    }
    .icon .mark {
      stroke: Canvas;
    }
  }
`;
