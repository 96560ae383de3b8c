// State keys of the staking module's records: StateSpace.module, then one record-kind byte from the
// block 0xb0-0xbf reserved for staking (0xbd-0xbf are the end-block records', endBlock/keys.ts), then
// the record's own key. The state tree cannot be iterated, so every list the module walks is a record
// of its own (operators, a delegator's validators, entry indexes, the maturity queue).
import { type Address, addressToBytes } from '../../../core/address.ts';
import { concatBytes, u64ToBytes } from '../../../core/bytes.ts';
import { StateSpace } from '../../stateKeys.ts';

const Kind = {
  pool: 0xb0,
  operators: 0xb1,
  validator: 0xb2,
  /** consensus address -> operator, kept forever: one consensus key per validator, ever. */
  consensusKey: 0xb3,
  delegation: 0xb4,
  /** A delegator's validators (those it holds a delegation with). */
  delegatorValidators: 0xb5,
  unbonding: 0xb6,
  redelegation: 0xb7,
  /** A delegator's unbonding and redelegation entries. */
  delegatorEntries: 0xb8,
  /** A validator's entries that its slashes reach (unbondings from it, redelegations away from it). */
  validatorEntries: 0xb9,
  /** Entries completing at a height. */
  maturity: 0xba,
  /** OPEN received during the current block for its signers; paid and deleted at the block's end. */
  blockIncome: 0xbb,
  /** What an address has been paid in rewards and commission, in total. */
  paid: 0xbc,
} as const;

const key = (kind: number, ...rest: Uint8Array[]) =>
  concatBytes(Uint8Array.of(StateSpace.module, kind), ...rest);
const a = addressToBytes;

export const stakingKeys = {
  pool: () => key(Kind.pool),
  operators: () => key(Kind.operators),
  validator: (operator: Address) => key(Kind.validator, a(operator)),
  consensusKey: (consensusAddress: Address) => key(Kind.consensusKey, a(consensusAddress)),
  delegation: (delegator: Address, validator: Address) => key(Kind.delegation, a(delegator), a(validator)),
  delegatorValidators: (delegator: Address) => key(Kind.delegatorValidators, a(delegator)),
  unbonding: (id: number) => key(Kind.unbonding, u64ToBytes(id)),
  redelegation: (id: number) => key(Kind.redelegation, u64ToBytes(id)),
  delegatorEntries: (delegator: Address) => key(Kind.delegatorEntries, a(delegator)),
  validatorEntries: (operator: Address) => key(Kind.validatorEntries, a(operator)),
  maturity: (height: number) => key(Kind.maturity, u64ToBytes(height)),
  blockIncome: () => key(Kind.blockIncome),
  paid: (recipient: Address) => key(Kind.paid, a(recipient)),
};
