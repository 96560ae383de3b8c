import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DoubleSignError, PrivValidator, SignStep } from '../../consensus/privval.ts';
import { utf8ToBytes } from '../../core/bytes.ts';
import { ed25519Verify } from '../../core/ed25519.ts';
import { generateValidatorKey } from '../../node/keys.ts';

function signer(path = join(mkdtempSync(join(tmpdir(), 'openchain-pv-')), 'state.json')) {
  const key = generateValidatorKey();
  return { key, path, pv: new PrivValidator(key.secretKey, key.pubKey, path) };
}

describe('PrivValidator (double-sign guard)', () => {
  it('signs, persists, and survives a restart with the same memory of what it signed', async () => {
    const { key, path, pv } = signer();
    const sig = await pv.sign(5, 0, SignStep.prevote, utf8ToBytes('a'));
    expect(ed25519Verify(sig, utf8ToBytes('a'), key.pubKey)).toBe(true);
    const again = new PrivValidator(key.secretKey, key.pubKey, path);
    expect(again.lastSigned).toMatchObject({ height: 5, round: 0, step: SignStep.prevote });
    // identical request: the stored signature, nothing new
    expect(await again.sign(5, 0, SignStep.prevote, utf8ToBytes('a'))).toEqual(sig);
    await expect(again.sign(5, 0, SignStep.prevote, utf8ToBytes('b'))).rejects.toThrow(DoubleSignError);
  });

  it('refuses to sign for an earlier height, round or step', async () => {
    const { pv } = signer();
    await pv.sign(5, 2, SignStep.precommit, utf8ToBytes('x'));
    await expect(pv.sign(4, 9, SignStep.precommit, utf8ToBytes('x'))).rejects.toThrow(
      /already signed height 5 round 2 step 3/,
    );
    await expect(pv.sign(5, 1, SignStep.precommit, utf8ToBytes('x'))).rejects.toThrow(DoubleSignError);
    await expect(pv.sign(5, 2, SignStep.prevote, utf8ToBytes('x'))).rejects.toThrow(DoubleSignError);
    expect(await pv.sign(5, 3, SignStep.propose, utf8ToBytes('y'))).toHaveLength(64);
  });

  it('will not start from a corrupt state file', async () => {
    const { key, path, pv } = signer();
    await pv.sign(1, 0, SignStep.prevote, utf8ToBytes('a'));
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 10));
    expect(() => new PrivValidator(key.secretKey, key.pubKey, path)).toThrow(/refusing to sign/);
  });
});
