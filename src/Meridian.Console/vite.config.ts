import { defineConfig } from 'vitest/config';

// Relative asset URLs: the server puts a <base> tag in index.html naming the path it is reached under.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
