import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

/**
 * The admin console: built into `dist/web`, served by the server at `/ui/` (src/http/plugins/console.ts).
 * `npm run dev:web` serves it with hot reload and forwards API calls to a server on :8080.
 */
const api = process.env.IDPROFILES_URL ?? 'http://127.0.0.1:8080';
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(['/oauth', '/v3', '/v2025', '/beta', '/v2024', '/v2026'].map((p) => [p, api])),
  },
});
