import { css } from 'lit';

/**
 * Three layers (STYLE.md §5): the page's public `--ck-*` tokens win; then the agency brand from the
 * API (`--ck-brand-*`, set by ck-provider) and the light/dark palette (`--ck-theme-*`); the rules
 * read only the private `--_*` variables defined here.
 */
export const tokens = css`
  :host {
    --_primary: var(--ck-color-primary, var(--ck-brand-primary, #1d4ed8));
    --_on-primary: var(--ck-color-on-primary, #ffffff);
    --_accent: var(--ck-color-accent, var(--ck-brand-accent, var(--_primary)));
    --_surface: var(--ck-color-surface, var(--ck-theme-surface, #ffffff));
    --_surface-2: var(--ck-color-surface-2, var(--ck-theme-surface-2, #f3f5f7));
    --_text: var(--ck-color-text, var(--ck-theme-text, #17191c));
    --_muted: var(--ck-color-muted, var(--ck-theme-muted, #50565e));
    --_border: var(--ck-color-border, var(--ck-theme-border, #c9ced4));
    --_success: var(--ck-color-success, var(--ck-theme-success, #17663a));
    --_warning: var(--ck-color-warning, var(--ck-theme-warning, #7a4d00));
    --_warning-bg: var(--ck-color-warning-bg, var(--ck-theme-warning-bg, #fff4d6));
    --_danger: var(--ck-color-danger, var(--ck-theme-danger, #a8201a));
    --_danger-bg: var(--ck-color-danger-bg, var(--ck-theme-danger-bg, #fde8e6));
    --_radius: var(--ck-radius, 8px);
    --_font: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--ck-font-size, 15px);
    --_space: var(--ck-spacing, 8px);
    /* The primary color as text on the surface: the brand color itself in light, lightened in dark. */
    --_primary-text: var(--ck-color-primary-text, var(--ck-theme-primary-text, var(--_primary)));
    --_focus: var(--ck-color-focus, var(--_primary-text));
  }
`;

/** The dark palette, applied by ck-provider's `theme="dark"` (or `auto` with a dark preference). */
export const darkPalette = {
  '--ck-theme-surface': '#17191d',
  '--ck-theme-surface-2': '#23262b',
  '--ck-theme-text': '#eef0f3',
  '--ck-theme-muted': '#aeb4bc',
  '--ck-theme-border': '#3b4048',
  '--ck-theme-success': '#5fd08a',
  '--ck-theme-warning': '#f2c25c',
  '--ck-theme-warning-bg': '#3a2e10',
  '--ck-theme-danger': '#ff8a80',
  '--ck-theme-danger-bg': '#3d1a18',
  '--ck-theme-primary-text':
    'color-mix(in oklab, var(--ck-color-primary, var(--ck-brand-primary, #1d4ed8)) 40%, white)',
} as const;

/**
 * The host defends itself against hostile page CSS (THREATS 20): `!important` on `:host` beats the
 * page's normal and even `* { all: unset }` rules, and nothing inside the shadow root is reachable.
 */
export const base = css`
  :host {
    display: block !important;
    box-sizing: border-box !important;
    font-family: var(--_font) !important;
    font-size: var(--_font-size) !important;
    font-weight: 400 !important;
    line-height: 1.45 !important;
    color: var(--_text) !important;
    text-align: start !important;
    letter-spacing: normal !important;
    text-transform: none !important;
    visibility: visible !important;
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .card {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 2);
  }
  h2,
  h3 {
    margin: 0 0 var(--_space);
    font-size: 1.05em;
    font-weight: 650;
    line-height: 1.3;
  }
  p {
    margin: 0 0 var(--_space);
  }
  button {
    font: inherit;
    cursor: pointer;
    min-block-size: 2.5em;
    padding-block: 0.45em;
    padding-inline: 1em;
    border-radius: calc(var(--_radius) * 0.75);
    border: 1px solid var(--_primary);
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
  }
  button.secondary {
    background: transparent;
    color: var(--_primary-text);
    border-color: var(--_primary-text);
  }
  /* Busy buttons use aria-disabled rather than disabled, so keyboard focus is not dropped. */
  button:disabled,
  button[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.6;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    padding: 0.4em 0.6em;
    min-block-size: 2.5em;
  }
  .muted {
    color: var(--_muted);
  }
  .banner {
    border-radius: calc(var(--_radius) * 0.75);
    padding: var(--_space) calc(var(--_space) * 1.5);
    margin-block: var(--_space);
  }
  .banner.warning {
    background: var(--_warning-bg);
    color: var(--_warning);
  }
  .banner.danger {
    background: var(--_danger-bg);
    color: var(--_danger);
  }
  .skeleton {
    background: var(--_surface-2);
    border-radius: 4px;
    color: transparent;
    user-select: none;
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (prefers-reduced-motion: no-preference) {
    .skeleton {
      animation: ck-pulse 1.4s ease-in-out infinite;
    }
  }
  @keyframes ck-pulse {
    50% {
      opacity: 0.55;
    }
  }
`;
