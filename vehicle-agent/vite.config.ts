import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The crew tablet app; the dispatch server serves the build at /tablet/. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/tablet/',
  plugins: [react()],
  // One bundle is right for a tablet that must work offline once loaded; zod (shared schemas) makes it ~550 kB.
  // No source maps: production serves none to anyone (the server also answers 404 for any .map file).
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  server: {
    // `vite vehicle-agent` during development talks to a dispatch server on its default port.
    proxy: { '/api': 'http://127.0.0.1:8120', '/socket.io': { target: 'ws://127.0.0.1:8120', ws: true } },
  },
});
