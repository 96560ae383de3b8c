// The attestor loop against a real Chain (test/state/…/attestedWorld.ts: four validators operated
// by alice, bob, carol and dave, window 8): each validator's attestor scores the record with the
// built-in scorer over a mirror of the contributions, commits, reveals and settles it itself; a
// restart between commit and reveal still reveals from the kept secret; a scorer that fails commits
// nothing; the number of records followed is capped; no account, no attestor.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../../core/bytes.ts';
import { Attestor } from '../../../node/attestation/attestor.ts';
import { attestationConfigSchema } from '../../../node/attestation/config.ts';
import { contentLoaderFromConfig, scorerFromConfig } from '../../../node/attestation/index.ts';
import { ngramScores } from '../../../node/attestation/ngram.ts';
import { SecretStore } from '../../../node/attestation/secrets.ts';
import { startAttestor } from '../../../node/attestation/start.ts';
import { readAttestation, readAttested } from '../../../state/modules/attribution/attested/records.ts';
import {
  ATTESTERS,
  type AttestedWorld,
  attestedWorld,
  OUTPUT,
  recordAttested,
} from '../../state/modules/attribution/attestedWorld.ts';
import type { Account } from '../../state/modules/attribution/helpers.ts';
import { captureLog } from './helpers.ts';

/** The texts attestedWorld registers in its open Datanet, in id order. */
const CONTENTS = [1, 2, 3, 4, 5].map((i) => utf8ToBytes(`contribution number ${i} of the open datanet`));

describe('the attestor loop', () => {
  let dir: string;
  let w: AttestedWorld;
  const running: Attestor[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openchain-attestor-'));
    mkdirSync(join(dir, 'mirror'));
    for (const [i, c] of CONTENTS.entries()) writeFileSync(join(dir, 'mirror', `${i}.txt`), c);
    w = await attestedWorld();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((a) => a.stop()));
    await w.h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const secretsDir = (who: Account) => join(dir, who.name, 'attestations');

  /** An attestor for `who`, scoring with the scorer `config` names (the built-in one by default). */
  const attestor = (
    who: Account,
    config: Record<string, unknown> = {},
    maxTracked?: number,
    syncing?: () => boolean,
  ) => {
    const parsed = attestationConfigSchema.parse({ mirrors: { '*': join(dir, 'mirror') }, ...config });
    const { log, lines } = captureLog();
    const a = new Attestor({
      chain: w.h.chain,
      account: who,
      scorer: scorerFromConfig(parsed, dir, log),
      content: contentLoaderFromConfig(parsed, dir),
      secrets: new SecretStore(secretsDir(who)),
      log,
      maxTracked,
      syncing,
    });
    running.push(a);
    return { a, lines };
  };

  /** Produces blocks, letting every attestor finish what each block started, until `done` holds. */
  const runUntil = async (done: () => boolean, max = 30) => {
    for (let i = 0; i < max && !done(); i++) {
      await Promise.all(running.map((a) => a.idle()));
      await w.h.t.produce();
    }
    await Promise.all(running.map((a) => a.idle()));
    expect(done()).toBe(true);
  };

  const record = (id: bigint) => readAttested(w.h.chain.state, id)!;
  const attestationOf = (id: bigint, who: Account) => {
    const index = record(id).validators.findIndex((v) => v.operator === who.address);
    return readAttestation(w.h.chain.state, id, index);
  };

  it('commits, reveals and settles a record with the built-in scorer on every validator', async () => {
    for (const v of ATTESTERS) attestor(v.account);
    const candidates = w.accepted.slice(0, 3);
    const { id } = await recordAttested(w, candidates);
    await runUntil(() => record(id).settled);

    const honest = ngramScores(OUTPUT, CONTENTS.slice(0, 3));
    expect(record(id).quorumReached).toBe(true);
    expect([...record(id).consensusScores]).toEqual(honest);
    for (const v of ATTESTERS) {
      expect(attestationOf(id, v.account)).toMatchObject({ revealed: true, scores: honest });
      // The kept secret is gone once the record is settled.
      expect(readdirSync(secretsDir(v.account))).toEqual([]);
    }
    expect(running.every((a) => a.tracked === 0)).toBe(true);
  });

  it('reveals after a restart between its commit and the reveal half, from the kept secret', async () => {
    const first = attestor(ATTESTERS[0].account);
    for (const v of ATTESTERS.slice(1)) attestor(v.account);
    const { id } = await recordAttested(w, w.accepted.slice(0, 2));
    await runUntil(() => attestationOf(id, ATTESTERS[0].account) !== undefined);
    expect(attestationOf(id, ATTESTERS[0].account)!.revealed).toBe(false);
    await first.a.stop();
    running.splice(running.indexOf(first.a), 1);
    expect(readdirSync(secretsDir(ATTESTERS[0].account))).toEqual([`${id}.json`]);
    // An unreadable file beside it is reported and skipped.
    writeFileSync(join(secretsDir(ATTESTERS[0].account), '99.json'), '{ not json');

    const again = attestor(ATTESTERS[0].account);
    expect(again.lines.some((l) => l.msg === 'attestor: ignoring an unreadable kept commitment')).toBe(true);
    expect(again.a.tracked).toBe(1);
    await runUntil(() => attestationOf(id, ATTESTERS[0].account)?.revealed === true);
    await runUntil(() => record(id).settled);
    expect(record(id).revealedPower).toBe(100n);
  });

  it('commits nothing for a record its scorer fails on; the others settle it without that validator', async () => {
    const down = attestor(ATTESTERS[3].account, { scorer: { command: ['false'] } });
    for (const v of ATTESTERS.slice(0, 3)) attestor(v.account);
    const { id } = await recordAttested(w, w.accepted.slice(0, 2));
    await runUntil(() => record(id).settled);
    expect(attestationOf(id, ATTESTERS[3].account)).toBeUndefined();
    expect(record(id).revealedPower).toBe(90n);
    expect(down.lines.some((l) => l.msg === 'attestor: no commit for this record')).toBe(true);
    expect(readdirSync(secretsDir(ATTESTERS[3].account))).toEqual([]);
  });

  it('takes no step while the node catches up, and goes on once it has', async () => {
    let syncing = true;
    attestor(ATTESTERS[0].account, {}, undefined, () => syncing);
    const { id } = await recordAttested(w, w.accepted.slice(0, 1));
    await w.h.advance(2);
    expect(attestationOf(id, ATTESTERS[0].account)).toBeUndefined();
    syncing = false;
    await runUntil(() => attestationOf(id, ATTESTERS[0].account) !== undefined);
  });

  it('follows at most maxTracked open records and says which it skipped', async () => {
    const { a, lines } = attestor(ATTESTERS[0].account, {}, 1);
    await recordAttested(w, w.accepted.slice(0, 1));
    const second = await recordAttested(w, w.accepted.slice(1, 2));
    await a.idle();
    expect(a.tracked).toBe(1);
    expect(
      lines.find((l) => l.msg === 'attestor: too many open records followed; skipping this one'),
    ).toMatchObject({ inferenceId: second.id.toString(), max: 1 });
  });

  it('is not started for a validator without an attestation account, with one warning', () => {
    const { log, lines } = captureLog();
    const config = attestationConfigSchema.parse({});
    const started = startAttestor({
      chain: w.h.chain,
      config,
      home: dir,
      dataDir: dir,
      log,
      syncing: () => false,
    });
    expect(started).toBeUndefined();
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
  });
});
