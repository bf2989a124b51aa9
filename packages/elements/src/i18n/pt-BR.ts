import type { Catalogue } from './en.js';
export const ptBR: Catalogue = {};
