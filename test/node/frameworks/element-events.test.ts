/**
 * The framework wrappers' event table (src/components/shared/element-events.ts) against what the
 * elements declare (`@fires`, read into custom-elements.json) and what docs/frameworks.md says: an
 * event added to an element and not to the table, or to the table and not to the docs, fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ELEMENT_EVENTS, eventProp } from '../../../src/components/shared/element-events.js';
import { ELEMENT_TAGS } from '../../../src/components/tags.js';

interface Manifest {
  modules: { declarations?: { customElement?: boolean; tagName?: string; events?: { name: string }[] }[] }[];
}

const root = new URL('../../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('custom-elements.json', root), 'utf8')) as Manifest;
/** Fired on `document` (provider discovery), not on the element: no framework prop. */
const NOT_ON_THE_ELEMENT = new Set(['realtime-provider-ready']);

const declared = new Map<string, string[]>();
for (const module of manifest.modules) {
  for (const d of module.declarations ?? []) {
    if (d.customElement && d.tagName)
      declared.set(
        d.tagName,
        (d.events ?? []).map((e) => e.name),
      );
  }
}

test('eventProp names an event as React and Vue do', () => {
  assert.equal(eventProp('realtime-notification-click'), 'onRealtimeNotificationClick');
  assert.equal(eventProp('realtime-toggle'), 'onRealtimeToggle');
});

test('every element has its declared events in the table, and every event in it is declared by an element', () => {
  const all = new Set([...declared.values()].flat());
  for (const tag of ELEMENT_TAGS) {
    const events: readonly string[] = ELEMENT_EVENTS[tag];
    assert.ok(declared.has(tag), `${tag} is in custom-elements.json`);
    for (const name of declared.get(tag)!) {
      if (!NOT_ON_THE_ELEMENT.has(name))
        assert.ok(events.includes(name), `${tag} fires ${name}: add it to ELEMENT_EVENTS`);
    }
    for (const name of events) assert.ok(all.has(name), `${tag}: no element declares ${name}`);
  }
});

test("docs/frameworks.md lists each element's event props as the table has them", () => {
  const doc = readFileSync(new URL('docs/frameworks.md', root), 'utf8');
  for (const tag of ELEMENT_TAGS) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`<${tag}>\` |`));
    assert.ok(row, `docs/frameworks.md has a row for <${tag}>`);
    const listed = [...row.split('|')[3]!.matchAll(/`(onRealtime\w+)`/g)].map((m) => m[1]);
    assert.deepEqual(listed, ELEMENT_EVENTS[tag].map(eventProp), `<${tag}>'s events in docs/frameworks.md`);
  }
});
