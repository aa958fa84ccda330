/**
 * The Vue 3 proof: `vite build` (or `vite`) from this folder, or `npx vite build demo/vue`.
 * Vue must be told which tags are custom elements, or it tries to resolve them as components.
 */
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
// The package's helper: true for every admin-realtime tag (the npm build; run `npm run build` first).
import { isCustomElement } from 'admin-realtime/vue';
import { defineConfig } from 'vite';
import { demoHubProxy } from '../dev-proxy.ts';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue({ template: { compilerOptions: { isCustomElement } } })],
  // What `npm install admin-realtime` gives an app: the package entry, resolved through the
  // repository's package.json `exports` (the npm build in dist/; run `npm run build` first).
  resolve: { alias: [{ find: /^admin-realtime$/, replacement: fileURLToPath(new URL('../..', import.meta.url)) }] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // `npx vite demo/vue` next to `npm start`: see ../dev-proxy.ts.
  server: { host: 'localhost', proxy: demoHubProxy() },
  logLevel: 'warn',
});
