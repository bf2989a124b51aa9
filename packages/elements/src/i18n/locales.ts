import { registerLocale } from './translate.js';

/** The bundled translations load on demand, so a page pays only for the locale it shows. */
registerLocale('es', async () => (await import('./es.js')).es);
registerLocale('fr', async () => (await import('./fr.js')).fr);
registerLocale('de', async () => (await import('./de.js')).de);
registerLocale('pt', async () => (await import('./pt-BR.js')).ptBR);
registerLocale('pt-BR', async () => (await import('./pt-BR.js')).ptBR);
