export { mswHandlers } from './msw.js';
export * from './node.js';
