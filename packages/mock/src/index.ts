export * from './node.js';
export { mswHandlers } from './msw.js';
