import { css } from 'lit';

export const styles = css`
  :host {
    --_width: var(--realtime-alerts-width, 22rem);
    --_offset: var(--realtime-alerts-offset, 1rem);
    --_alert-accent: var(--realtime-alerts-accent, var(--realtime-priority-critical, var(--_danger)));
    --_alert-background: var(--realtime-alerts-background, var(--_surface));
    position: fixed;
    z-index: var(--realtime-alerts-z-index, 1000);
    inset-block-start: var(--_offset);
    inset-inline-end: var(--_offset);
    inline-size: min(var(--_width), calc(100vw - 2 * var(--_offset)));
    /* The overlay itself never blocks clicks on the page; only its toasts do. */
    pointer-events: none;
  }
  :host([placement='top']),
  :host([placement='bottom']) {
    inset-inline: 0;
    margin-inline: auto;
  }
  :host([placement='bottom-end']),
  :host([placement='bottom']) {
    inset-block-start: auto;
    inset-block-end: var(--_offset);
  }
  /* In the flow, as a banner: nothing of the page is covered (the overlay placements can cover a
     panel that sits in their corner). */
  :host([placement='inline']) {
    position: static;
    inline-size: auto;
    pointer-events: auto;
  }
  .stack {
    display: flex;
    flex-direction: column;
    gap: var(--_gap);
  }
  /* At the bottom, the newest toast sits nearest the edge. */
  :host([placement^='bottom']) .stack,
  :host([placement^='bottom']) .list {
    flex-direction: column-reverse;
  }
  .list {
    display: flex;
    flex-direction: column;
    gap: var(--_gap);
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .toast,
  .more,
  .enable {
    pointer-events: auto;
  }
  .toast {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.25rem 0.6rem;
    padding: 0.75rem;
    border: 1px solid var(--_border);
    border-inline-start: 4px solid var(--_alert-accent);
    border-radius: var(--_radius);
    background: var(--_alert-background);
    box-shadow: var(--_shadow);
    animation: enter var(--_duration) ease-out;
  }
  /* A toast of a burst appears without moving (see MotionGate). */
  .toast[data-still] {
    animation: none;
  }
  /* Movement only: fading in would leave text below contrast while it animates. */
  @keyframes enter {
    from {
      transform: translateY(-0.5rem);
    }
  }
  .icon {
    fill: var(--_alert-accent);
    margin-block-start: 0.1rem;
  }
  .icon .mark {
    fill: none;
    stroke: var(--_alert-background);
    stroke-width: 1.6;
    stroke-linecap: round;
  }
  .content {
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  .title,
  .message,
  .meta,
  .more {
    margin: 0;
  }
  .title {
    font-weight: 600;
  }
  .message {
    margin-block-start: 0.2rem;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: 0.6em;
    margin-block-start: 0.3rem;
    color: var(--_muted);
    font-size: 0.9em;
  }
  a {
    color: var(--_accent);
  }
  .actions {
    grid-column: 2;
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    margin-block-start: 0.4rem;
  }
  button {
    cursor: pointer;
    padding: 0.25em 0.75em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface-2);
  }
  .enable {
    align-self: flex-end;
    background: var(--_surface);
    box-shadow: var(--_shadow);
  }
  .more {
    align-self: flex-end;
    padding: 0.2em 0.7em;
    border-radius: 999px;
    background: var(--_surface);
    color: var(--_muted);
    box-shadow: var(--_shadow);
  }
  @media (forced-colors: active) {
    .toast {
      border-inline-start-color: CanvasText;
    }
    .icon {
      fill: CanvasText;
    }
  }
`;
