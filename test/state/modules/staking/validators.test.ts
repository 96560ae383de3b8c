import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../../core/bytes.ts';
import { validatorAddress } from '../../../../core/validator.ts';
import { STAKING_ADDRESS } from '../../../../state/modules/staking/abi.ts';
import { ValidatorStatus } from '../../../../state/modules/staking/records.ts';
import { operatorOfConsensusAddress } from '../../../../state/modules/staking/store.ts';
import {
  COMMISSION_CHANGE_INTERVAL_MS,
  createGenesisValidator,
} from '../../../../state/modules/staking/validators.ts';
import { account, bindingSignature, consensusKey, ETH, StakingBench } from './helpers.ts';

const op = account(1);
const other = account(2);
const key = consensusKey(1);

function createArgs(k = key, operator = op, over: Partial<Record<number, unknown>> = {}) {
  const args: unknown[] = [
    bytesToHex(k.publicKey),
    bytesToHex(bindingSignature(k, operator)),
    500,
    2_000,
    100,
    'alpha',
    'https://a.example',
  ];
  for (const [i, v] of Object.entries(over)) args[Number(i)] = v;
  return args;
}

describe('a chain without staking parameters', () => {
  it('refuses every staking call and view with a clear error, changing nothing', () => {
    const b = new StakingBench(null, [op]);
    b.fails(op, 'createValidator', createArgs(), /staking is not enabled on this chain/, 10n * ETH);
    expect(() => b.view('pool')).toThrow(/staking is not enabled on this chain/);
    expect(b.codeOf(op, 'createValidator', createArgs(), 10n * ETH)).toBe('STAKING_NOT_ENABLED');
  });
});

