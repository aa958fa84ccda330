/**
 * Four builds, chosen by `--mode`:
 * - `npm`  ES modules per entry for the `admin-realtime` package (Lit, partysocket, uPlot, React
 *          external), with the framework entries `react` and `vue` (not in the CDN bundles);
 * - `hub`  packages/hub/dist, ES modules of src/hub for the `admin-realtime-hub` package: the server
 *          dependencies external, and the protocol imported from `admin-realtime/protocol`
 *          (`scripts/build-hub.mjs` runs it and adds the types);
 * - `cdn`  dist/cdn/admin-realtime.js, one ES module registering every element, uPlot as a chunk
 *          loaded only when a chart first shows;
 * - `iife` dist/cdn/admin-realtime.iife.js, the same for a classic <script>, all in one file.
 * The `cdn` build also copies the Web Push service worker (src/service-worker/admin-realtime-sw.js)
 * to dist/cdn/admin-realtime-sw.js, as it is: integrators serve it from their own origin.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { minifyTemplates } from './scripts/minify-templates.mjs';
import { ELEMENT_TAGS } from './src/components/tags.js';

const elements = ELEMENT_TAGS;

const npmExternal = [
  /^lit($|\/)/,
  /^@lit\//,
  /^partysocket($|\/)/,
  // uPlot stays external; its stylesheet, imported as text, is inlined into the package.
  /^uplot$/,
  // admin-realtime/react: the app's own React (an optional peer dependency).
  /^react($|\/)/,
];

/** The hub package's runtime dependencies (packages/hub/package.json), kept external. */
const hubExternal = [
  /^(ws|jose|better-sqlite3|pg|nodemailer|web-push)($|\/)/,
  'admin-realtime/protocol',
  ...builtinModules,
  /^node:/,
];

/** The source files `admin-realtime/protocol` (src/protocol.ts) re-exports. */
const PROTOCOL_SOURCES = new Set(['src/core/protocol.ts', 'src/core/validate.ts']);

/**
 * Hub build: a relative import of the protocol becomes `admin-realtime/protocol` (the hub package
 * depends on the browser package for it, so both sides run the same contract from one copy); any
 * other import that leaves src/hub fails the build, so no browser code is copied into the hub.
 */
function protocolFromPackage(): Plugin {
  const root = import.meta.dirname;
  return {
    name: 'admin-realtime:protocol-from-package',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.')) return null;
      const file = relative(root, resolve(dirname(importer), source))
        .split(sep)
        .join('/')
        .replace(/\.js$/, '.ts');
      if (PROTOCOL_SOURCES.has(file)) return { id: 'admin-realtime/protocol', external: true };
      if (!file.startsWith('src/hub/')) {
        this.error(
          `${relative(root, importer)} imports ${source}, outside src/hub: the hub package gets only the ` +
            'protocol from admin-realtime (src/protocol.ts); export it there or move it into src/hub',
        );
      }
      return null;
    },
  };
}

/** Emits the service worker beside the CDN bundle, unbundled (it has no imports). */
function serviceWorker(): Plugin {
  const source = resolve(import.meta.dirname, 'src/service-worker/admin-realtime-sw.js');
  return {
    name: 'admin-realtime:service-worker',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'admin-realtime-sw.js', source: readFileSync(source, 'utf8') });
    },
  };
}

/** ES modules, one file per source module under `root`, unminified (a package, not a page). */
function modulesBuild(
  plugins: Plugin[],
  outDir: string,
  root: string,
  entry: Record<string, string>,
  external: (string | RegExp)[],
): UserConfig {
  return {
    plugins,
    build: {
      outDir,
      // dist holds three builds; packages/hub/dist only this one.
      emptyOutDir: outDir !== 'dist',
      target: 'es2022',
      minify: false,
      sourcemap: true,
      lib: { entry, formats: ['es'] },
      rollupOptions: {
        external,
        output: { preserveModules: true, preserveModulesRoot: root, entryFileNames: '[name].js' },
      },
    },
  };
}

export default defineConfig(({ mode }) => {
  if (mode === 'npm') {
    const entry: Record<string, string> = {
      index: 'src/index.ts',
      // Entry names mirror the source paths, so preserveModules writes each to its own place.
      'core/index': 'src/core/index.ts',
      // admin-realtime/push: Web Push subscription, loaded by the button that enables it.
      'core/push': 'src/core/push.ts',
      'components/shared/lit': 'src/components/shared/lit.ts',
      protocol: 'src/protocol.ts',
      // The framework wrappers: admin-realtime/react and admin-realtime/vue.
      react: 'src/react.ts',
      vue: 'src/vue.ts',
    };
    for (const tag of elements) entry[`components/${tag}/index`] = `src/components/${tag}/index.ts`;
    return modulesBuild([minifyTemplates()], 'dist', 'src', entry, npmExternal);
  }
  if (mode === 'hub') {
    const entry = { index: 'src/hub/index.ts', cli: 'src/hub/cli.ts' };
    return modulesBuild([protocolFromPackage()], 'packages/hub/dist', 'src/hub', entry, hubExternal);
  }
  const iife = mode === 'iife';
  return {
    plugins: iife ? [minifyTemplates()] : [minifyTemplates(), serviceWorker()],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir: 'dist/cdn',
      emptyOutDir: false,
      target: 'es2022',
      sourcemap: true,
      // Lib mode leaves ES output unminified by default; a CDN bundle is paid by every page.
      minify: 'oxc',
      lib: {
        entry: 'src/cdn.ts',
        name: 'AdminRealtime',
        formats: [iife ? 'iife' : 'es'],
        fileName: () => (iife ? 'admin-realtime.iife.js' : 'admin-realtime.js'),
      },
      rollupOptions: {
        // Code the entry and a lazy chunk share (the protocol, for the fallback transports) stays in
        // the entry, which may export it to the chunk: a page loads one file until a chunk is needed.
        preserveEntrySignatures: 'allow-extension',
        // IIFE output is one file by nature (no code splitting); the ES module splits uPlot out.
        // No comments: the files run as they are, so bundler annotations (`/* @__PURE__ */`, 50
        // of them from Lit and our code) are bytes for nobody; the npm build keeps them.
        output: iife
          ? { minify: true, comments: false }
          : { chunkFileNames: 'chunks/[name]-[hash].js', minify: true, comments: false },
      },
    },
  };
});
