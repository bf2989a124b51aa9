// The demo site: a fictional agency's pages using the widgets, on the in-browser simulator (msw).
import { resolve } from 'node:path';
import { msw } from 'msw/vite';
import { defineConfig } from 'vite';

const port = Number(process.env.PORT ?? 5173);

export default defineConfig({
  root: 'demo',
  appType: 'mpa',
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  define: { 'process.env.NODE_ENV': JSON.stringify(process.env.NODE_ENV ?? 'production') },
  plugins: [msw({ mode: 'worker-only' })],
  server: { port, host: '127.0.0.1', strictPort: true },
  preview: { port, host: '127.0.0.1', strictPort: true },
  build: {
    outDir: resolve('dist/demo'),
    emptyOutDir: true,
    target: 'es2022',
    // The demo carries the whole simulator (engine, msw): it is a demo, not the shipped bundle.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        index: resolve('demo/index.html'),
        embed: resolve('demo/embed.html'),
      },
    },
  },
});
