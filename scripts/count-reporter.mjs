// A node:test reporter that writes one JSON line per finished test (not per suite) to its destination,
// so scripts/test.ts can add up every step into the one closing summary line.
export default async function* countReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite') continue;
    const outcome = data.skip !== undefined || data.todo !== undefined ? 'skipped' : event.type === 'test:pass' ? 'passed' : 'failed';
    yield `${JSON.stringify({ outcome, name: data.name, file: data.file ?? null })}\n`;
  }
}
