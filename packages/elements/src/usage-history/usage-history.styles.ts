import { css } from 'lit';

export const styles = css`
  :host {
    --_chart-height: var(--ck-chart-height, 160px);
    --_series-1: var(--ck-chart-1, var(--_primary));
    --_series-2: var(--ck-chart-2, var(--_accent, #f2a541));
    --_series-3: var(--ck-chart-3, #6b5bd2);
    --_series-4: var(--ck-chart-4, #2a9d8f);
    --_series-5: var(--ck-chart-5, #c2185b);
    --_series-6: var(--ck-chart-6, #8d6e63);
    --_grid: var(--ck-chart-grid, var(--_border));
    --_positive: var(--ck-history-positive, var(--_success));
  }
  section + section {
    margin-block-start: calc(var(--_space) * 3);
  }
  .chart-head,
  .ledger-head {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: baseline;
    gap: var(--_space);
  }
  .plot {
    position: relative;
    block-size: var(--_chart-height);
    margin-block: var(--_space);
  }
  svg {
    display: block;
    inline-size: 100%;
    block-size: 100%;
    overflow: visible;
  }
  /* Time runs with the reading direction. */
  :host(:dir(rtl)) svg {
    transform: scaleX(-1);
  }
  .grid {
    stroke: var(--_grid);
    stroke-width: 1;
    vector-effect: non-scaling-stroke;
  }
  .s1 {
    fill: var(--_series-1);
    background: var(--_series-1);
  }
  .s2 {
    fill: var(--_series-2);
    background: var(--_series-2);
  }
  .s3 {
    fill: var(--_series-3);
    background: var(--_series-3);
  }
  .s4 {
    fill: var(--_series-4);
    background: var(--_series-4);
  }
  .s5 {
    fill: var(--_series-5);
    background: var(--_series-5);
  }
  .s6 {
    fill: var(--_series-6);
    background: var(--_series-6);
  }
  .axis {
    display: flex;
    justify-content: space-between;
    gap: var(--_space);
    font-size: 0.8em;
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  .scale {
    font-size: 0.8em;
    color: var(--_muted);
    margin: 0;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5) calc(var(--_space) * 2);
    margin: var(--_space) 0 0;
    padding: 0;
    list-style: none;
    font-size: 0.9em;
  }
  .legend li {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) * 0.5);
  }
  .swatch {
    inline-size: 0.8em;
    block-size: 0.8em;
    border-radius: 2px;
    flex: none;
  }
  .empty {
    display: grid;
    place-items: center;
    block-size: var(--_chart-height);
    margin-block: var(--_space);
    background: var(--_surface-2);
    border-radius: calc(var(--_radius) * 0.75);
    color: var(--_muted);
    text-align: center;
    padding: var(--_space);
  }
  .empty p {
    margin: 0;
  }
  .table-wrap {
    overflow-x: auto;
    margin-block: var(--_space);
  }
  table {
    inline-size: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  caption {
    text-align: start;
    font-weight: 650;
    padding-block-end: var(--_space);
  }
  th,
  td {
    padding-block: calc(var(--_space) * 0.5);
    padding-inline: calc(var(--_space) * 0.75);
    border-block-end: 1px solid var(--_border);
    text-align: start;
    vertical-align: top;
  }
  th {
    font-weight: 600;
    color: var(--_muted);
    font-size: 0.9em;
  }
  th:first-child,
  td:first-child {
    padding-inline-start: 0;
  }
  th:last-child,
  td:last-child {
    padding-inline-end: 0;
  }
  .num {
    text-align: end;
    white-space: nowrap;
  }
  .up {
    color: var(--_positive);
  }
  td small {
    display: block;
    color: var(--_muted);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
  }
  .actions p {
    margin: 0;
    font-size: 0.85em;
  }
  .stale {
    font-size: 0.85em;
    color: var(--_warning);
    margin: var(--_space) 0 0;
  }
  .stale button {
    margin-inline-start: var(--_space);
    min-block-size: 2em;
    padding-block: 0.2em;
  }
  .bone {
    display: inline-block;
    block-size: 1em;
    vertical-align: middle;
  }
  .w3 {
    inline-size: 3em;
  }
  .w4 {
    inline-size: 4em;
  }
  .w5 {
    inline-size: 5em;
  }
  .w8 {
    inline-size: 8em;
  }
  .w12 {
    inline-size: 12em;
  }
  .skeleton-block {
    block-size: var(--_chart-height);
    margin-block: var(--_space);
  }
  .banner p {
    margin: 0 0 var(--_space);
  }
`;
