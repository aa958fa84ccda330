// A reporter for Node's test runner that writes `{"passed": N, "failed": N}` when the run ends, so
// `npm test` counts tests from the runner's own events instead of reading its text. Suites
// (`describe`) are not tests; skipped and todo tests count as neither.
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { details, skip, todo } = event.data;
    if (details?.type === 'suite' || skip || todo) continue;
    if (event.type === 'test:pass') passed++;
    else failed++;
  }
  yield `${JSON.stringify({ passed, failed })}\n`;
}
