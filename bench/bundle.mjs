/**
 * Bundle size: every figure is one Vite (rolldown) production build, minified, target es2022,
 * everything bundled (nothing external), measured raw, gzip (level 9) and brotli (quality 11) with
 * node:zlib. Only the static graph of the entry counts; dynamically imported chunks (uPlot and its
 * stylesheet) are reported on their own. The CDN entry is the `cdn` build of vite.config.ts, the
 * file that ships (dist/cdn/admin-realtime.js).
 *
 * An element's own cost is a difference of two builds with the same bundler settings:
 *   base    = core (with partysocket) + Lit + the shared element infrastructure, all re-exported
 *             so nothing of it can be tree-shaken away;
 *   element = base + that element's registration module.
 * cost = size(element) − size(base), compressed sizes included, so the figure is what adding the
 * element to a page that already has core and Lit costs.
 *
 * Budgets: the CDN entry (every element, core, Lit, partysocket; lazy chunks apart) at most
 * 48 KB gzip; a page with the bell and the notification center at most the size of Courier's
 * inbox (`@trycourier/courier-ui-inbox`), measured in the same run by the same build. Each
 * element's page (provider + that element) is also reported as our code above the floor
 * (Lit, @lit/context, partysocket), so growth shows change by change.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';
import { minifyTemplates } from '../scripts/minify-templates.mjs';
import { ELEMENT_TAGS } from '../src/components/tags.ts';
import { PEERS_DIR, peerVersion } from './peers.mjs';

export const ELEMENTS = ELEMENT_TAGS;

const KB = 1024;
/** Budget of the CDN entry, gzip. */
export const CDN_BUDGET = 48 * KB;
/** The peer whose inbox package bounds the bell + center page. */
export const PAGE_PEER = '@trycourier/courier-ui-inbox';
const sizes = (code) => {
  const buf = Buffer.from(code);
  return {
    min: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};
const add = (a, b) => ({ min: a.min + b.min, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
const sub = (a, b) => ({ min: a.min - b.min, gzip: a.gzip - b.gzip, brotli: a.brotli - b.brotli });

/**
 * The package's `sideEffects` lists the built registration modules (dist/components/<tag>/index.js)
 * but not their sources, so a build from src would drop every `define()`. Their sources are the
 * same modules, so they keep their side effect here too.
 */
const registrationSideEffects = {
  name: 'bench-registration-side-effects',
  transform(code, id) {
    if (/[\\/]src[\\/]components[\\/][^\\/]+[\\/]index\.ts$/.test(id)) return { code, moduleSideEffects: true };
    return null;
  },
};

/** Builds one entry; returns { static: sizes of the entry's static graph, dynamic: [{ name, sizes }] }. */
async function measure(root, entry) {
  const result = await build({
    root,
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    plugins: [registrationSideEffects, minifyTemplates()],
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      emptyOutDir: false,
      modulePreload: false,
      copyPublicDir: false,
      // Not lib mode: Vite's ES lib mode leaves whitespace unminified, which is not what a page should load.
      rollupOptions: {
        input: entry,
        preserveEntrySignatures: 'exports-only',
        output: { format: 'es', entryFileNames: 'entry.js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
  return staticAndDynamic(result);
}

/**
 * The CDN entry as it ships, dist/cdn/admin-realtime.js: the `cdn` build of vite.config.ts, not
 * written. Measured from that build and not from `measure()`, whose application build splits what
 * the entry shares with its lazy chunks into chunks of their own and adds Vite's preload helper;
 * the shipped entry keeps the shared code and exports it to the chunks (see vite.config.ts).
 */
async function measureCdn(root) {
  const result = await build({
    root,
    configFile: join(root, 'vite.config.ts'),
    mode: 'cdn',
    logLevel: 'silent',
    build: { write: false, sourcemap: false },
  });
  return staticAndDynamic(result);
}

/** Sizes of a build's entry with the chunks it imports statically, and of each chunk loaded lazily. */
function staticAndDynamic(result) {
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const chunks = new Map(outputs.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c]));
  const entryChunk = [...chunks.values()].find((c) => c.isEntry);
  const seen = new Set();
  const walk = (name) => {
    if (seen.has(name) || !chunks.has(name)) return;
    seen.add(name);
    for (const dep of chunks.get(name).imports) walk(dep);
  };
  walk(entryChunk.fileName);
  let total = { min: 0, gzip: 0, brotli: 0 };
  for (const name of seen) total = add(total, sizes(chunks.get(name).code));
  const dynamic = [...chunks.values()]
    .filter((c) => !seen.has(c.fileName))
    .map((c) => ({ name: c.name, ...sizes(c.code) }));
  // Vite may emit CSS assets for peers that import stylesheets; they are part of what a page loads.
  for (const asset of outputs.filter((o) => o.type === 'asset' && o.fileName.endsWith('.css'))) {
    total = add(total, sizes(typeof asset.source === 'string' ? asset.source : Buffer.from(asset.source)));
  }
  return { static: total, dynamic };
}

const PEER_ENTRIES = {
  '@trycourier/courier-ui-inbox': "export * from '@trycourier/courier-ui-inbox';",
  '@novu/js (ui)': "export * from '@novu/js/ui';",
  centrifuge: "export * from 'centrifuge';",
  'socket.io-client': "export * from 'socket.io-client';",
};
const PEER_PACKAGE = {
  '@trycourier/courier-ui-inbox': '@trycourier/courier-ui-inbox',
  '@novu/js (ui)': '@novu/js',
  centrifuge: 'centrifuge',
  'socket.io-client': 'socket.io-client',
};

/** Runs the bundle benchmark; `peerFailures` are install failures from ensurePeers(). */
export async function runBundle({ root, log = console.log, peerFailures = {} }) {
  const tmp = join(root, 'bench', '.tmp', 'entries');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const src = (p) => relative(tmp, join(root, 'src', p)).replaceAll('\\', '/');
  const entry = (name, text) => {
    const file = join(tmp, `${name}.ts`);
    writeFileSync(file, text);
    return file;
  };
  const baseText = [
    `export * from '${src('core/index.ts')}';`,
    `export * from '${src('components/shared/lit.ts')}';`,
    `export * from '${src('components/shared/define.ts')}';`,
    `export * from '${src('components/shared/localize.ts')}';`,
    `export * from '${src('components/shared/events.ts')}';`,
    `export * from '${src('components/shared/clock.ts')}';`,
    `export * from '${src('components/shared/context.ts')}';`,
    `export * from '${src('components/shared/tokens.styles.ts')}';`,
    "export * from 'lit';",
    "export * from '@lit/context';",
  ].join('\n');

  const rows = [];
  log('bundle: CDN bundle (src/cdn.ts) …');
  const cdn = await measureCdn(root);
  const isUplot = (d) => /uplot/i.test(d.name);
  const uplot = cdn.dynamic.filter(isUplot).reduce((s, d) => add(s, d), { min: 0, gzip: 0, brotli: 0 });
  rows.push({
    id: 'cdn',
    label: 'CDN bundle, every element + core + Lit + partysocket (without uPlot)',
    ...cdn.static,
  });
  rows.push({
    id: 'uplot',
    label: `uPlot chunk (lazy; ${cdn.dynamic
      .filter(isUplot)
      .map((d) => d.name)
      .join(' + ')})`,
    ...uplot,
  });
  // Other lazy chunks: the German catalogue, loaded the first time German is asked for.
  for (const d of cdn.dynamic.filter((d) => !isUplot(d)))
    rows.push({ id: `lazy:${d.name}`, label: `lazy chunk ${d.name} (loaded on first use)`, ...d });

  // What no code of ours can go below: the chosen dependencies alone, as the elements use them
  // (the bell + center page uses all of this too). Budgets are read against it.
  log('bundle: floor (Lit + @lit/context + partysocket, nothing of ours) …');
  const floor = await measure(
    root,
    entry(
      'floor',
      [
        "export * from 'lit';",
        "export * from 'lit/directives/repeat.js';",
        "export * from '@lit/context';",
        "export { default as ReconnectingWebSocket } from 'partysocket/ws';",
      ].join('\n'),
    ),
  );
  rows.push({
    id: 'floor',
    label: 'floor: Lit (+ repeat) + @lit/context + partysocket, none of our code',
    ...floor.static,
  });

  log('bundle: core alone …');
  const core = await measure(root, entry('core', `export * from '${src('core/index.ts')}';`));
  rows.push({ id: 'core', label: 'core alone (createRealtimeClient, store, protocol, partysocket)', ...core.static });

  log('bundle: base (core + Lit + shared element code) …');
  const base = await measure(root, entry('base', baseText));
  rows.push({ id: 'base', label: 'base: core + Lit + shared element code (all exported)', ...base.static });

  const pageOf = (tags) => tags.map((tag) => `import '${src(`components/${tag}/index.ts`)}';`).join('\n');
  log('bundle: bell + center page …');
  const page = await measure(
    root,
    entry('bell-center', pageOf(['realtime-provider', 'notification-bell', 'admin-notification-center'])),
  );
  rows.push({
    id: 'bell-center',
    label: 'page with bell + notification center (+ provider, core, Lit)',
    ...page.static,
  });

  // Per element: its own cost over base, and a page with only it (and the provider) above the floor.
  const elements = [];
  for (const tag of ELEMENTS) {
    log(`bundle: element ${tag} …`);
    const one = await measure(root, entry(tag, `${baseText}\nimport '${src(`components/${tag}/index.ts`)}';`));
    const own = sub(one.static, base.static);
    rows.push({ id: `element:${tag}`, label: `<${tag}> own cost`, ...own });
    const alone = await measure(
      root,
      entry(`page-${tag}`, pageOf(tag === 'realtime-provider' ? [tag] : ['realtime-provider', tag])),
    );
    elements.push({ tag, page: alone.static, aboveFloor: sub(alone.static, floor.static), own });
  }

  const peers = [];
  for (const [label, text] of Object.entries(PEER_ENTRIES)) {
    const pkg = PEER_PACKAGE[label];
    if (peerFailures[pkg]) {
      peers.push({ id: `peer:${label}`, label, error: peerFailures[pkg] });
      continue;
    }
    log(`bundle: peer ${label} …`);
    const dir = join(PEERS_DIR, 'entries');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${label.replace(/[^a-z0-9]+/gi, '_')}.js`);
    writeFileSync(file, text);
    try {
      const m = await measure(PEERS_DIR, file);
      const lazy = m.dynamic.reduce((s, d) => add(s, d), { min: 0, gzip: 0, brotli: 0 });
      peers.push({ id: `peer:${label}`, label: `${label} ${peerVersion(pkg) ?? ''}`.trim(), ...m.static, lazy });
    } catch (err) {
      peers.push({
        id: `peer:${label}`,
        label,
        error: `build failed: ${String(err.message ?? err)
          .split('\n')[0]
          .slice(0, 200)}`,
      });
    }
  }

  const courier = peers.find((p) => p.id === `peer:${PAGE_PEER}`);
  const courierGzip = courier && !courier.error ? courier.gzip : undefined;
  const checks = [
    {
      name: 'CDN entry: every element + core + Lit + partysocket, lazy chunks apart, ≤ 48 KB gzip',
      value: cdn.static.gzip,
      budget: CDN_BUDGET,
      unit: 'B',
      holds: cdn.static.gzip <= CDN_BUDGET,
    },
    {
      name: `page with bell + notification center ≤ ${PAGE_PEER} (gzip, same run and bundler)`,
      value: page.static.gzip,
      budget: courierGzip ?? `${PAGE_PEER} not measured: ${courier?.error ?? 'missing'}`,
      unit: 'B',
      holds: courierGzip !== undefined && page.static.gzip <= courierGzip,
    },
  ];
  const kb = (bytes) => (bytes / KB).toFixed(1);
  const notes = [
    `our own code above the floor (gzip): ${kb(cdn.static.gzip - floor.static.gzip)} KB in the CDN bundle, where the 48 KB budget leaves ${kb(CDN_BUDGET - floor.static.gzip)} KB; ${kb(page.static.gzip - floor.static.gzip)} KB on the bell + center page${courierGzip === undefined ? '' : `, where ${PAGE_PEER} (${kb(courierGzip)} KB) leaves ${kb(courierGzip - floor.static.gzip)} KB`} for the client core (connection, resume, validation, store), localisation, the provider, the bell and the center together`,
  ];
  return {
    rows,
    elements,
    peers,
    checks,
    notes,
    method:
      "element cost = build(base + element) − build(base), base = core + Lit + shared element code with everything re-exported; same Vite/rolldown settings for every build and peer (minify, es2022, all dependencies bundled); only the entry's static graph counts, lazy chunks separately.",
  };
}
