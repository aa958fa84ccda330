// Writes docs/elements.md from custom-elements.json (`--check`: fail when it is not current).
import { readFileSync, writeFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n+/g, ' ')
    .trim();
const table = (head, rows) =>
  rows.length
    ? [
        `| ${head.join(' | ')} |`,
        `|${head.map(() => '---').join('|')}|`,
        ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
        '',
      ]
    : [];

const out = [
  '# Elements',
  '',
  '<!-- Generated from custom-elements.json by `node scripts/elements-doc.mjs`; do not edit by hand. -->',
  '',
];
const declarations = manifest.modules
  .flatMap((m) => m.declarations ?? [])
  .filter((d) => d.customElement && d.tagName)
  .sort((a, b) => a.tagName.localeCompare(b.tagName));

for (const d of declarations) {
  out.push(`## \`<${d.tagName}>\``, '');
  if (d.summary) out.push(d.summary, '');
  if (d.description) out.push(d.description, '');
  out.push(
    ...table(
      ['Attribute', 'Property', 'Type', 'Default', 'Description'],
      (d.attributes ?? []).map((a) => [
        a.name,
        a.fieldName ?? '',
        a.type?.text ?? '',
        a.default ?? '',
        a.description ?? '',
      ]),
    ),
  );
  const props = (d.members ?? []).filter(
    (m) => m.kind === 'field' && m.privacy !== 'private' && m.privacy !== 'protected' && !m.static && !m.attribute,
  );
  out.push(
    ...table(
      ['Property (no attribute)', 'Type', 'Description'],
      props.map((m) => [m.name, m.type?.text ?? '', m.description ?? '']),
    ),
  );
  const methods = (d.members ?? []).filter(
    (m) =>
      m.kind === 'method' &&
      m.privacy !== 'private' &&
      m.privacy !== 'protected' &&
      !m.static &&
      !m.name.startsWith('_'),
  );
  out.push(
    ...table(
      ['Method', 'Description'],
      methods.map((m) => [`${m.name}()`, m.description ?? '']),
    ),
  );
  out.push(
    ...table(
      ['Event', 'Description'],
      (d.events ?? []).map((e) => [e.name, e.description ?? '']),
    ),
  );
  out.push(
    ...table(
      ['Slot', 'Description'],
      (d.slots ?? []).map((s) => [s.name || '(default)', s.description ?? '']),
    ),
  );
  out.push(
    ...table(
      ['Part', 'Description'],
      (d.cssParts ?? []).map((p) => [p.name, p.description ?? '']),
    ),
  );
  out.push(
    ...table(
      ['Custom property', 'Default', 'Description'],
      (d.cssProperties ?? []).map((p) => [p.name, p.default ?? '', p.description ?? '']),
    ),
  );
}
const theming = [
  '# Theming',
  '',
  '<!-- Generated from custom-elements.json by `node scripts/elements-doc.mjs`; do not edit by hand. -->',
  '',
  'Every element reads public `--realtime-*` custom properties, which the page sets on `:root` or any',
  'ancestor, and maps them to private `--_*` properties inside its shadow root, with defaults that look',
  'right on a page with no CSS of its own. Light and dark values follow `prefers-color-scheme`;',
  '`prefers-reduced-motion` turns transitions off; under `forced-colors` the elements use system colours.',
  'Parts (`::part(name)`) reach inside for anything the properties do not cover.',
  '',
  '```css',
  ':root {',
  '  --realtime-accent: #7c3aed;',
  '  --realtime-surface: #ffffff;',
  '  --realtime-radius: 4px;',
  '}',
  '@media (prefers-color-scheme: dark) {',
  '  :root { --realtime-surface: #111827; }',
  '}',
  'admin-notification-center::part(base) { border: 0; }',
  '```',
  '',
  '## Shared properties',
  '',
  'Every element reads these (see `src/components/shared/tokens.styles.ts`).',
  '',
];
const tokenSource = readFileSync('src/components/shared/tokens.styles.ts', 'utf8');
const shared = new Map();
for (const m of tokenSource.matchAll(/var\((--realtime-[a-z0-9-]+),\s*([^;]+?)\);/g)) {
  if (!shared.has(m[1])) shared.set(m[1], m[2].trim());
}
theming.push(
  ...table(
    ['Custom property', 'Light default'],
    [...shared].map(([name, value]) => [`\`${name}\``, `\`${value}\``]),
  ),
);
for (const d of declarations) {
  const props = d.cssProperties ?? [];
  const parts = d.cssParts ?? [];
  if (!props.length && !parts.length) continue;
  theming.push(`## \`<${d.tagName}>\``, '');
  theming.push(
    ...table(
      ['Custom property', 'Default', 'Description'],
      props.map((p) => [p.name, p.default ?? '', p.description ?? '']),
    ),
  );
  theming.push(
    ...table(
      ['Part', 'Description'],
      parts.map((p) => [p.name, p.description ?? '']),
    ),
  );
}

const files = {
  'docs/elements.md': `${out.join('\n').trimEnd()}\n`,
  'docs/theming.md': `${theming.join('\n').trimEnd()}\n`,
};

if (process.argv.includes('--check')) {
  let stale = false;
  for (const [path, text] of Object.entries(files)) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current !== text) {
      console.error(`${path} is stale: run \`npm run manifest\` and commit the result.`);
      stale = true;
    }
  }
  if (stale) process.exit(1);
  console.log('docs/elements.md and docs/theming.md match custom-elements.json.');
} else {
  for (const [path, text] of Object.entries(files)) writeFileSync(path, text);
  console.log('wrote docs/elements.md and docs/theming.md');
}
