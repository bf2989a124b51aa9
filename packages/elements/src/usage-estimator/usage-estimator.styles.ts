import { css } from 'lit';

export const styles = css`
  :host {
    --_result-bg: var(--ck-estimate-result-bg, var(--_surface-2));
  }
  .layout {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 16em), 1fr));
    gap: calc(var(--_space) * 2);
    align-items: start;
  }
  form {
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  .field {
    display: grid;
    gap: calc(var(--_space) * 0.25);
  }
  label {
    font-weight: 600;
  }
  input,
  select {
    inline-size: 100%;
    font-variant-numeric: tabular-nums;
  }
  /* Selects have no error line: the same space keeps the fields evenly spaced. */
  select {
    margin-block-end: 1.45em;
  }
  .field:last-child select {
    margin-block-end: 0;
  }
  input[aria-invalid='true'] {
    border-color: var(--_danger);
    border-width: 2px;
  }
  /* Always one line tall, so an error appearing does not move the fields below. */
  .field-error {
    min-block-size: 1.45em;
    margin: 0;
    font-size: 0.9em;
    color: var(--_danger);
  }
  .output h3 {
    margin-block-end: var(--_space);
  }
  .result {
    min-block-size: 12em;
    padding: calc(var(--_space) * 1.5);
    border-radius: var(--_radius);
    background: var(--_result-bg);
    overflow-wrap: anywhere;
  }
  .needs {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: calc(var(--_space) * 0.25) var(--_space);
    margin: 0 0 var(--_space);
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
    text-align: end;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .best {
    font-weight: 700;
    font-size: 1.1em;
  }
  .cost {
    font-variant-numeric: tabular-nums;
  }
  .warning,
  .stale {
    color: var(--_warning);
    font-size: 0.9em;
  }
  .skeleton {
    block-size: 1.45em;
    inline-size: 80%;
  }
`;
