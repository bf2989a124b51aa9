import { css } from 'lit';

export const styles = css`
  :host {
    --_plan-min: var(--ck-plan-min-width, 15em);
    --_highlight: var(--ck-plan-highlight, var(--_primary));
  }
  .plans {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, var(--_plan-min)), 1fr));
    gap: calc(var(--_space) * 1.5);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .plan {
    display: flex;
    flex-direction: column;
    min-inline-size: 0;
    min-block-size: 16em;
    padding: calc(var(--_space) * 1.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    /* Agency strings may be one 10 KB word (THREATS 21): wrap anywhere rather than overflow. */
    overflow-wrap: anywhere;
  }
  .plan.recommended,
  .plan.current {
    border: 2px solid var(--_highlight);
  }
  .badges {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
    min-block-size: 1.6em;
    margin-block-end: calc(var(--_space) * 0.5);
  }
  .badge {
    font-size: 0.8em;
    font-weight: 600;
    padding-block: 0.1em;
    padding-inline: 0.6em;
    border-radius: 999px;
    border: 1px solid var(--_highlight);
    color: var(--_text);
  }
  .badge.current {
    background: var(--_highlight);
    color: var(--_on-primary);
  }
  .name {
    font-size: 1.15em;
  }
  .price {
    font-size: 1.3em;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .included,
  .features {
    margin: 0 0 var(--_space);
    padding-inline-start: 1.2em;
  }
  .features {
    list-style-type: '✓  ';
  }
  .note {
    color: var(--_success);
  }
  .rates {
    margin-block: var(--_space);
  }
  .rates summary {
    cursor: pointer;
    font-weight: 600;
    min-block-size: 1.8em;
  }
  h4 {
    margin-block: var(--_space) calc(var(--_space) * 0.5);
    margin-inline: 0;
    font-size: 0.95em;
  }
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: calc(var(--_space) * 0.25) var(--_space);
    margin: 0;
    font-size: 0.9em;
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .action {
    margin-block-start: auto;
    padding-block-start: var(--_space);
  }
  .action > button {
    inline-size: 100%;
  }
  .confirm {
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_surface-2);
    padding: var(--_space);
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
  }
  button[aria-disabled='true'] {
    cursor: progress;
  }
  .banner {
    margin-block: 0 var(--_space);
  }
  .done {
    color: var(--_success);
    font-weight: 600;
  }
  .stale {
    font-size: 0.9em;
    color: var(--_warning);
  }
  /* The loading card's lines: name, description, price, included credits (no CSP-blocked inline styles). */
  /* About the height of a loaded card (name, description, price, included, features, rates, button). */
  .plan[aria-hidden='true'] {
    min-block-size: 28em;
  }
  .skeleton {
    inline-size: 70%;
    block-size: 2.8em;
  }
  .skeleton:nth-of-type(odd) {
    block-size: 1.5em;
  }
`;
