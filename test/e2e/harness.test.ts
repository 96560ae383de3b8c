// The fault harness's short suite inside `npm test`: a validator killed with -9 and restarted under
// load, and one validator partitioned off and healed (in network namespaces when run as root, else
// on loopback, where the partition is reported as skipped). Each run must end with every invariant
// holding; a run must also leave no namespace, bridge or process behind. The long suite and the
// soak run with `npm run e2e -- --suite long` (docs/reliability.md).
import { describe, expect, it } from 'vitest';
import { loadManifest, suite } from '../harness/manifest.ts';
import { leftovers, namespaceBlocker } from '../harness/network.ts';
import { formatReport, runManifest } from '../harness/run.ts';

describe('fault harness, short suite', async () => {
  const canNamespace = (await namespaceBlocker()) === undefined;

  for (const path of suite('short')) {
    const manifest = loadManifest(path);
    it(`${manifest.name}: every invariant holds`, { timeout: 900_000 }, async () => {
      const report = await runManifest(manifest);
      const text = formatReport(report);
      expect(report.violations, text).toEqual([]);
      expect(report.network.mode).toBe(canNamespace ? 'netns' : 'loopback');
      // The faults really happened (or were skipped only for want of namespaces).
      for (const p of report.perturbations)
        expect(p.outcome, text).toBe(p.kind === 'partition' && !canNamespace ? 'skipped' : 'applied');
      expect(report.perturbations.length).toBe(manifest.perturbations.length);
      // The load reached the chain.
      expect(report.load.included, text).toBeGreaterThan(0);
      expect(report.load.included, text).toBe(report.load.accepted);
      if (manifest.perturbations.some((p) => p.kind === 'kill'))
        expect(report.nodes.reduce((s, n) => s + n.restarts, 0)).toBeGreaterThan(0);
      if (canNamespace) expect(await leftovers()).toEqual([]);
    });
  }
});
