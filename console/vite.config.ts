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
    // The charts chunk (ECharts core, bar chart, four components, canvas renderer: ~510 kB, 171 kB gzipped) is the
    // largest and loads only with a report; the warning's 500 kB would flag it on every build.
    chunkSizeWarningLimit: 560,
    // Libraries change less often than the app: their own chunks stay cached across releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'map', test: /node_modules[\\/]leaflet/ },
            // ECharts and its renderer only for the reports, loaded when one opens (React.lazy): not in every role's start-up.
            { name: 'charts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
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
