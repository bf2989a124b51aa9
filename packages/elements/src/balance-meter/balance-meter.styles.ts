import { css } from 'lit';

export const styles = css`
  :host {
    --_fill: var(--ck-meter-fill, var(--_primary));
    --_track: var(--ck-meter-track, var(--_surface-2));
    --_meter-height: var(--ck-meter-height, 10px);
  }
  .head {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: var(--_space);
  }
  .label {
    font-weight: 600;
  }
  .amount {
    font-size: 2em;
    font-weight: 700;
    line-height: 1.15;
    margin: calc(var(--_space) * 0.5) 0;
    font-variant-numeric: tabular-nums;
  }
  .amount .unit {
    font-size: 0.45em;
    font-weight: 500;
    color: var(--_muted);
  }
  .meter {
    block-size: var(--_meter-height);
    background: var(--_track);
    border-radius: 999px;
    overflow: hidden;
    margin-block: var(--_space);
  }
  .fill {
    block-size: 100%;
    background: var(--_fill);
    border-radius: inherit;
    inline-size: 0;
  }
  :host([status='low']) .fill {
    background: var(--_warning);
  }
  :host([status='depleted']) .fill,
  :host([status='capped']) .fill,
  :host([status='paused']) .fill {
    background: var(--_danger);
  }
  @media (prefers-reduced-motion: no-preference) {
    .fill {
      transition: inline-size 0.4s ease;
    }
  }
  .equiv {
    margin: 0;
  }
  .providers {
    display: flex;
    flex-wrap: wrap;
    gap: 0 calc(var(--_space) * 1.5);
    margin: 0 0 var(--_space);
    padding: 0;
    list-style: none;
    font-size: 0.9em;
  }
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: calc(var(--_space) * 0.5) calc(var(--_space) * 2);
    margin: var(--_space) 0 0;
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  dd small {
    display: block;
    color: var(--_muted);
  }
  .stale {
    font-size: 0.85em;
    color: var(--_warning);
    margin: var(--_space) 0 0;
  }
  .banner p {
    margin: 0;
  }
  /* The compact variant: one line for a site header. */
  :host([compact]) .card {
    display: flex;
    align-items: center;
    gap: var(--_space);
    padding: calc(var(--_space) * 0.5) var(--_space);
    min-block-size: 40px;
  }
  :host([compact]) .amount {
    font-size: 1em;
    margin: 0;
    white-space: nowrap;
  }
  :host([compact]) .amount .unit {
    font-size: 0.85em;
  }
  :host([compact]) .meter {
    flex: 1;
    min-inline-size: 48px;
    margin: 0;
    block-size: 6px;
  }
  .dot {
    inline-size: 0.6em;
    block-size: 0.6em;
    border-radius: 50%;
    background: var(--_success);
    flex: none;
  }
  :host([status='low']) .dot {
    background: var(--_warning);
  }
  :host([status='depleted']) .dot,
  :host([status='capped']) .dot,
  :host([status='paused']) .dot {
    background: var(--_danger);
  }
`;
