// `npm run e2e -- [MANIFEST...] [--suite short|long|soak] [--keep] [--loopback]`: runs manifests
// one after another, prints a report for each, exits 1 if any invariant was violated.
import { parseArgs } from 'node:util';
import { OpenchainError } from '../../core/errors.ts';
import { loadManifest, suite } from './manifest.ts';
import { formatReport, runManifest } from './run.ts';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      suite: { type: 'string' },
      keep: { type: 'boolean', default: false },
      loopback: { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  const paths = [...positionals, ...(values.suite ? suite(values.suite) : [])];
  if (paths.length === 0) paths.push(...suite(process.env['OPENCHAIN_E2E_SUITE'] ?? 'short'));
  const manifests = paths.map(loadManifest); // every manifest is valid before anything starts
  let failures = 0;
  for (const m of manifests) {
    const report = await runManifest(m, { keep: values.keep, loopbackOnly: values.loopback });
    console.log(formatReport(report));
    if (values.json) {
      const { appendFileSync } = await import('node:fs');
      appendFileSync(values.json, `${JSON.stringify(report)}\n`);
    }
    if (report.violations.length > 0) failures++;
  }
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof OpenchainError ? `error: ${err.message}` : err);
    process.exit(2);
  },
);
