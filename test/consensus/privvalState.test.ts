// The signer's persisted last-signed state (test/node/privval.test.ts covers signing and restart):
// what it writes (a line per signature, the file replaced when it must be), which state files it
// refuses to start from, and the height/round/step order it enforces step by step.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPACT_ABOVE_BYTES, DoubleSignError, PrivValidator, SignStep } from '../../consensus/privval.ts';
import { bytesToHex, utf8ToBytes } from '../../core/bytes.ts';
import { OpenchainError } from '../../core/errors.ts';
import { sha256 } from '../../core/hash.ts';
import { validatorAddress } from '../../core/validator.ts';
import { descriptorsUnder } from '../helpers/descriptors.ts';
import { poolRequests } from '../helpers/fsPool.ts';
import { makeValidators } from './harness/fixtures.ts';

const key = makeValidators([1n], 'pv')[0]!;
const statePath = () => join(mkdtempSync(join(tmpdir(), 'openchain-pvs-')), 'sign_state.json');
const open = (path: string) => new PrivValidator(key.secretKey, key.pubKey, path);

/** The records of the state file, one per line; the last is the state. */
const records = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const lastRecord = (path: string) => records(path).at(-1);

const record = (height: number, step = 2) => ({
  height,
  round: 0,
  step,
  signBytesHash: '0x00',
  signature: '0x00',
});

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('PrivValidator state file', () => {
  it('starts with nothing signed when there is no state file', () => {
    const pv = open(statePath());
    expect(pv.lastSigned).toBeUndefined();
    expect(pv.address).toBe(validatorAddress(key.pubKey));
    expect(pv.pubKey).toEqual(key.pubKey);
  });

  it('persists the height, round, step, sign-bytes digest and signature it signed', async () => {
    const path = statePath();
    const bytes = utf8ToBytes('vote bytes');
    const signature = await open(path).sign(3, 1, SignStep.precommit, bytes);
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
    expect(records(path)).toEqual([
      {
        height: 3,
        round: 1,
        step: SignStep.precommit,
        signBytesHash: bytesToHex(sha256(bytes)),
        signature: bytesToHex(signature),
      },
    ]);
  });

  it.each([
    ['a height that is not an integer', { height: 1.5, round: 0, step: 1 }],
    ['a missing round', { height: 1, step: 1 }],
    ['an unknown step', { height: 1, round: 0, step: 4 }],
  ])('refuses to start from a state with %s', (_what, state) => {
    const path = statePath();
    writeFileSync(path, JSON.stringify({ ...state, signBytesHash: '0x', signature: '0x' }));
    const err = errorOf(() => open(path));
    expect(err).toBeInstanceOf(OpenchainError);
    expect((err as OpenchainError<string>).code).toBe('PRIVVAL_STATE_CORRUPT');
    expect((err as Error).message).toContain(`validator sign state ${path} is unreadable (bad fields)`);
  });

  it.each([1, 2, 3])('starts from a state whose last step is %i', (step) => {
    const path = statePath();
    const state = { height: 4, round: 2, step, signBytesHash: '0x00', signature: '0x00' };
    writeFileSync(path, JSON.stringify(state));
    expect(open(path).lastSigned).toEqual(state);
  });

  it('passes on a read error other than a missing file', () => {
    const path = statePath();
    mkdirSync(path); // a directory where the file should be: EISDIR
    const err = errorOf(() => open(path));
    expect(err).not.toBeInstanceOf(OpenchainError);
    expect((err as NodeJS.ErrnoException).code).toBe('EISDIR');
  });
});

