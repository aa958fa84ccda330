import { css } from 'lit';

export const styles = css`
  :host {
    --_dot-size: var(--realtime-status-dot-size, 0.6rem);
    display: inline-block;
  }
  .base {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 0.4rem 0.6rem;
    align-items: center;
  }
  :host([variant='full']) .base {
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  :host([variant='badge']) .base {
    padding: 0.15rem 0.6rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_surface);
  }
  .dot {
    inline-size: var(--_dot-size);
    block-size: var(--_dot-size);
    border-radius: 50%;
    background: var(--_state);
    flex: none;
  }
  [data-state='connected'] {
    --_state: var(--realtime-status-connected, var(--_ok));
  }
  [data-state='connecting'],
  [data-state='reconnecting'] {
    --_state: var(--realtime-status-reconnecting, var(--_warn));
  }
  [data-state='offline'],
  [data-state='idle'],
  [data-state='closed'] {
    --_state: var(--realtime-status-offline, var(--_muted));
  }
  [data-state='auth-error'] {
    --_state: var(--realtime-status-error, var(--_danger));
  }
  [data-state='connecting'] .dot,
  [data-state='reconnecting'] .dot {
    animation: blink calc(var(--_duration) * 8) ease-in-out infinite alternate;
  }
  @keyframes blink {
    to {
      opacity: 0.35;
    }
  }
  .label {
    font-weight: 600;
  }
  .detail {
    color: var(--_muted);
  }
  [data-state='auth-error'] .detail {
    color: var(--_text);
  }
  .retry {
    padding: 0.2rem 0.6rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) - 2px);
    background: var(--_surface-2);
    cursor: pointer;
  }
  @media (prefers-reduced-motion: reduce) {
    .dot {
      animation: none !important;
    }
  }
  @media (forced-colors: active) {
    .dot {
      background: CanvasText;
      forced-color-adjust: none;
    }
  }
`;
