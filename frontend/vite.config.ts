/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the SPA on :5173 and forwards /api to the server.
// Override the target with CDC_CONSOLE_API=http://host:port.
const apiTarget = process.env.CDC_CONSOLE_API ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  // Absolute asset URLs: the server falls back to index.html for deep client
  // routes such as /pipelines/x, so relative URLs would resolve wrongly.
  base: '/',
  build: {
    // Packaged by Maven into the jar as webroot/**, served by the backend at /.
    outDir: 'target/classes/webroot',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    unstubGlobals: true,
    // antd's CSS-in-JS under jsdom is slow, and a build beside this one (load 9–20 on 2 cores) made
    // single tests take over 4 minutes: a slow machine must make tests slower, not red. A hung test
    // still fails, after 10 minutes. No test sets a shorter limit of its own.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
