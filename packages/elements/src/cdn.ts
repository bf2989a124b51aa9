/** The script-tag entry: every widget and the SDK; registers the tags on load (safe if loaded twice). */
import './define.js';

export * from './index.js';
