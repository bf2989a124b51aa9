import { css } from 'lit';

export const styles = css`
  :host {
    --_option-border: var(--ck-buy-option-border, var(--_border));
    --_option-selected: var(--ck-buy-option-selected, var(--_primary));
    --_save-bg: var(--ck-buy-save-background, var(--_success));
    --_save-color: var(--ck-buy-save-color, var(--_surface));
    --_gap: var(--ck-buy-gap, var(--_space));
  }
  h2:focus,
  h3:focus,
  p:focus {
    outline: none;
  }
  h2:focus-visible,
  h3:focus-visible,
  p:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    min-inline-size: 0;
  }
  legend {
    padding: 0;
    margin-block-end: calc(var(--_space) * 0.5);
    font-size: 0.9em;
  }
  .packs {
    display: grid;
    gap: var(--_gap);
  }
  .option {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto;
    grid-template-areas:
      'radio main price'
      '. detail detail';
    align-items: center;
    gap: calc(var(--_space) * 0.25) var(--_space);
    padding-block: var(--_space);
    padding-inline: calc(var(--_space) * 1.5);
    border: 1px solid var(--_option-border);
    border-radius: calc(var(--_radius) * 0.75);
    cursor: pointer;
    overflow-wrap: anywhere;
  }
  .option.selected {
    border-color: var(--_option-selected);
    box-shadow: inset 0 0 0 1px var(--_option-selected);
  }
  .option:has(input:focus-visible) {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .option input {
    grid-area: radio;
    margin: 0;
    inline-size: 1.1em;
    block-size: 1.1em;
    accent-color: var(--_option-selected);
  }
  .option input:focus-visible {
    outline: none;
  }
  .main {
    grid-area: main;
    display: flex;
    flex-direction: column;
    min-inline-size: 0;
  }
  .name {
    font-weight: 600;
  }
  .sub {
    font-size: 0.9em;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .price {
    grid-area: price;
    font-weight: 650;
    font-variant-numeric: tabular-nums;
    text-align: end;
  }
  .detail {
    grid-area: detail;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_space) * 0.25) var(--_space);
    font-size: 0.9em;
    font-variant-numeric: tabular-nums;
  }
  .save {
    background: var(--_save-bg);
    color: var(--_save-color);
    border-radius: 999px;
    padding-inline: 0.6em;
    font-size: 0.85em;
    font-weight: 600;
  }
  .placeholder {
    cursor: default;
  }
  .custom,
  .request {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 0.5);
    margin-block-start: var(--_space);
  }
  .custom input,
  .request input {
    max-inline-size: 14em;
  }
  .request textarea {
    resize: vertical;
  }
  label {
    font-weight: 500;
  }
  .hint,
  .field-error {
    margin: 0;
    font-size: 0.9em;
  }
  .field-error {
    color: var(--_danger);
  }
  input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: var(--_space);
    margin-block-start: calc(var(--_space) * 1.5);
  }
  .shape,
  .legend-shape,
  .radio-shape,
  .button-shape {
    display: inline-block;
    block-size: 1em;
    inline-size: 7em;
  }
  .shape.short {
    inline-size: 4em;
  }
  .legend-shape {
    inline-size: 3.5em;
    block-size: 0.9em;
  }
  .radio-shape {
    grid-area: radio;
    inline-size: 1.1em;
    block-size: 1.1em;
    border-radius: 50%;
  }
  .button-shape {
    inline-size: 9em;
    block-size: 2.5em;
    border-radius: calc(var(--_radius) * 0.75);
  }
  .total {
    font-size: 1.2em;
    font-weight: 650;
  }
  .note {
    font-size: 0.9em;
    color: var(--_warning);
  }
  .banner p {
    margin: 0;
  }
  .status:empty {
    display: none;
  }
  .pending {
    display: flex;
    align-items: center;
    gap: var(--_space);
    font-weight: 600;
  }
  .done {
    font-weight: 650;
    color: var(--_success);
  }
  .spinner {
    inline-size: 1em;
    block-size: 1em;
    border-radius: 50%;
    border: 2px solid var(--_surface-2);
    border-block-start-color: var(--_primary);
    flex: none;
  }
  @media (prefers-reduced-motion: no-preference) {
    .spinner {
      animation: ck-spin 0.9s linear infinite;
    }
  }
  @keyframes ck-spin {
    to {
      transform: rotate(1turn);
    }
  }
  .contact {
    margin-block-start: calc(var(--_space) * 2);
    border-block-start: 1px solid var(--_border);
    padding-block-start: var(--_space);
  }
  .contact ul {
    margin: 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5) calc(var(--_space) * 2);
  }
  a {
    color: var(--_primary-text);
    overflow-wrap: anywhere;
  }
`;
