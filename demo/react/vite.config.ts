/**
 * The React 19 proof: `vite build` (or `vite`) from this folder, or `npx vite build demo/react`.
 * No React plugin is needed: Vite transforms JSX itself (automatic runtime, `react/jsx-runtime`).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { demoHubProxy } from '../dev-proxy.ts';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // What `npm install admin-realtime` gives an app: the package entry, resolved through the
  // repository's package.json `exports` (the npm build in dist/; run `npm run build` first).
  resolve: { alias: [{ find: /^admin-realtime$/, replacement: fileURLToPath(new URL('../..', import.meta.url)) }] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // `npx vite demo/react` next to `npm start`: see ../dev-proxy.ts.
  server: { host: 'localhost', proxy: demoHubProxy() },
  logLevel: 'warn',
});
