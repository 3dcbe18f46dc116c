import { defineConfig } from 'vitest/config';
import solid from 'vite-plugin-solid';

// Cross-origin isolation lets the wasm backend use threads where the machine has cores to spare.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [solid()],
  server: { headers: isolation, host: '127.0.0.1', port: 5173 },
  preview: { headers: isolation, host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
  // Pinned so the first page load does not trigger a dependency re-optimization and reload.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      'comlink',
      'handsontable',
      'handsontable/base',
      'handsontable/registry',
      'handsontable/cellTypes',
      'handsontable/editors',
      'handsontable/plugins',
      'handsontable/renderers',
      'handsontable/i18n/registry',
      'handsontable/i18n/languages/ko-KR',
      'solid-js',
      'solid-js/web',
      'zod',
      'fflate',
      'uplot',
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  test: {
    // vite-plugin-solid would default every test to jsdom; ours run in Node or in real chromium.
    environment: 'node',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/engine/**/*.test.ts', 'test/workers/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/persist/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/helpers/property-seed.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Real redis-server and worker processes: one file at a time on this 2-core machine.
          name: 'queue',
          include: ['test/queue/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
