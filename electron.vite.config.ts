import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

/**
 * One build for both shells. `out/main` holds the Electron main (index.js), the headless server (headless.js),
 * the demo (demo.js) and the inference process entry (worker.js); `out/preload` the sandboxed bridge;
 * `out/renderer` the UI that both the window and the browser load.
 */
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          headless: resolve(__dirname, 'electron/headless/index.ts'),
          demo: resolve(__dirname, 'electron/headless/demo.ts'),
          worker: resolve(__dirname, 'electron/inference/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require anything but electron: bundle everything into one file.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'electron/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    // The highlighter's worker loads each grammar as its own file, on first use.
    worker: { format: 'es' },
    build: {
      minify: true,
      // The CSP says font-src 'self': a font inlined as a data: URL (KaTeX's smallest is under Vite's 4 kB limit)
      // would be blocked, with an error on every page.
      assetsInlineLimit: (file: string) => (/\.(woff2?|ttf|otf)$/.test(file) ? false : undefined),
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
