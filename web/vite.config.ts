/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { precompress } from './build/precompress.ts';
import { serviceWorker } from './build/service-worker.ts';

// The API the dev server forwards to (`qualify serve`); the built app is served by qualify itself.
const api = process.env.QUALIFY_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  resolve: { alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) } },
  plugins: [svelte(), serviceWorker('src/sw.js'), precompress('assets')],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    manifest: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/verify', '/.well-known', '/docs', '/api-docs', '/health'].map((p) => [p, { target: api }]),
    ),
  },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
