import { css } from 'lit';

export const styles = css`
  :host {
    --_height: var(--realtime-activity-height, 20rem);
    --_authentication: var(--realtime-activity-authentication, #8250df);
    --_agents: var(--realtime-activity-agents, var(--_info));
    --_billing: var(--realtime-activity-billing, var(--_ok));
    --_contacts: var(--realtime-activity-contacts, #bc4c00);
    --_other: var(--realtime-activity-other, var(--_muted));
    display: block;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_authentication: var(--realtime-activity-authentication, #a371f7);
      --_contacts: var(--realtime-activity-contacts, #f0883e);
    }
  }
  .base {
    display: grid;
    /* minmax(0, …): a long option in a filter must not widen the element past a narrow screen. */
    grid-template-columns: minmax(0, 1fr);
    gap: var(--_gap);
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
  }
  .filter {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    min-inline-size: 0;
    max-inline-size: 100%;
    color: var(--_muted);
  }
  select {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    padding: 0.2em 0.4em;
    min-inline-size: 0;
    max-inline-size: 100%;
    text-overflow: ellipsis;
  }
  .paused {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_gap);
    padding: 0.3em 0.6em;
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface-2);
  }
  .paused button {
    border: 1px solid var(--_accent);
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface);
    color: var(--_accent);
    padding: 0.2em 0.7em;
    cursor: pointer;
  }
  .feed {
    max-block-size: var(--_height);
    overflow-y: auto;
    /* Contains absolutely positioned (visually hidden) text, which would otherwise stretch the page. */
    position: relative;
    overscroll-behavior: contain;
    /* The list stays still while paused; the browser must not re-anchor it either. */
    overflow-anchor: none;
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .entry {
    display: grid;
    grid-template-columns: auto 1fr auto;
    gap: 0.6em;
    align-items: start;
    padding: 0.45em 0.25em;
  }
  .entry + .entry {
    border-block-start: 1px solid var(--_border);
  }
  .entry[data-type='authentication'] {
    --_type: var(--_authentication);
  }
  .entry[data-type='agents'] {
    --_type: var(--_agents);
  }
  .entry[data-type='billing'] {
    --_type: var(--_billing);
  }
  .entry[data-type='contacts'] {
    --_type: var(--_contacts);
  }
  .entry[data-type='other'] {
    --_type: var(--_other);
  }
  .type {
    display: inline-grid;
    place-items: center;
    inline-size: 1.75rem;
    block-size: 1.75rem;
    border-radius: 50%;
    color: var(--_type);
    border: 1.5px solid var(--_type);
  }
  .icon {
    fill: none;
    stroke: currentColor;
    stroke-width: 1.4;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  .body {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.35em;
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  .user {
    font-weight: 600;
  }
  .detail {
    flex-basis: 100%;
    color: var(--_muted);
  }
  .time,
  .empty {
    color: var(--_muted);
    white-space: nowrap;
    font-size: 0.9em;
  }
  .empty {
    margin: 0;
    padding: 0.5em 0.25em;
  }
  @media (forced-colors: active) {
    .type {
      border-color: CanvasText;
      color: CanvasText;
    }
  }
`;
