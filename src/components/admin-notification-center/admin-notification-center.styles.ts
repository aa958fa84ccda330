import { css } from 'lit';

export const styles = css`
  :host {
    --_max-height: var(--realtime-center-max-height, 32rem);
    --_unread-bg: var(--realtime-center-unread-background, color-mix(in srgb, var(--_accent) 7%, var(--_surface)));
    display: flex;
    flex-direction: column;
    max-block-size: var(--_max-height);
    background: var(--_surface);
    color: var(--_text);
    border-radius: var(--_radius);
  }
  .base {
    display: flex;
    flex-direction: column;
    min-block-size: 0;
    flex: 1;
  }
  .header {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: center;
    padding: 0.75rem;
    border-block-end: 1px solid var(--_border);
  }
  .heading {
    margin: 0;
    font-size: 1rem;
    flex: 1 1 100%;
  }
  .tabs {
    display: flex;
    gap: 0.25rem;
  }
  .tab,
  .action,
  .new {
    padding: 0.3rem 0.7rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) - 2px);
    background: var(--_surface);
    cursor: pointer;
  }
  .tab[aria-selected='true'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_surface);
  }
  .action:disabled {
    cursor: default;
    opacity: 0.6;
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: center;
    min-inline-size: 0;
    max-inline-size: 100%;
  }
  .filters label {
    display: inline-flex;
    min-inline-size: 0;
    max-inline-size: 100%;
    gap: 0.25rem;
    align-items: center;
    color: var(--_muted);
  }
  select {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) - 2px);
    padding: 0.2rem 0.3rem;
    /* A long category name must not widen the center past a narrow screen. */
    min-inline-size: 0;
    max-inline-size: 100%;
    text-overflow: ellipsis;
  }
  .actions {
    display: flex;
    gap: var(--_gap);
    margin-inline-start: auto;
  }
  .confirm {
    display: flex;
    gap: var(--_gap);
    align-items: center;
    flex: 1 1 100%;
  }
  .danger {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .banner {
    margin: 0;
    padding: 0.5rem 0.75rem;
    border-block-end: 1px solid var(--_border);
    background: var(--_surface-2);
  }
  .banner {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: center;
    justify-content: space-between;
  }
  .banner.error {
    color: var(--_danger);
  }
  .new {
    align-self: center;
    margin: 0.5rem;
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_surface);
    font-weight: 600;
  }
  .more path {
    stroke-width: 3.5;
    stroke-linecap: round;
  }
  .scroller {
    flex: 1;
    min-block-size: 0;
    overflow: auto;
    /* Contains absolutely positioned (visually hidden) text, which would otherwise stretch the page. */
    position: relative;
    overscroll-behavior: contain;
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .item {
    /* No content-visibility: auto here. The list renders a window of rows (list-window.ts), most
       of them near view, and per row it cost an intersection computation every frame and a
       contentvisibilityautostatechange event each time a row crossed the view. */
    position: relative;
    display: flex;
    gap: 0.6rem;
    padding: 0.6rem 0.75rem 0.6rem 1rem;
    border-block-end: 1px solid var(--_border);
    cursor: pointer;
  }
  .item[data-unread] {
    background: var(--_unread-bg);
  }
  .item:focus-visible {
    outline-offset: -2px;
  }
  .marker {
    position: absolute;
    inset-block: 0;
    inset-inline-start: 0;
    inline-size: 4px;
    background: var(--_priority);
  }
  .item[data-priority='critical'] .title {
    color: var(--_priority);
  }
  .body {
    flex: 1;
    min-inline-size: 0;
  }
  .title {
    margin: 0;
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .item:not([data-unread]) .title {
    font-weight: 400;
  }
  .link {
    color: inherit;
  }
  .message {
    margin: 0.15rem 0 0;
    overflow-wrap: anywhere;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.6rem;
    margin: 0.3rem 0 0;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .category {
    display: inline-flex;
    gap: 0.3rem;
    align-items: center;
  }
  .dot {
    inline-size: 0.6rem;
    block-size: 0.6rem;
    border-radius: 50%;
    background: var(--_category);
  }
  .item[data-priority='high'] .priority,
  .item[data-priority='critical'] .priority {
    color: var(--_text);
    font-weight: 600;
  }
  .item[data-priority='critical'] .priority {
    color: var(--_priority);
  }
  .tools {
    display: flex;
    flex-direction: column;
    gap: 0.3rem;
  }
  .mark,
  .more {
    display: inline-grid;
    place-items: center;
    inline-size: 2rem;
    block-size: 2rem;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: 50%;
    background: var(--_surface);
    cursor: pointer;
  }
  .mark svg,
  .more svg {
    inline-size: 1rem;
    block-size: 1rem;
    fill: none;
    stroke: currentColor;
    stroke-width: 2.5;
  }
  .empty {
    margin: 0;
    padding: 1.5rem 0.75rem;
    color: var(--_muted);
    text-align: center;
  }
  .footer {
    display: flex;
    justify-content: center;
    padding: 0.5rem;
  }
  @media (prefers-color-scheme: dark) {
    :host {
                }
  }
  @media (forced-colors: active) {
    .marker,
    .dot {
      background: CanvasText;
    }
    .tab[aria-selected='true'] {
      outline: 2px solid Highlight;
    }
  }
`;
