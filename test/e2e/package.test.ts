/**
 * The two npm packages as integrators get them. Both are packed (`npm pack`) and installed from
 * their tarballs into empty projects, dependencies from npm's cache first (`--prefer-offline`):
 * - a front-end project installs `admin-realtime` alone: npm itself refuses any dependency with an
 *   install script (`--strict-allow-scripts`), no server package lands in node_modules, the
 *   entries resolve and import in Node, and TypeScript projects using the elements and the typed
 *   `realtime-*` events compile against the installed types; neither React nor Vue is installed;
 * - a React project (React and its types added) compiles against `admin-realtime/react`'s typed
 *   components, and a Vue project against `admin-realtime/vue`'s global component declarations;
 * - a server project installs `admin-realtime-hub` (with `admin-realtime`, which the registry would
 *   bring): better-sqlite3 is the only dependency with an install script, the CLI prints its usage,
 *   the hub imports, its types compile, and the installed CLI serves `/healthz` and a publish.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { until } from './support.js';

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
}

const ROOT = resolve(import.meta.dirname, '../..');
const HUB_DIR = join(ROOT, 'packages/hub');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const browserPkg = readJson<Manifest>(join(ROOT, 'package.json'));
const hubPkg = readJson<Manifest>(join(HUB_DIR, 'package.json'));

/** What a front-end project may get at run time: browser code only (@lit/react: admin-realtime/react). */
const BROWSER_DEPENDENCIES = ['@lit/context', '@lit/react', 'lit', 'partysocket', 'uplot'];
/** The frameworks the wrappers are for: optional peers, never installed for a plain-HTML project. */
const FRAMEWORK_PACKAGES = ['react', 'react-dom', 'vue'];
/** Server code that must never reach a front-end project. */
const SERVER_PACKAGES = ['admin-realtime-hub', 'better-sqlite3', 'jose', 'nodemailer', 'pg', 'web-push', 'ws'];
const INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--strict-allow-scripts'];

/** The environment without what `npm test` adds for this repository (its prefix, package fields). */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_registry']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') || keep.has(key)));
}

const execFileAsync = promisify(execFile);
async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, args, {
      cwd,
      env: npmEnv(),
      encoding: 'utf8',
      maxBuffer: 32 * 1024 * 1024,
      timeout: 90_000,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** Every package installed under `dir`/node_modules, nested ones included (bounded depth). */
function installedPackages(dir: string, depth = 0): { name: string; dir: string }[] {
  const modules = join(dir, 'node_modules');
  if (depth > 8 || !existsSync(modules)) return [];
  const found: { name: string; dir: string }[] = [];
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of names) {
      const path = join(modules, name);
      found.push({ name, dir: path }, ...installedPackages(path, depth + 1));
    }
  }
  return found;
}

function project(name: string, manifest: Record<string, unknown> = {}): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module', ...manifest }));
  return dir;
}

/** Runs tsc on `dir`/tsconfig.json; fails with the compiler's output. */
async function typecheck(dir: string): Promise<void> {
  await run(process.execPath, [TSC, '-p', dir], dir);
}

/** A front-end project's compiler options for the checks below. */
const WEB_COMPILER_OPTIONS = {
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'Bundler',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  strict: true,
  noEmit: true,
  // Our declarations and Lit's (React's, Vue's) are checked too, as a project without skipLibCheck would.
  skipLibCheck: false,
  types: [],
};

let tmp = '';
const packed = { browser: { tgz: '', files: [] as string[] }, hub: { tgz: '', files: [] as string[] } };

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'admin-realtime-packages-'));
  const pack = async (args: string[]) => {
    const [info] = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', tmp, ...args], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    return { tgz: join(tmp, info!.filename), files: info!.files.map((f) => f.path) };
  };
  packed.browser = await pack([]);
  packed.hub = await pack(['--workspace', 'packages/hub']);
});

after(() => rmSync(tmp, { recursive: true, force: true }));

