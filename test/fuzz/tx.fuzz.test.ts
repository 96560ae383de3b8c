// Transaction decoding (what eth_sendRawTransaction and gossip hand to decodeTx): arbitrary bytes
// and mutations of real signed transactions either decode to a well-formed transaction or are
// refused with TxDecodeError / DecodeError, never another exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../core/errors.ts';
import { decodeTx, signTx, TxDecodeError, type UnsignedTx } from '../../core/tx.ts';
import { anyBytes, budget, mutationsOf, rejectsOnlyWith, TIMEOUT_MS } from './budget.ts';

const key = new Uint8Array(32).fill(9);
const base = {
  chainId: 1337n,
  nonce: 7n,
  gasLimit: 50_000n,
  to: '0x000000000000000000000000000000000000c0de',
  value: 10n ** 18n,
  data: Uint8Array.of(1, 2, 3, 0, 0, 4),
} as const;
const valid = (
  [
    { ...base, type: 0, gasPrice: 10n ** 9n },
    { ...base, type: 2, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, accessList: [] },
    {
      ...base,
      type: 2,
      maxFeePerGas: 1n,
      maxPriorityFeePerGas: 1n,
      accessList: [{ address: base.to, storageKeys: [`0x${'11'.repeat(32)}`] }],
    },
  ] as UnsignedTx[]
).map((tx) => signTx(tx, key).raw);

const ALLOWED = [{ type: TxDecodeError }, { type: DecodeError }];

function check(raw: Uint8Array): void {
  rejectsOnlyWith(() => {
    const tx = decodeTx(raw);
    // What decodes is a whole transaction of a supported type with its hash.
    expect([0, 2]).toContain(tx.type);
    expect(tx.hash).toMatch(/^0x[0-9a-f]{64}$/);
  }, ALLOWED);
}

describe('fuzz: transaction decoding', () => {
  it('the valid seeds decode', () => {
    for (const raw of valid) expect(() => decodeTx(raw)).not.toThrow();
  });

  it('arbitrary bytes', { timeout: TIMEOUT_MS }, () => {
    fc.assert(fc.property(anyBytes(), check), budget(300));
  });

  it('mutated signed transactions', { timeout: TIMEOUT_MS }, () => {
    fc.assert(fc.property(mutationsOf(valid), check), budget(500));
  });
});
