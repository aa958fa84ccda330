import { css } from 'lit';
import { tokens } from '../shared/tokens.styles.js';

export const styles = [
  tokens,
  css`
    :host {
      --_dashboard-gap: var(--realtime-dashboard-gap, 1rem);
      --_panel: var(--realtime-dashboard-panel-background, var(--_surface));
      --_header: var(--realtime-dashboard-header-background, var(--_surface-2));
      display: block;
      container-type: inline-size;
    }
    .base {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: var(--_dashboard-gap);
      /* Own surface, so text keeps its contrast on any page in light and dark schemes. */
      background: var(--_surface);
      color: var(--_text);
    }
    .header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: var(--_gap);
      padding: var(--_gap) calc(var(--_gap) * 2);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_header);
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_gap);
    }
    button,
    select {
      min-height: 2rem;
      padding: 0.25rem 0.75rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
      color: var(--_text);
      font: inherit;
      cursor: pointer;
    }
    button:hover:not(:disabled),
    select:hover {
      border-color: var(--_accent);
    }
    button:disabled {
      cursor: not-allowed;
      opacity: 0.6;
    }
    .interval {
      display: inline-flex;
      align-items: center;
      gap: 0.375rem;
    }
    .refresh-message:empty {
      display: none;
    }
    .refresh-message {
      color: var(--_danger);
    }
    .categories {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_gap) calc(var(--_gap) * 2);
      margin: 0;
      padding: var(--_gap) calc(var(--_gap) * 2);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_panel);
    }
    .categories legend {
      padding: 0 0.25rem;
      color: var(--_muted);
    }
    .category {
      display: inline-flex;
      align-items: center;
      gap: 0.375rem;
      cursor: pointer;
    }
    .category input {
      accent-color: var(--_accent);
      margin: 0;
    }
    /* The critical toasts sit in the dashboard's flow as a banner instead of a viewport overlay. */
    .banner {
      position: static;
      inline-size: auto;
      pointer-events: auto;
    }
    .panels {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: var(--_dashboard-gap);
      align-items: start;
    }
    .panel {
      /* A panel far below the fold skips layout and paint until it nears the viewport (its
         content stays in the accessibility tree); 30rem stands in for its height until then. */
      content-visibility: auto;
      contain-intrinsic-size: auto 30rem;
      min-width: 0;
      padding: calc(var(--_gap) * 2);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_panel);
    }
    @container (min-width: 48rem) {
      .panels {
        grid-template-columns: repeat(2, minmax(0, 1fr));
      }
      .wide {
        grid-column: 1 / -1;
      }
    }
    @container (min-width: 80rem) {
      .panels {
        grid-template-columns: repeat(3, minmax(0, 1fr));
      }
    }
    @media (forced-colors: active) {
      button,
      select {
        border-color: ButtonText;
      }
    }
  `,
];
