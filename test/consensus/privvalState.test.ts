// The signer's persisted last-signed state (test/node/privval.test.ts covers signing and restart):
// what it writes, which state files it refuses to start from, and the height/round/step order it
// enforces step by step.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DoubleSignError, PrivValidator, SignStep } from '../../consensus/privval.ts';
import { bytesToHex, utf8ToBytes } from '../../core/bytes.ts';
import { OpenchainError } from '../../core/errors.ts';
import { sha256 } from '../../core/hash.ts';
import { validatorAddress } from '../../core/validator.ts';
import { makeValidators } from './harness/fixtures.ts';

const key = makeValidators([1n], 'pv')[0]!;
const statePath = () => join(mkdtempSync(join(tmpdir(), 'openchain-pvs-')), 'sign_state.json');
const open = (path: string) => new PrivValidator(key.secretKey, key.pubKey, path);

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
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      height: 3,
      round: 1,
      step: SignStep.precommit,
      signBytesHash: bytesToHex(sha256(bytes)),
      signature: bytesToHex(signature),
    });
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
    expect(JSON.parse(readFileSync(path, 'utf8')).signBytesHash).toBe(bytesToHex(sha256(bytes)));
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
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      height: 4,
      round: 0,
      step: SignStep.precommit,
    });
    expect(pv.lastSigned).toMatchObject({ height: 4, round: 0, step: SignStep.precommit });
  });
});
