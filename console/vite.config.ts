import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No source maps: production serves none to anyone (the server also answers 404 for any .map file).
    sourcemap: false,
    // Libraries change less often than the app: their own chunks stay cached across releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'map', test: /node_modules[\\/]leaflet/ },
            { name: 'vendor', test: /node_modules/ },
          ],
        },
      },
    },
  },
  server: {
    // `vite console` during development talks to a dispatch server on its default port.
    proxy: { '/api': 'http://127.0.0.1:8120', '/socket.io': { target: 'ws://127.0.0.1:8120', ws: true } },
  },
});
