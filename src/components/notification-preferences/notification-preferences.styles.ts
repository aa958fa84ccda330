import { css } from 'lit';

export const styles = css`
  :host {
    --_max-width: var(--realtime-preferences-max-width, 40rem);
    --_button: var(--realtime-preferences-button, var(--_accent));
    display: block;
    max-inline-size: var(--_max-width);
  }
  .base {
    display: grid;
    gap: calc(var(--_gap) * 2);
    margin: 0;
    padding: 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  fieldset {
    display: grid;
    gap: var(--_gap);
    min-inline-size: 0;
    margin: 0;
    padding: 0.5rem 0.75rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  legend {
    padding: 0 0.25rem;
    font-weight: 600;
  }
  table {
    inline-size: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    padding: 0.3rem 0.25rem;
    text-align: center;
    border-block-end: 1px solid var(--_border);
  }
  th[scope='row'],
  thead th:first-child {
    text-align: start;
    overflow-wrap: anywhere;
  }
  thead th {
    font-weight: 600;
    color: var(--_muted);
  }
  input[type='checkbox'] {
    inline-size: 1.1rem;
    block-size: 1.1rem;
    margin: 0;
    accent-color: var(--_accent);
  }
  .hint {
    margin: 0;
    color: var(--_muted);
  }
  .field,
  .time {
    display: grid;
    gap: 0.25rem;
  }
  .check {
    display: flex;
    gap: 0.5rem;
    align-items: center;
  }
  select,
  input[type='time'] {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    padding: 0.3rem 0.4rem;
    min-inline-size: 0;
    max-inline-size: 100%;
  }
  .window {
    grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr));
    align-items: end;
  }
  .days {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.6rem;
  }
  .day {
    display: inline-flex;
    gap: 0.25rem;
    align-items: center;
  }
  button {
    padding: 0.4rem 0.8rem;
    border-radius: calc(var(--_radius) / 2);
    cursor: pointer;
  }
  button[disabled] {
    cursor: default;
    opacity: 0.6;
  }
  .primary {
    background: var(--_button);
    color: #fff;
    border: 1px solid var(--_button);
  }
  .secondary {
    background: var(--_surface-2);
    border: 1px solid var(--_border);
    justify-self: start;
  }
  .actions,
  .push {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: center;
  }
  .failed {
    color: var(--_danger);
  }
  .notice {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: center;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_warn);
    border-radius: var(--_radius);
    background: var(--_surface-2);
  }
  @media (forced-colors: active) {
    .primary {
      background: ButtonFace;
      color: ButtonText;
      border-color: ButtonText;
    }
  }
`;
