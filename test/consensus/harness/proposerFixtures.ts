// Validators and proposer states for the proposer tests, written the way CometBFT's tables write
// them: addresses are arbitrary byte strings ("foo"), here the same bytes as hex.
import { expect } from 'vitest';
import { ConsensusError } from '../../../consensus/errors.ts';
import type { ProposerState } from '../../../consensus/proposer.ts';
import type { Address } from '../../../core/address.ts';
import { bytesToHex, utf8ToBytes } from '../../../core/bytes.ts';
import type { Validator } from '../../../core/validator.ts';

export const ZERO20 = `0x${'00'.repeat(20)}` as Address;

export function addr(name: string | Uint8Array): Address {
  return bytesToHex(typeof name === 'string' ? utf8ToBytes(name) : name) as Address;
}

export function val(name: string | Uint8Array, power: bigint | number): Validator {
  return { address: addr(name), pubKey: new Uint8Array(32), power: BigInt(power), rewardAddress: ZERO20 };
}

export function name(address: Address): string {
  return Buffer.from(address.slice(2), 'hex').toString('utf8');
}

/** A state built directly, without NewValidatorSet's initial increment (CometBFT's ValidatorSet{...}). */
export function raw(
  entries: [string | Uint8Array, number | bigint, number | bigint][],
  proposer = entries[0]![0],
): ProposerState {
  return {
    validators: entries.map(([n, power, priority]) => ({
      validator: val(n, power),
      priority: BigInt(priority),
    })),
    proposer: addr(proposer),
  };
}

export function priorityOf(state: ProposerState, n: string | Uint8Array): bigint {
  return state.validators.find((v) => v.validator.address === addr(n))!.priority;
}

/** "name:power name:power" as it reads in the Go tables, sorted by address like our states. */
export function spec(state: ProposerState): string {
  return state.validators.map((v) => `${name(v.validator.address)}:${v.validator.power}`).join(' ');
}

/** "name:power name:power" as it reads in the Go tables. */
export function vs(list: string): Validator[] {
  return list
    .split(' ')
    .filter(Boolean)
    .map((item) => {
      const [n, power] = item.split(':');
      return val(n!, BigInt(power!));
    });
}

export function expectConsensusError(fn: () => unknown, code: string, message?: RegExp): ConsensusError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConsensusError);
    expect((err as ConsensusError).code).toBe(code);
    if (message) expect((err as ConsensusError).message).toMatch(message);
    return err as ConsensusError;
  }
  return expect.unreachable(`expected ConsensusError ${code}`);
}
