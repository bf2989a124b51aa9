// `custom-elements.json` is generated from the classes' JSDoc: the docs cannot drift from the code.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.styles.ts', 'src/i18n/**', 'src/cdn*.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      // The analyzer also guesses events from `dispatchEvent(variable)`; the documented ones are ck-*.
      name: 'creditkit-events-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules ?? []) {
          for (const declaration of mod.declarations ?? []) {
            if (declaration.events) declaration.events = declaration.events.filter((e) => e.name?.startsWith('ck-'));
          }
        }
      },
    },
  ],
};
