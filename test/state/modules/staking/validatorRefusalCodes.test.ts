// Every refusal of createValidator and editValidator carries its stable code (a receipt shows only
// the message; the CLI and tools branch on the code).
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../../core/bytes.ts';
import { COMMISSION_CHANGE_INTERVAL_MS } from '../../../../state/modules/staking/validators.ts';
import { account, bindingSignature, consensusKey, ETH, StakingBench } from './helpers.ts';

const op = account(1);
const other = account(2);
const key = consensusKey(1);

function createArgs(over: Partial<Record<number, unknown>> = {}, k = key, operator = op): unknown[] {
  const args: unknown[] = [
    bytesToHex(k.publicKey),
    bytesToHex(bindingSignature(k, operator)),
    500,
    2_000,
    100,
    'alpha',
    '',
  ];
  for (const [i, v] of Object.entries(over)) args[Number(i)] = v;
  return args;
}

describe('createValidator refusal codes', () => {
  it('names each refusal', () => {
    const b = new StakingBench(undefined, [op, other]);
    const code = (over: Partial<Record<number, unknown>>, value = 10n * ETH) =>
      b.codeOf(op, 'createValidator', createArgs(over), value);
    expect(code({ 1: bytesToHex(new Uint8Array(64)) })).toBe('BAD_KEY_SIGNATURE');
    expect(code({ 3: 10_001, 2: 0 })).toBe('INVALID_ARGUMENT');
    expect(code({ 4: 2_001 })).toBe('INVALID_ARGUMENT');
    expect(code({ 2: 2_001 })).toBe('COMMISSION_ABOVE_MAX');
    expect(code({ 5: 'm'.repeat(71) })).toBe('INVALID_ARGUMENT');
    expect(code({ 6: 'm'.repeat(513) })).toBe('INVALID_ARGUMENT');
    expect(code({}, ETH - 1n)).toBe('SELF_BOND_TOO_LOW');
    b.send(op, 'createValidator', createArgs(), 10n * ETH);
    expect(
      code({
        0: bytesToHex(consensusKey(9).publicKey),
        1: bytesToHex(bindingSignature(consensusKey(9), op)),
      }),
    ).toBe('VALIDATOR_EXISTS');
    expect(b.codeOf(other, 'createValidator', createArgs({}, key, other), 10n * ETH)).toBe(
      'CONSENSUS_KEY_IN_USE',
    );
  });
});

describe('editValidator refusal codes', () => {
  it('names each refusal', () => {
    const b = new StakingBench(undefined, [op, other]);
    b.send(op, 'createValidator', createArgs(), 10n * ETH);
    expect(b.codeOf(op, 'editValidator', [600, 'a', ''])).toBe('COMMISSION_CHANGE_TOO_FAST');
    b.time += COMMISSION_CHANGE_INTERVAL_MS;
    expect(b.codeOf(op, 'editValidator', [601, 'a', ''])).toBe('COMMISSION_CHANGE_TOO_FAST');
    expect(b.codeOf(op, 'editValidator', [2_001, 'a', ''])).toBe('COMMISSION_ABOVE_MAX');
    expect(b.codeOf(op, 'editValidator', [500, 'a'.repeat(71), ''])).toBe('INVALID_ARGUMENT');
    expect(b.codeOf(op, 'editValidator', [500, 'a', 'a'.repeat(513)])).toBe('INVALID_ARGUMENT');
    expect(b.codeOf(op, 'editValidator', [500, 'a', ''], 1n)).toBe('UNEXPECTED_VALUE');
    expect(b.codeOf(other, 'editValidator', [500, 'a', ''])).toBe('UNKNOWN_VALIDATOR');
  });
});
