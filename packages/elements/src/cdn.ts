/** The script-tag entry: every widget and the SDK; registers the tags on load (safe if loaded twice). */
import './define.js';

// The SDK the widgets run on, for a `client` of your own (`fetchSessionToken`, a custom UI): no extra bytes.
export { CreditkitError, createClient } from '@creditkit/sdk';
export * from './index.js';