describe('PrivValidator state log', () => {
  const bytes = utf8ToBytes('x');

  it('appends a line per signature with one thread-pool call, and a restart starts from the last', async () => {
    const path = statePath();
    const pv = open(path);
    const descriptors = () => descriptorsUnder(dirname(path));
    const before = descriptors();
    // The first write after opening replaces the file (temporary file, fsync, rename, directory fsync).
    expect(await poolRequests(() => pv.sign(1, 0, SignStep.prevote, bytes))).toBe(3);
    // Then each signature is an append and its fdatasync.
    expect(await poolRequests(() => pv.sign(1, 0, SignStep.precommit, bytes))).toBe(1);
    expect(await poolRequests(() => pv.sign(2, 0, SignStep.propose, bytes))).toBe(1);
    // Each append opened the file and closed it again.
    expect(descriptors()).toEqual(before);
    expect(records(path).map((r) => [r.height, r.step])).toEqual([
      [1, SignStep.prevote],
      [1, SignStep.precommit],
      [2, SignStep.propose],
    ]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(path, '..'))).toEqual(['sign_state.json']);
    const again = open(path);
    expect(again.lastSigned).toMatchObject({ height: 2, round: 0, step: SignStep.propose });
    await expect(again.sign(1, 0, SignStep.precommit, bytes)).rejects.toThrow(DoubleSignError);
  });

  it('starts from an older single-record file and turns it into a log on its first write', async () => {
    const path = statePath();
    writeFileSync(path, JSON.stringify(record(7))); // no newline: the format before the log
    const pv = open(path);
    expect(pv.lastSigned).toEqual(record(7));
    await expect(pv.sign(7, 0, SignStep.prevote, bytes)).rejects.toThrow(DoubleSignError);
    await pv.sign(7, 0, SignStep.precommit, bytes);
    await pv.sign(8, 0, SignStep.propose, bytes);
    expect(records(path).map((r) => [r.height, r.step])).toEqual([
      [7, SignStep.precommit],
      [8, SignStep.propose],
    ]);
  });

  it('starts from the last whole record when an append was torn, and its first write drops the tail', async () => {
    const path = statePath();
    writeFileSync(path, `${JSON.stringify(record(5))}\n${JSON.stringify(record(6)).slice(0, 20)}`);
    const pv = open(path);
    expect(pv.lastSigned).toEqual(record(5));
    await pv.sign(5, 0, SignStep.precommit, bytes);
    expect(records(path).map((r) => [r.height, r.step])).toEqual([[5, SignStep.precommit]]);
  });

  it('takes a whole last record whose newline is missing as the state', () => {
    const path = statePath();
    writeFileSync(path, `${JSON.stringify(record(5))}\n${JSON.stringify(record(6))}`);
    expect(open(path).lastSigned).toEqual(record(6));
  });

  it.each([
    [
      'a damaged record before the last',
      `${JSON.stringify(record(5)).slice(0, 20)}\n${JSON.stringify(record(6))}\n`,
    ],
    ['an empty line before the last', `${JSON.stringify(record(5))}\n\n${JSON.stringify(record(6))}\n`],
    [
      'a last record with bad fields after a whole one',
      `${JSON.stringify(record(5))}\n${JSON.stringify({ ...record(6), step: 4 })}`,
    ],
    ['a torn record and nothing before it', JSON.stringify(record(5)).slice(0, 20)],
    ['nothing in it', ''],
  ])('refuses to start from a log with %s', (_what, text) => {
    const path = statePath();
    writeFileSync(path, text);
    const err = errorOf(() => open(path));
    expect((err as OpenchainError<string>).code).toBe('PRIVVAL_STATE_CORRUPT');
  });

  it('replaces the log with its latest record once it is above its bound', async () => {
    const path = statePath();
    const pv = open(path);
    let largest = 0;
    let h = 1;
    for (; h < 2000; h++) {
      await pv.sign(h, 0, SignStep.propose, bytes);
      const size = statSync(path).size;
      if (size < largest) break;
      largest = size;
    }
    const recordBytes = largest / (h - 1);
    expect(largest).toBeGreaterThan(COMPACT_ABOVE_BYTES);
    expect(largest).toBeLessThanOrEqual(COMPACT_ABOVE_BYTES + recordBytes);
    expect(records(path)).toEqual([expect.objectContaining({ height: h, step: SignStep.propose })]);
    // Appends again after the replace.
    expect(await poolRequests(() => pv.sign(h + 1, 0, SignStep.propose, bytes))).toBe(1);
    expect(records(path)).toHaveLength(2);
  });
});

describe('PrivValidator sign order', () => {
  const bytes = utf8ToBytes('x');

  it('signs each later step, round and height once, and refuses going back by a single step', async () => {
    const pv = open(statePath());
    await pv.sign(2, 0, SignStep.propose, bytes);
    await pv.sign(2, 0, SignStep.prevote, bytes);
    await expect(pv.sign(2, 0, SignStep.propose, bytes)).rejects.toThrow(
      'refusing to sign for height 2 round 0 step 1: already signed height 2 round 0 step 2',
    );
    await pv.sign(2, 0, SignStep.precommit, bytes);
    await pv.sign(2, 1, SignStep.propose, bytes);
    await expect(pv.sign(2, 0, SignStep.precommit, bytes)).rejects.toThrow(DoubleSignError);
    await pv.sign(3, 0, SignStep.propose, bytes);
    await expect(pv.sign(2, 1, SignStep.precommit, bytes)).rejects.toThrow(DoubleSignError);
    expect(pv.lastSigned).toMatchObject({ height: 3, round: 0, step: SignStep.propose });
  });

  it('answers a repeated request with the stored signature and refuses different bytes', async () => {
    const path = statePath();
    const pv = open(path);
    const first = await pv.sign(2, 0, SignStep.prevote, bytes);
    expect(await pv.sign(2, 0, SignStep.prevote, bytes)).toEqual(first);
    const err = await pv.sign(2, 0, SignStep.prevote, utf8ToBytes('y')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DoubleSignError);
    expect((err as DoubleSignError).code).toBe('DOUBLE_SIGN_REFUSED');
    expect((err as Error).message).toBe('refusing to sign different data for height 2 round 0 step 2');
    // The refused request left the state as it was.
    expect(lastRecord(path)!.signBytesHash).toBe(bytesToHex(sha256(bytes)));
  });

  it('answers requests made before the last one is durable one at a time, each against the state the previous left', async () => {
    const path = statePath();
    const pv = open(path);
    // Not awaited in between: the second is checked only once the first is on disk.
    const results = await Promise.allSettled([
      pv.sign(4, 0, SignStep.prevote, bytes),
      pv.sign(4, 0, SignStep.prevote, utf8ToBytes('y')),
      pv.sign(4, 0, SignStep.precommit, bytes),
      pv.sign(4, 0, SignStep.prevote, bytes),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(DoubleSignError);
    expect(lastRecord(path)).toMatchObject({
      height: 4,
      round: 0,
      step: SignStep.precommit,
    });
    expect(pv.lastSigned).toMatchObject({ height: 4, round: 0, step: SignStep.precommit });
  });
});
