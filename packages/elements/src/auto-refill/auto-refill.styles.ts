import { css } from 'lit';

export const styles = css`
  :host {
    --_switch-on: var(--ck-switch-on, var(--_primary));
    --_switch-off: var(--ck-switch-off, var(--_muted));
    --_switch-thumb: var(--ck-switch-thumb, var(--_surface));
  }
  form {
    display: grid;
    gap: calc(var(--_space) * 1.5);
  }
  .switch {
    display: inline-flex;
    align-items: center;
    gap: var(--_space);
    justify-self: start;
    background: transparent;
    color: var(--_text);
    border-color: transparent;
    padding-inline: 0;
    text-align: start;
  }
  .switch[aria-disabled='true'] {
    cursor: not-allowed;
    color: var(--_muted);
  }
  .track {
    position: relative;
    flex: none;
    inline-size: 2.6em;
    block-size: 1.5em;
    border-radius: 999px;
    background: var(--_switch-off);
  }
  .thumb {
    position: absolute;
    inset-block-start: 0.2em;
    inset-inline-start: 0.2em;
    inline-size: 1.1em;
    block-size: 1.1em;
    border-radius: 50%;
    background: var(--_switch-thumb);
  }
  .switch[aria-checked='true'] .track {
    background: var(--_switch-on);
  }
  .switch[aria-checked='true'] .thumb {
    inset-inline-start: 1.3em;
  }
  @media (prefers-reduced-motion: no-preference) {
    .thumb {
      transition: inset-inline-start 0.15s ease;
    }
    .track {
      transition: background-color 0.15s ease;
    }
  }
  /* Forced colors: the track and thumb keep an outline so the state stays visible. */
  @media (forced-colors: active) {
    .track {
      border: 1px solid CanvasText;
    }
    .thumb {
      background: CanvasText;
    }
  }
  .fields {
    display: grid;
    gap: calc(var(--_space) * 1.5);
    grid-template-columns: repeat(auto-fit, minmax(12em, 1fr));
  }
  .field {
    display: grid;
    gap: calc(var(--_space) * 0.5);
    align-content: start;
  }
  label {
    font-weight: 600;
  }
  .hint {
    font-size: 0.85em;
    color: var(--_muted);
    margin: 0;
  }
  .field-error {
    font-size: 0.85em;
    color: var(--_danger);
    margin: 0;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger);
    border-width: 2px;
  }
  .banner p {
    margin: 0;
  }
  .banner p + p {
    margin-block-start: calc(var(--_space) * 0.5);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
  }
  .actions p {
    margin: 0;
  }
  .saved {
    color: var(--_success);
  }
  .stale {
    font-size: 0.85em;
    color: var(--_warning);
    margin: var(--_space) 0 0;
  }
  .skeleton-line {
    display: block;
    block-size: 2.5em;
    margin-block: var(--_space);
  }
`;
