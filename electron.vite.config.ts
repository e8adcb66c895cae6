import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    // The evaluator worker and the hebb CLI are entries of their own; chunks stay next to them, so the pool finds
    // './evaluator-worker.js' relative to whichever chunk it lands in.
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          'evaluator-worker': resolve('src/main/training/evaluator-worker.ts'),
          'lifetimes-worker': resolve('src/main/services/lifetimes-worker.ts'),
          'analysis-worker': resolve('src/main/services/analysis-worker.ts'),
          'merge-worker': resolve('src/main/training/merge-worker.ts'),
          hebb: resolve('src/cli/hebb.ts'),
        },
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    // Sandboxed preloads cannot be ES modules: emit CommonJS.
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [vue()],
    build: { outDir: 'out/renderer', rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
  },
});