describe('createValidator', () => {
  it('bonds the self-bond, binds the key and reports the validator', () => {
    const b = new StakingBench(undefined, [op]);
    const before = b.balance(op);
    const out = b.send(op, 'createValidator', createArgs(), 10n * ETH);
    expect(out.events).toEqual([
      {
        eventName: 'ValidatorCreated',
        args: {
          operator: expect.stringMatching(/^0x/i),
          consensusKey: bytesToHex(key.publicKey),
          selfBond: 10n * ETH,
          commissionBps: 500,
          moniker: 'alpha',
        },
      },
    ]);
    expect(b.balance(op)).toBe(before - 10n * ETH);
    expect(b.balance(STAKING_ADDRESS)).toBe(10n * ETH);
    expect(operatorOfConsensusAddress(b.state, validatorAddress(key.publicKey))).toBe(op);
    const v = b.view('validator', [op]) as Record<string, unknown>;
    expect(v).toMatchObject({
      consensusKey: bytesToHex(key.publicKey),
      consensusAddress: expect.stringMatching(new RegExp(validatorAddress(key.publicKey).slice(2), 'i')),
      status: ValidatorStatus.inactive,
      tokens: 10n * ETH,
      delegatorShares: 10n * ETH,
      selfBond: 10n * ETH,
      power: 0n,
      commissionBps: 500,
      maxCommissionBps: 2_000,
      maxChangeBps: 100,
      commissionChangedAt: BigInt(b.time),
      jailedUntil: 0n,
      missedBlocks: 0n,
      commission: 0n,
      moniker: 'alpha',
      metadata: 'https://a.example',
    });
    expect(b.pool()).toMatchObject({ bonded: 0n, notBonded: 10n * ETH });
    expect(b.view('delegation', [op, op])).toEqual({
      delegator: expect.any(String),
      validator: expect.any(String),
      shares: 10n * ETH,
      tokens: 10n * ETH,
      pendingRewards: 0n,
    });
    b.expectSolvent();
  });

  it('charges gas for the key check, the records and the log', () => {
    const b = new StakingBench(undefined, [op]);
    const out = b.send(op, 'createValidator', createArgs(), 10n * ETH);
    // dispatch + key check + reads/writes + log: well above a transfer, deterministic.
    expect(out.gasUsed).toBeGreaterThan(2_000n + 20_000n + 1_000n);
    const again = new StakingBench(undefined, [op]).send(op, 'createValidator', createArgs(), 10n * ETH);
    expect(again.gasUsed).toBe(out.gasUsed);
    const starved = new StakingBench(undefined, [op]).call(
      op,
      'createValidator',
      createArgs(),
      10n * ETH,
      out.gasUsed - 1n,
    );
    expect(starved.status).toBe(0);
    expect(starved.error).toMatch(/out of gas/);
  });

  it('charges an edit its dispatch, reads, write and log, exactly', () => {
    const b = new StakingBench(undefined, [op]);
    b.send(op, 'createValidator', createArgs(), 10n * ETH);
    const out = b.send(op, 'editValidator', [500, 'beta', '']);
    expect(out.logs).toHaveLength(1);
    // Dispatch 2,000; parameters and validator read 2 × 500; validator written 5,000; one log 1,000.
    expect(out.gasUsed).toBe(2_000n + 2n * 500n + 5_000n + 1_000n);
  });

  it('charges the key check even when the binding does not verify', () => {
    const b = new StakingBench(undefined, [op]);
    const out = b.call(
      op,
      'createValidator',
      createArgs(key, op, { 1: bytesToHex(bindingSignature(key, other)) }),
    );
    expect(out.error).toMatch(/keySignature is not the consensus key's signature/);
    // Dispatch, the parameters read, then the ed25519 check that refused it (docs/staking.md "Gas").
    expect(out.gasUsed).toBe(2_000n + 500n + 20_000n);
  });

  it('refuses a binding signature that does not verify, or binds another operator or chain', () => {
    const b = new StakingBench(undefined, [op, other]);
    b.fails(
      op,
      'createValidator',
      createArgs(key, op, { 1: bytesToHex(new Uint8Array(64)) }),
      /keySignature is not the consensus key's signature/,
      10n * ETH,
    );
    b.fails(
      op,
      'createValidator',
      createArgs(key, op, { 1: bytesToHex(bindingSignature(key, other)) }),
      /binding to/,
      10n * ETH,
    );
    b.fails(
      op,
      'createValidator',
      createArgs(key, op, { 1: bytesToHex(bindingSignature(key, op, 1n)) }),
      /on chain 1337/,
      10n * ETH,
    );
    b.fails(op, 'createValidator', createArgs(key, op, { 1: '0x1234' }), /BAD|keySignature/, 10n * ETH);
  });

  it('refuses a consensus key already bound, even by a validator that exists no more in the set', () => {
    const b = new StakingBench(undefined, [op, other]);
    b.send(op, 'createValidator', createArgs(), 10n * ETH);
    b.fails(
      other,
      'createValidator',
      createArgs(key, other),
      /consensus key 0x[0-9a-f]+ is already bound to validator/,
      10n * ETH,
    );
  });

  it('refuses a second validator of one operator', () => {
    const b = new StakingBench(undefined, [op]);
    b.send(op, 'createValidator', createArgs(), 10n * ETH);
    b.fails(op, 'createValidator', createArgs(consensusKey(9)), /already operates a validator/, 10n * ETH);
  });

  it('refuses commission above its max, max above 100%, max change above max', () => {
    const b = new StakingBench(undefined, [op]);
    b.fails(
      op,
      'createValidator',
      createArgs(key, op, { 2: 2_001 }),
      /commission 2001 bps is above the maximum 2000 bps/,
      10n * ETH,
    );
    b.fails(
      op,
      'createValidator',
      createArgs(key, op, { 2: 0, 3: 10_001 }),
      /maxCommissionBps 10001 is above 10000/,
      10n * ETH,
    );
    b.fails(
      op,
      'createValidator',
      createArgs(key, op, { 4: 2_001 }),
      /maxChangeBps 2001 is above maxCommissionBps 2000/,
      10n * ETH,
    );
    // The bounds themselves are allowed.
    b.send(op, 'createValidator', createArgs(key, op, { 2: 10_000, 3: 10_000, 4: 10_000 }), 10n * ETH);
  });

  it('refuses a self-bond below minSelfBond and more than the balance', () => {
    const b = new StakingBench(undefined, [op]);
    b.fails(
      op,
      'createValidator',
      createArgs(),
      /self-bond 999999999999999999 is below the minimum 1000000000000000000/,
      ETH - 1n,
    );
    b.fails(op, 'createValidator', createArgs(), /insufficient balance/, 2_000_000n * ETH);
    b.send(op, 'createValidator', createArgs(), ETH);
  });

  it('refuses a moniker or metadata over their limits', () => {
    const b = new StakingBench(undefined, [op]);
    b.fails(
      op,
      'createValidator',
      createArgs(key, op, { 5: 'm'.repeat(71) }),
      /moniker is 71 bytes, limit 70/,
      10n * ETH,
    );
    b.fails(
      op,
      'createValidator',
      createArgs(key, op, { 6: 'm'.repeat(513) }),
      /metadata is 513 bytes, limit 512/,
      10n * ETH,
    );
    b.send(op, 'createValidator', createArgs(key, op, { 5: 'm'.repeat(70), 6: 'x'.repeat(512) }), 10n * ETH);
  });
});

describe('editValidator', () => {
  function created() {
    const b = new StakingBench(undefined, [op, other]);
    b.send(op, 'createValidator', createArgs(), 10n * ETH);
    return b;
  }

  it('changes moniker and metadata at any time, and commission once a day by at most maxChangeBps', () => {
    const b = created();
    const out = b.send(op, 'editValidator', [500, 'beta', 'meta']);
    expect(out.events).toEqual([
      {
        eventName: 'ValidatorEdited',
        args: { operator: expect.any(String), commissionBps: 500, moniker: 'beta', metadata: 'meta' },
      },
    ]);
    expect(b.validator(op)).toMatchObject({ moniker: 'beta', metadata: 'meta', commissionBps: 500 });
    const createdAt = b.validator(op).commissionChangedAt;
    b.fails(
      op,
      'editValidator',
      [600, 'beta', 'meta'],
      /commission changed 0 ms ago; it may change once per 86400000 ms/,
    );
    b.time = createdAt + COMMISSION_CHANGE_INTERVAL_MS - 1;
    b.fails(op, 'editValidator', [600, 'beta', 'meta'], /changed 86399999 ms ago/);
    b.time = createdAt + COMMISSION_CHANGE_INTERVAL_MS;
    b.fails(op, 'editValidator', [601, 'beta', 'meta'], /at most 100 bps at a time, not 101/);
    b.fails(op, 'editValidator', [399, 'beta', 'meta'], /at most 100 bps at a time, not 101/);
    b.send(op, 'editValidator', [400, 'beta', 'meta']);
    expect(b.validator(op)).toMatchObject({ commissionBps: 400, commissionChangedAt: b.time });
    // Editing text only keeps the time of the last commission change.
    const changedAt = b.time;
    b.time += 5;
    b.send(op, 'editValidator', [400, 'gamma', '']);
    expect(b.validator(op)).toMatchObject({
      commissionBps: 400,
      commissionChangedAt: changedAt,
      moniker: 'gamma',
    });
    b.time += COMMISSION_CHANGE_INTERVAL_MS;
    b.send(op, 'editValidator', [500, 'beta', 'meta']);
    expect(b.validator(op).commissionBps).toBe(500);
  });

  it('refuses commission above the max, a sender that is no operator, value, and long text', () => {
    const b = created();
    b.time += COMMISSION_CHANGE_INTERVAL_MS;
    const v = b.validator(op);
    expect(v.maxCommissionBps).toBe(2_000);
    b.fails(op, 'editValidator', [2_001, 'a', ''], /commission 2001 bps is above the maximum 2000 bps/);
    b.fails(other, 'editValidator', [500, 'a', ''], /no validator with operator/);
    b.fails(op, 'editValidator', [500, 'a', ''], /editValidator is not payable, but 1 was sent/, 1n);
    b.fails(op, 'editValidator', [500, 'a'.repeat(71), ''], /moniker is 71 bytes/);
    b.fails(op, 'editValidator', [500, 'a', 'a'.repeat(513)], /metadata is 513 bytes/);
  });
});

describe('createGenesisValidator', () => {
  it('takes the self-bond from the allocation, with default commission bounds', () => {
    const b = new StakingBench(undefined, [op]);
    createGenesisValidator(
      b.state,
      { operator: op, consensusKey: key.publicKey, selfBond: 5n * ETH, moniker: 'g' },
      42,
    );
    expect(b.validator(op)).toMatchObject({
      tokens: 5n * ETH,
      commissionBps: 0,
      maxCommissionBps: 1_000,
      maxChangeBps: 100,
      commissionChangedAt: 42,
      metadata: '',
      moniker: 'g',
      inSet: false,
    });
    expect(b.balance(STAKING_ADDRESS)).toBe(5n * ETH);
    expect(operatorOfConsensusAddress(b.state, validatorAddress(key.publicKey))).toBe(op);
    b.expectSolvent();
  });

  it('refuses an allocation that cannot cover the self-bond, with a clear error', () => {
    const b = new StakingBench(undefined, []);
    b.fund(op, ETH);
    expect(() =>
      createGenesisValidator(b.state, {
        operator: op,
        consensusKey: key.publicKey,
        selfBond: 2n * ETH,
        moniker: 'g',
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'INSUFFICIENT_BALANCE',
        message: expect.stringMatching(/has 1000000000000000000, needs 2000000000000000000/),
      }),
    );
  });
});
