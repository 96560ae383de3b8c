// The staking records' declarations (state/modules/staking/records.ts): the field counts each
// encoding carries, the record named in a decoding error, and the constants IStaking.sol documents.
import { describe, expect, it } from 'vitest';
import { rlpEncode } from '../../../../core/rlp.ts';
import {
  addressListRecord,
  delegationRecord,
  EMPTY_POOL,
  entryListRecord,
  entryRef,
  LIMITS,
  poolRecord,
  redelegationRecord,
  SlashReason,
  unbondingRecord,
  ValidatorStatus,
  validatorRecord,
} from '../../../../state/modules/staking/records.ts';

describe('staking records', () => {
  it('refuse an encoding with the wrong number of fields, naming the record', () => {
    const cases = [
      [validatorRecord, 'validator', 19],
      [delegationRecord, 'delegation', 2],
      [unbondingRecord, 'unbonding', 6],
      [redelegationRecord, 'redelegation', 7],
      [entryRef, 'entry', 2],
      [entryListRecord, 'entries', 1],
      [addressListRecord, 'addresses', 1],
      [poolRecord, 'pool', 11],
    ] as const;
    for (const [record, name, fields] of cases) {
      expect(record.name).toBe(name);
      expect(record.fieldNames).toHaveLength(fields);
      expect(() => record.decode(rlpEncode([]))).toThrow(`${name}: expected ${fields} items, got 0`);
    }
  });

  it('round-trip the empty pool, which is all zeros', () => {
    expect(Object.values(EMPTY_POOL).every((v) => v === 0 || v === 0n)).toBe(true);
    expect(Object.keys(EMPTY_POOL)).toEqual(poolRecord.fieldNames);
    expect(poolRecord.decode(poolRecord.encode(EMPTY_POOL))).toEqual(EMPTY_POOL);
  });

  it("keep IStaking.sol's status and slash-reason codes and the text limits", () => {
    expect(ValidatorStatus).toEqual({ active: 0, inactive: 1, jailed: 2, tombstoned: 3 });
    expect(SlashReason).toEqual({ doubleSign: 1, downtime: 2 });
    expect(LIMITS).toEqual({ moniker: 70, metadata: 512 });
  });
});
