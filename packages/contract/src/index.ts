export * from './api.js';
export * from './constants.js';
export * from './domain.js';
export * from './errors.js';
export * from './routes.js';
export * from './units.js';
export * as z from './zod.js';
