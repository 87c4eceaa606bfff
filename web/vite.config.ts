import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The API server (npm start) listens here; the dev server forwards to it so the app
// is same-origin in development exactly as it is when the server serves web/dist.
const apiServer = 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // MapLibre alone is about 1 MB minified; it is loaded lazily with the map page.
    chunkSizeWarningLimit: 1200,
  },
  // Pre-bundled at start-up: found only behind the map page's dynamic import, they would
  // otherwise be optimised on first visit and force a full page reload in development.
  optimizeDeps: {
    include: ['maplibre-gl', 'topojson-client'],
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': apiServer,
      '/reference': apiServer,
      '/healthz': apiServer,
    },
  },
  preview: {
    host: '127.0.0.1',
  },
});
