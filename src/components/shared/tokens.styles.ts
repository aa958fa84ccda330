/**
 * Theme tokens every element shares. Public tokens are `--realtime-*` custom properties set by the
 * page (on `:root` or any ancestor); each element maps them to private `--_*` properties with
 * defaults here, so an element looks right with no page CSS at all and never leaks styles out.
 * Light and dark follow `prefers-color-scheme`; `forced-colors` maps to system colours.
 */
import { css } from 'lit';

export const tokens = css`
  :host {
    --_font: var(--realtime-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--realtime-font-size, 0.875rem);
    --_radius: var(--realtime-radius, 8px);
    --_gap: var(--realtime-gap, 0.5rem);
    --_surface: var(--realtime-surface, #ffffff);
    --_surface-2: var(--realtime-surface-raised, #f6f7f9);
    --_text: var(--realtime-text, #1b1f24);
    --_muted: var(--realtime-text-muted, #57606a);
    --_border: var(--realtime-border, #d0d7de);
    --_accent: var(--realtime-accent, #0b5cd5);
    --_focus: var(--realtime-focus-ring, #0b5cd5);
    --_ok: var(--realtime-color-ok, #1a7f37);
    --_warn: var(--realtime-color-warn, #9a6700);
    --_danger: var(--realtime-color-danger, #cf222e);
    --_info: var(--realtime-color-info, #0969da);
    --_shadow: var(--realtime-shadow, 0 8px 24px rgb(0 0 0 / 0.12));
    --_duration: var(--realtime-duration, 160ms);
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
    box-sizing: border-box;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_surface: var(--realtime-surface, #161b22);
      --_surface-2: var(--realtime-surface-raised, #21262d);
      --_text: var(--realtime-text, #e6edf3);
      --_muted: var(--realtime-text-muted, #9198a1);
      --_border: var(--realtime-border, #3d444d);
      --_accent: var(--realtime-accent, #4493f8);
      --_focus: var(--realtime-focus-ring, #4493f8);
      --_ok: var(--realtime-color-ok, #3fb950);
      --_warn: var(--realtime-color-warn, #d29922);
      --_danger: var(--realtime-color-danger, #f85149);
      --_info: var(--realtime-color-info, #58a6ff);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    :host {
      --_duration: 0ms;
    }
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    color: inherit;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  @media (forced-colors: active) {
    :host {
      --_surface: Canvas;
      --_surface-2: Canvas;
      --_text: CanvasText;
      --_muted: GrayText;
      --_border: CanvasText;
      --_accent: LinkText;
      --_focus: Highlight;
      --_ok: CanvasText;
      --_warn: CanvasText;
      /* Mark is a highlight background (paired with MarkText); as text or a line on Canvas it is
         near-invisible (1.07:1 in Chromium's palette). Danger reads as text, so it is CanvasText. */
      --_danger: CanvasText;
      --_info: LinkText;
    }
  }
`;

/** Colour of a notification priority. */
export const priorityColors = css`
  [data-priority='low'] {
    --_priority: var(--realtime-priority-low, var(--_muted));
  }
  [data-priority='medium'] {
    --_priority: var(--realtime-priority-medium, var(--_info));
  }
  [data-priority='high'] {
    --_priority: var(--realtime-priority-high, var(--_warn));
  }
  [data-priority='critical'] {
    --_priority: var(--realtime-priority-critical, var(--_danger));
  }
`;
