// Builds the dashboard into web/dist, which the server serves. In development (`npx vite web`),
// API calls go to a running `vigil start` on port 7700.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': 'http://127.0.0.1:7700', '/metrics': 'http://127.0.0.1:7700' } },
});
