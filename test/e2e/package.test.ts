/**
 * The npm package as an integrator installs it: every `exports` target (and its types) exists in
 * the build, the core and hub entries import in Node by the package name, and the CLI starts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
};

test('every export target and its types exist in the build', () => {
  for (const [entry, target] of Object.entries(pkg.exports)) {
    const paths = typeof target === 'string' ? [target] : [target.default, target.types];
    for (const path of paths) assert.ok(existsSync(path), `${entry} → ${path} is missing`);
  }
});

test('core and hub import by the package name in Node', async () => {
  // Specifiers held in variables: the type check runs before the build that creates dist/types.
  const coreEntry = 'admin-realtime/core';
  const hubEntry = 'admin-realtime/hub';
  const core = await import(coreEntry);
  assert.equal(typeof core.createRealtimeClient, 'function');
  assert.equal(core.closeAction(4001), 'refresh-token');
  const hub = await import(hubEntry);
  assert.equal(typeof hub.createHub, 'function');
});

test('the admin-realtime-hub bin prints its usage', () => {
  const bin = pkg.bin['admin-realtime-hub']!;
  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  assert.match(out, /Usage: admin-realtime-hub/);
  assert.match(out, /--publish-key/);
});
