/**
 * Three builds, chosen by `--mode`:
 * - `npm`  ES modules per entry for the npm package (Lit, partysocket, uPlot and hub deps external);
 * - `cdn`  dist/cdn/admin-realtime.js, one ES module registering every element, uPlot as a chunk
 *          loaded only when a chart first shows;
 * - `iife` dist/cdn/admin-realtime.iife.js, the same for a classic <script>, all in one file.
 */
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import { minifyTemplates } from './scripts/minify-templates.mjs';
import { ELEMENT_TAGS } from './src/components/tags.js';

const elements = ELEMENT_TAGS;

const npmExternal = [
  /^lit($|\/)/,
  /^@lit\//,
  /^partysocket($|\/)/,
  // uPlot stays external; its stylesheet, imported as text, is inlined into the package.
  /^uplot$/,
  'ws',
  'jose',
  'better-sqlite3',
  ...builtinModules,
  /^node:/,
];

export default defineConfig(({ mode }) => {
  if (mode === 'npm') {
    const entry: Record<string, string> = {
      index: 'src/index.ts',
      // Entry names mirror the source paths, so preserveModules writes each to its own place.
      'core/index': 'src/core/index.ts',
      'components/shared/lit': 'src/components/shared/lit.ts',
      'hub/index': 'src/hub/index.ts',
      'hub/cli': 'src/hub/cli.ts',
    };
    for (const tag of elements) entry[`components/${tag}/index`] = `src/components/${tag}/index.ts`;
    return {
      plugins: [minifyTemplates()],
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        target: 'es2022',
        minify: false,
        sourcemap: true,
        lib: { entry, formats: ['es'] },
        rollupOptions: {
          external: npmExternal,
          output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
        },
      },
    };
  }
  const iife = mode === 'iife';
  return {
    plugins: [minifyTemplates()],
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
        // IIFE output is one file by nature (no code splitting); the ES module splits uPlot out.
        output: iife ? { minify: true } : { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
      },
    },
  };
});