test('every export target of both packages, and its types, exists in the build', () => {
  for (const [dir, pkg] of [
    [ROOT, browserPkg],
    [HUB_DIR, hubPkg],
  ] as const) {
    for (const [entry, target] of Object.entries(pkg.exports)) {
      const paths = typeof target === 'string' ? [target] : [target.default, target.types];
      for (const path of paths) assert.ok(existsSync(join(dir, path)), `${pkg.name}: ${entry} → ${path} is missing`);
    }
  }
  const bin = join(HUB_DIR, hubPkg.bin!['admin-realtime-hub']!);
  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('admin-realtime ships browser code only; admin-realtime-hub ships its build', () => {
  assert.deepEqual(Object.keys(browserPkg.dependencies ?? {}).sort(), BROWSER_DEPENDENCIES);
  assert.equal(browserPkg.bin, undefined, 'the hub CLI is in admin-realtime-hub');
  assert.equal(hubPkg.dependencies?.['admin-realtime'], `^${browserPkg.version}`, 'the hub takes its protocol from it');
  for (const file of packed.browser.files) {
    assert.match(file, /^(dist\/|custom-elements\.json$|README\.md$|package\.json$)/, `unexpected file ${file}`);
    assert.doesNotMatch(file, /^dist\/(types\/)?hub\//, `${file}: hub code in the browser package`);
  }
  assert.ok(packed.browser.files.includes('dist/protocol.js'));
  for (const file of packed.hub.files) assert.match(file, /^(dist\/|README\.md$|package\.json$)/, `unexpected ${file}`);
  assert.ok(packed.hub.files.includes('dist/cli.js') && packed.hub.files.includes('dist/index.d.ts'));
});

test('admin-realtime installs into an empty front-end project: nothing compiled, no server code', async () => {
  const web = project('web');
  // --strict-allow-scripts: npm fails the install if any dependency has an install script.
  await run('npm', [...INSTALL, packed.browser.tgz], web);
  const installed = installedPackages(web);
  assert.ok(installed.some((p) => p.name === 'lit'));
  for (const { name, dir } of installed) {
    assert.ok(!SERVER_PACKAGES.includes(name), `${name} was installed in the front-end project`);
    assert.ok(!FRAMEWORK_PACKAGES.includes(name), `${name} was installed in a project that uses no framework`);
    const { scripts = {} } = readJson<Manifest>(join(dir, 'package.json'));
    const builds = ['preinstall', 'install', 'postinstall'].filter((s) => scripts[s]);
    assert.ok(!builds.length && !existsSync(join(dir, 'binding.gyp')), `${name} builds on install`);
  }

  // Resolution by the package name in Node: core and protocol import; the element entries resolve
  // (importing them needs a DOM).
  writeFileSync(
    join(web, 'check.mjs'),
    `const core = await import('admin-realtime/core');
const protocol = await import('admin-realtime/protocol');
console.log(JSON.stringify({
  client: typeof core.createRealtimeClient,
  action: core.closeAction(4001),
  version: protocol.PROTOCOL_VERSION === core.PROTOCOL_VERSION,
  ping: protocol.parseClientMessage('{"type":"ping","t":1}').ok,
  refused: protocol.validatePublishBody({ kind: 'notification' }).error,
  custom: ['notification-bell', 'realtime-dashboard', 'div'].map((await import('admin-realtime/vue')).isCustomElement),
  resolved: ['admin-realtime', 'admin-realtime/notification-bell', 'admin-realtime/cdn'].map((s) => import.meta.resolve(s)),
}));
`,
  );
  const checked = JSON.parse(await run(process.execPath, ['check.mjs'], web));
  assert.equal(checked.client, 'function');
  assert.equal(checked.action, 'refresh-token');
  assert.equal(checked.version, true);
  assert.equal(checked.ping, true);
  assert.match(checked.refused, /title/);
  assert.deepEqual(checked.custom, [true, true, false]);
  const base = new URL(`file://${web}/node_modules/admin-realtime/dist/`).href;
  assert.deepEqual(checked.resolved, [
    `${base}index.js`,
    `${base}components/notification-bell/index.js`,
    `${base}cdn/admin-realtime.js`,
  ]);

  // An integrator's TypeScript: the element map and the typed events come with the import. Each
  // expected error below fails the compile if the types are loose (any) instead of exact.
  const usage = (entry: string) => `import '${entry}';
import type { ListedNotification, RealtimeEventDetails } from 'admin-realtime';

document.addEventListener('realtime-notification-click', (e) => {
  const title: string = e.detail.notification.title;
  const read: boolean = e.detail.notification.read;
  // @ts-expect-error a notification has no such field
  console.log(title, read, e.detail.notification.noSuchField);
});
document.addEventListener('realtime-state-change', (e) => console.log(e.detail.status));

const bell = document.createElement('notification-bell');
bell.max = 20;
bell.open = true;
// @ts-expect-error max is a number
bell.max = 'many';
bell.addEventListener('realtime-toggle', (e) => {
  const open: boolean = e.detail.open;
  console.log(open);
});
const center = document.querySelector('admin-notification-center');
const clicked = (n: ListedNotification): RealtimeEventDetails['realtime-notification-click'] => ({ notification: n });
console.log(center?.tagName, clicked);
`;
  const tsconfig = { compilerOptions: WEB_COMPILER_OPTIONS, files: ['main.ts'] };
  for (const [folder, entry] of [
    ['all', 'admin-realtime'],
    ['one', 'admin-realtime/notification-bell'],
  ]) {
    const dir = join(web, folder!);
    mkdirSync(dir);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(join(dir, 'main.ts'), usage(entry!));
    await typecheck(dir);
  }
});

/** The version of `name` this repository's node_modules holds (so npm finds it in its cache). */
const installedVersion = (name: string) => readJson<Manifest>(join(ROOT, 'node_modules', name, 'package.json')).version;

test('the framework wrappers type-check in React and Vue projects; the CDN bundles leave them out', async () => {
  // @lit/react's createComponent sets this on every element it renders; no wrapper code in the CDN builds.
  for (const file of ['admin-realtime.js', 'admin-realtime.iife.js']) {
    assert.doesNotMatch(readFileSync(join(ROOT, 'dist/cdn', file), 'utf8'), /suppressHydrationWarning/, file);
  }
  const compilerOptions = WEB_COMPILER_OPTIONS;

  // React: typed props (a wrong type fails), `onRealtime…` callbacks with a typed detail, a ref to the element.
  const react = project('react-app');
  const reactTypes = ['react', '@types/react'].map((name) => `${name}@${installedVersion(name)}`);
  await run('npm', [...INSTALL, packed.browser.tgz, ...reactTypes], react);
  writeFileSync(
    join(react, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { ...compilerOptions, jsx: 'react-jsx' }, files: ['app.tsx'] }),
  );
  writeFileSync(
    join(react, 'app.tsx'),
    `import type { ConnectionState, ListedNotification, RealtimeProvider as ProviderElement } from 'admin-realtime';
import {
  AdminNotificationCenter,
  CriticalAlerts,
  NotificationBell,
  RealtimeDashboard,
  RealtimeProvider,
} from 'admin-realtime/react';
import { useRef } from 'react';

const fetchToken = async (): Promise<string> => 'token';

export function App() {
  const provider = useRef<ProviderElement>(null);
  const state = (e: CustomEvent<ConnectionState>) => console.log(e.detail.status);
  return (
    <RealtimeProvider
      ref={provider}
      url="wss://hub.example.com/v1/ws"
      tokenProvider={fetchToken}
      categories={['billing']}
      onRealtimeStateChange={state}
      onRealtimeNotification={(e) => {
        const n: ListedNotification = e.detail;
        console.log(n.title);
      }}
    >
      <NotificationBell max={20} className="bell" onRealtimeToggle={(e) => console.log(e.detail.open === true)} />
      {/* @ts-expect-error max is a number */}
      <NotificationBell max="many" />
      {/* @ts-expect-error the bell fires no realtime-error */}
      <NotificationBell onRealtimeError={() => {}} />
      {/* @ts-expect-error Lit's lifecycle is not a prop */}
      <NotificationBell requestUpdate={() => {}} />
      <AdminNotificationCenter heading="Inbox" onRealtimeNotificationClick={(e) => e.detail.notification.title} />
      {/* @ts-expect-error a notification has no such field */}
      <AdminNotificationCenter onRealtimeNotificationClick={(e) => e.detail.notification.noSuchField} />
      <CriticalAlerts onRealtimeAlertDismiss={(e) => e.detail.notification.id} />
      <RealtimeDashboard onRealtimeCategoriesChange={(e) => e.detail.categories?.length} />
    </RealtimeProvider>
  );
}
`,
  );
  await typecheck(react);

  // Vue: GlobalComponents carries each tag's props and onRealtime… listeners, as vue-tsc reads them.
  const vue = project('vue-app');
  await run('npm', [...INSTALL, packed.browser.tgz, `vue@${installedVersion('vue')}`], vue);
  writeFileSync(join(vue, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['main.ts'] }));
  writeFileSync(
    join(vue, 'main.ts'),
    `import type {} from 'admin-realtime/vue';
import type { GlobalComponents } from 'vue';

type Props<T extends keyof GlobalComponents> = InstanceType<GlobalComponents[T]>['$props'];

const bell: Props<'notification-bell'> = { max: 20, class: 'bell', onRealtimeToggle: (e) => console.log(e.detail.open) };
// @ts-expect-error max is a number
const wrong: Props<'notification-bell'> = { max: 'many' };
const provider: Props<'realtime-provider'> = {
  url: 'wss://hub.example.com/v1/ws',
  tokenProvider: async () => 'token',
  onRealtimeStateChange: (e) => console.log(e.detail.status),
};
const center: Props<'admin-notification-center'> = {
  onRealtimeNotificationClick: (e) => console.log(e.detail.notification.title),
};
const unknown: Props<'admin-notification-center'> = {
  // @ts-expect-error a notification has no such field
  onRealtimeNotificationClick: (e) => console.log(e.detail.notification.noSuchField),
};
console.log(bell, wrong, provider, center, unknown);
`,
  );
  await typecheck(vue);
});

test('admin-realtime-hub installs into an empty server project: its CLI, import, types and a running hub', async () => {
  // better-sqlite3 compiles its native module on install (70–80 s here). The project denies that
  // script as an integrator may, and takes the binary this repository built for the same version.
  const sqlite = join(ROOT, 'node_modules/better-sqlite3');
  const sqliteVersion = readJson<Manifest>(join(sqlite, 'package.json')).version;
  const server = project('server', { allowScripts: { 'better-sqlite3': false } });
  // --strict-allow-scripts with only better-sqlite3 named: it is the only dependency with an install script.
  await run(
    'npm',
    [...INSTALL, packed.browser.tgz, packed.hub.tgz, `better-sqlite3@${sqliteVersion}`, '@types/node@20'],
    server,
  );
  assert.ok(
    !existsSync(join(server, 'node_modules/admin-realtime-hub/node_modules')),
    'the hub uses the project’s admin-realtime and server packages, no nested copies',
  );
  const release = join(server, 'node_modules/better-sqlite3/build/Release');
  mkdirSync(release, { recursive: true });
  copyFileSync(join(sqlite, 'build/Release/better_sqlite3.node'), join(release, 'better_sqlite3.node'));

  const usage = await run('npx', ['--no-install', 'admin-realtime-hub', '--help'], server);
  assert.match(usage, /^Usage: admin-realtime-hub/);
  assert.match(usage, /--publish-key/);

  writeFileSync(
    join(server, 'check.mjs'),
    `const hub = await import('admin-realtime-hub');
console.log(JSON.stringify({ createHub: typeof hub.createHub, protocol: import.meta.resolve('admin-realtime/protocol') }));
`,
  );
  const checked = JSON.parse(await run(process.execPath, ['check.mjs'], server));
  assert.equal(checked.createHub, 'function');
  assert.equal(checked.protocol, new URL(`file://${server}/node_modules/admin-realtime/dist/protocol.js`).href);

  writeFileSync(
    join(server, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      files: ['main.ts'],
    }),
  );
  writeFileSync(
    join(server, 'main.ts'),
    `import { createHub, type HubOptions } from 'admin-realtime-hub';
import { PROTOCOL_VERSION, type EventInput } from 'admin-realtime/protocol';

const options: HubOptions = { port: 0, db: ':memory:', publishKey: 'k', auth: { jwtSecret: 's' } };
const hub = await createHub(options);
const event: EventInput = { kind: 'notification', title: 'Invoice paid' };
hub.publish(event);
// @ts-expect-error the port is a number
const port: string = hub.port;
console.log(port, PROTOCOL_VERSION);
await hub.close();
`,
  );
  await typecheck(server);

  const publishKey = 'package-test-publish-key';
  const child = spawn(
    join(server, 'node_modules/.bin/admin-realtime-hub'),
    ['--port', '0', '--db', ':memory:', '--log-level', 'warn'],
    {
      cwd: server,
      env: {
        PATH: process.env.PATH ?? '',
        ADMIN_REALTIME_JWT_SECRET: 'package-test-secret-of-at-least-32-bytes',
        ADMIN_REALTIME_PUBLISH_KEY: publishKey,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => {
    out.stdout += d;
  });
  child.stderr.on('data', (d) => {
    out.stderr += d;
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  try {
    const line = await until(
      () => out.stdout.split('\n').find((l) => l.includes('"listening"')),
      `the installed hub's listening line (stderr: ${out.stderr})`,
      15_000,
    );
    const { url } = JSON.parse(line) as { url: string };
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const published = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${publishKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'notification', title: 'Packed hub works', id: 'package-test' }),
    });
    assert.equal(published.status, 202);
    const { accepted } = (await published.json()) as { accepted: { id: string; seq: number }[] };
    assert.equal(accepted[0]?.id, 'package-test');
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out.stderr);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
