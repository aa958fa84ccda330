import { css } from 'lit';

export const styles = css`
  :host {
    --_bell-size: var(--realtime-bell-size, 2.5rem);
    --_badge-bg: var(--realtime-bell-badge-background, var(--_accent));
    --_badge-fg: var(--realtime-bell-badge-color, #ffffff);
    --_critical: var(--realtime-bell-critical-color, var(--_danger));
    --_panel-width: var(--realtime-bell-panel-width, min(26rem, calc(100vw - 1rem)));
    display: inline-block;
    position: relative;
  }
  .button {
    position: relative;
    display: inline-grid;
    place-items: center;
    inline-size: var(--_bell-size);
    block-size: var(--_bell-size);
    padding: 0;
    border: 1px solid transparent;
    border-radius: 50%;
    background: transparent;
    cursor: pointer;
    transition: background-color var(--_duration) ease;
  }
  .button:hover {
    background: var(--_surface-2);
  }
  .icon {
    inline-size: 1.4em;
    block-size: 1.4em;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  /* Small, and pushed out to the button's corner: the bell stays recognisable under "30" or "99+". */
  .badge {
    position: absolute;
    inset-block-start: -0.2rem;
    inset-inline-end: -0.3rem;
    box-sizing: border-box;
    min-inline-size: 1rem;
    padding: 0 0.25rem;
    border-radius: 0.5rem;
    background: var(--_badge-bg);
    color: var(--_badge-fg);
    /* A ring in the page's colour separates the badge from the icon under it. */
    box-shadow: 0 0 0 2px var(--_surface);
    font-size: 0.625rem;
    font-weight: 700;
    line-height: 1rem;
    text-align: center;
    font-variant-numeric: tabular-nums;
  }
  :host([data-critical]) .button {
    color: var(--_critical);
    border-color: var(--_critical);
  }
  :host([data-critical]) .badge {
    background: var(--_critical);
    animation: pulse calc(var(--_duration) * 10) ease-in-out 2;
  }
  @keyframes pulse {
    50% {
      transform: scale(1.15);
    }
  }
  .panel {
    inline-size: var(--_panel-width);
    max-inline-size: calc(100vw - 1rem);
    box-sizing: border-box;
    max-block-size: min(36rem, calc(100vh - 4rem));
    margin: 0;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    box-shadow: var(--_shadow);
    overflow: auto;
  }
  @media (forced-colors: active) {
    .badge {
      border: 1px solid CanvasText;
      background: Canvas;
      color: CanvasText;
    }
    :host([data-critical]) .badge {
      background: Mark;
      color: MarkText;
    }
    :host([data-critical]) .button {
      color: CanvasText;
      border-color: CanvasText;
    }
  }
`;

/** Places the built-in panel under the bell where CSS anchor positioning exists. */
export const anchorStyles = css`
  @supports (anchor-name: --a) {
    .button {
      anchor-name: --realtime-bell;
    }
    .panel {
      position-anchor: --realtime-bell;
      inset: auto;
      top: anchor(bottom);
      /* Under the bell, end-aligned with it, but never past either edge of a narrow viewport. */
      right: clamp(0.5rem, anchor(right), calc(100% - 0.5rem - min(var(--_panel-width), 100% - 1rem)));
      margin-block-start: 0.25rem;
      position-try-fallbacks: flip-inline, flip-block;
    }
  }
`;
