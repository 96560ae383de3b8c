// A contribution's life, handler by handler on a fresh state per test: registration (size, bond,
// URI and duplicate checks; open Datanets accept at once, curated ones hold it pending), the
// curator's decision, flagging within the challenge window (burning a held bond), and withdrawing
// a bond (locked while pending or inside the window). Every refusal is checked by code and message,
// every success by the stored record, the event and the balances.
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { bytesToHex } from '../../../../core/bytes.ts';
import { ATTRIBUTION_ADDRESS } from '../../../../state/modules/attribution/abi.ts';
import {
  decideContribution,
  flagContribution,
  type Registration,
  registerContribution,
  withdrawBond,
} from '../../../../state/modules/attribution/contributions.ts';
import { BondStatus, FlagReason, Policy, Status } from '../../../../state/modules/attribution/records.ts';
import { contributionByRoot, readContribution } from '../../../../state/modules/attribution/store.ts';
import { attributionError, BLOCK_TIME, DirectCalls, OWNER } from './directCall.ts';

const BOB: Address = '0x00000000000000000000000000000000000000b0';
const CAROL: Address = '0x00000000000000000000000000000000000000c0';
const BOND = 100n;
/** challengeWindowSeconds is 60 in the test parameters. */
const WINDOW_MS = 60_000;

const root = (fill: number) => new Uint8Array(32).fill(fill);

/** A registration whose reveal was checked (addContribution's own checks are in test/attacks/). */
function contribution(datanetId: bigint, overrides: Partial<Registration> = {}): Registration {
  return { datanetId, chunkRoot: root(7), size: 40n, uri: 'ipfs://data', commitHeight: 2, ...overrides };
}

function refusal(run: () => unknown) {
  const err = attributionError(run);
  return { code: err.code, message: err.message };
}

/** A world with an open Datanet 1 (no bond) and a curated Datanet 2 with a bond of BOND. */
function world() {
  const w = new DirectCalls();
  w.datanet();
  w.datanet({ policy: Policy.curated, bond: BOND });
  return w;
}

/** Bob's bonded contribution 1 to the curated Datanet, pending; the module holds the bond. */
function pendingBonded() {
  const w = world();
  registerContribution(w.call(BOB, BOND), contribution(2n));
  w.fund(ATTRIBUTION_ADDRESS, BOND);
  return w;
}

/** As pendingBonded, approved by the curator at BLOCK_TIME. */
function acceptedBonded() {
  const w = pendingBonded();
  decideContribution(w.call(OWNER), 1n, true);
  return w;
}

describe('addContribution', () => {
  it('accepts a contribution to an open Datanet at once, with every field stored and announced', () => {
    const w = world();
    registerContribution(w.call(BOB), contribution(1n));
    expect(readContribution(w.state, 1n)).toEqual({
      datanetId: 1n,
      contributor: BOB,
      chunkRoot: root(7),
      size: 40,
      chunkSize: 16,
      uri: 'ipfs://data',
      status: Status.accepted,
      flagReason: FlagReason.none,
      bond: 0n,
      bondStatus: BondStatus.none,
      submittedAt: BLOCK_TIME,
      acceptedAt: BLOCK_TIME,
      commitHeight: 2,
      submittedHeight: 5,
      challengeWindowSeconds: 60,
    });
    expect(contributionByRoot(w.state, root(7))).toBe(1n);
    expect(w.events()).toEqual([
      {
        eventName: 'ContributionAdded',
        args: {
          contributionId: 1n,
          datanetId: 1n,
          contributor: expect.stringMatching(/^0x0{38}b0$/i),
          chunkRoot: bytesToHex(root(7)),
          size: 40n,
          status: Status.accepted,
          bond: 0n,
        },
      },
    ]);
  });

  it('holds a contribution to a curated Datanet pending, with its bond held', () => {
    const w = world();
    registerContribution(w.call(BOB, BOND), contribution(2n));
    expect(readContribution(w.state, 1n)).toMatchObject({
      status: Status.pending,
      acceptedAt: 0,
      submittedAt: BLOCK_TIME,
      bond: BOND,
      bondStatus: BondStatus.held,
    });
    expect(w.events()[0]!.args).toMatchObject({ status: Status.pending, bond: BOND });
  });

  it('refuses an unknown Datanet, a size outside 1..2^53-1, a wrong bond and a URI over 512 bytes', () => {
    const w = world();
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    expect(refusal(() => registerContribution(w.call(BOB), contribution(3n)))).toEqual({
      code: 'UNKNOWN_DATANET',
      message: 'unknown datanet 3',
    });
    for (const size of [0n, max + 1n]) {
      expect(refusal(() => registerContribution(w.call(BOB), contribution(1n, { size })))).toEqual({
        code: 'INVALID_ARGUMENT',
        message: `size must be between 1 and 9007199254740991 bytes, got ${size}`,
      });
    }
    expect(refusal(() => registerContribution(w.call(BOB, BOND - 1n), contribution(2n)))).toEqual({
      code: 'WRONG_BOND',
      message: 'datanet 2 requires a bond of 100, but 99 was sent',
    });
    expect(refusal(() => registerContribution(w.call(BOB, 1n), contribution(1n)))).toEqual({
      code: 'WRONG_BOND',
      message: 'datanet 1 requires a bond of 0, but 1 was sent',
    });
    expect(
      refusal(() => registerContribution(w.call(BOB), contribution(1n, { uri: 'u'.repeat(513) }))),
    ).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'uri is 513 bytes, limit 512',
    });
    expect(readContribution(w.state, 1n)).toBeUndefined();
    expect(w.logs).toEqual([]);

    registerContribution(w.call(BOB), contribution(1n, { size: 1n, chunkRoot: root(1) }));
    registerContribution(
      w.call(BOB),
      contribution(1n, { size: max, chunkRoot: root(2), uri: 'u'.repeat(512) }),
    );
    expect(readContribution(w.state, 1n)!.size).toBe(1);
    expect(readContribution(w.state, 2n)).toMatchObject({
      size: Number.MAX_SAFE_INTEGER,
      uri: 'u'.repeat(512),
    });
  });

  it('refuses content already registered, from anyone and in any Datanet, naming the first id', () => {
    const w = world();
    registerContribution(w.call(BOB), contribution(1n));
    expect(refusal(() => registerContribution(w.call(CAROL, BOND), contribution(2n)))).toEqual({
      code: 'DUPLICATE_CONTENT',
      message: `content with chunk root ${bytesToHex(root(7))} is already registered as contribution 1, committed at height 2 (this commit: 2)`,
    });
    expect(readContribution(w.state, 2n)).toBeUndefined();
  });
});

describe('approveContribution and rejectContribution', () => {
  it('the curator approves a pending contribution: accepted at the block time', () => {
    const w = pendingBonded();
    decideContribution(w.call(OWNER, 0n, BLOCK_TIME + 5), 1n, true);
    expect(readContribution(w.state, 1n)).toMatchObject({
      status: Status.accepted,
      acceptedAt: BLOCK_TIME + 5,
    });
    expect(w.events()[1]).toEqual({
      eventName: 'ContributionApproved',
      args: { contributionId: 1n, datanetId: 2n },
    });
  });

  it('the curator rejects a pending contribution: rejected, never accepted', () => {
    const w = pendingBonded();
    decideContribution(w.call(OWNER, 0n, BLOCK_TIME + 5), 1n, false);
    expect(readContribution(w.state, 1n)).toMatchObject({
      status: Status.rejected,
      acceptedAt: 0,
      bondStatus: BondStatus.held,
    });
    expect(w.events()[1]).toEqual({
      eventName: 'ContributionRejected',
      args: { contributionId: 1n, datanetId: 2n },
    });
  });

  it('refuses value, an unknown contribution, an open Datanet, anyone but the curator, a decided one', () => {
    const w = pendingBonded();
    registerContribution(w.call(BOB), contribution(1n, { chunkRoot: root(9) })); // 2, open
    expect(refusal(() => decideContribution(w.call(OWNER, 1n), 1n, true))).toEqual({
      code: 'UNEXPECTED_VALUE',
      message: 'approveContribution is not payable, but 1 was sent',
    });
    expect(refusal(() => decideContribution(w.call(OWNER, 1n), 1n, false))).toEqual({
      code: 'UNEXPECTED_VALUE',
      message: 'rejectContribution is not payable, but 1 was sent',
    });
    expect(refusal(() => decideContribution(w.call(OWNER), 3n, true))).toEqual({
      code: 'UNKNOWN_CONTRIBUTION',
      message: 'unknown contribution 3',
    });
    expect(refusal(() => decideContribution(w.call(OWNER), 2n, true))).toEqual({
      code: 'NOT_CURATED',
      message: 'approveContribution: datanet 1 is open, not curated',
    });
    expect(refusal(() => decideContribution(w.call(BOB), 1n, false))).toEqual({
      code: 'NOT_AUTHORIZED',
      message: `rejectContribution: only the owner of datanet 2 (${OWNER}) may do this`,
    });
    expect(readContribution(w.state, 1n)!.status).toBe(Status.pending);
    decideContribution(w.call(OWNER), 1n, false);
    expect(refusal(() => decideContribution(w.call(OWNER), 1n, true))).toEqual({
      code: 'WRONG_STATUS',
      message: 'approveContribution: contribution 1 is rejected, must be pending',
    });
  });
});

describe('flagContribution', () => {
  it('flags an accepted contribution up to the last millisecond of its window, burning its bond', () => {
    const w = acceptedBonded();
    const supplyBefore = w.balance(ATTRIBUTION_ADDRESS);
    flagContribution(w.call(OWNER, 0n, BLOCK_TIME + WINDOW_MS - 1), 1n, 2n);
    expect(readContribution(w.state, 1n)).toMatchObject({
      status: Status.flagged,
      flagReason: FlagReason.adversarial,
      bondStatus: BondStatus.burned,
      bond: BOND,
    });
    expect(w.balance(ATTRIBUTION_ADDRESS)).toBe(supplyBefore - BOND);
    expect(w.events().at(-1)).toEqual({
      eventName: 'ContributionFlagged',
      args: { contributionId: 1n, datanetId: 2n, reason: 2, bondBurned: BOND },
    });
  });

  it('flags a contribution without a bond as redundant, burning nothing', () => {
    const w = new DirectCalls();
    w.datanet({ policy: Policy.curated });
    registerContribution(w.call(BOB), contribution(1n));
    decideContribution(w.call(OWNER), 1n, true);
    w.fund(ATTRIBUTION_ADDRESS, 5n);
    flagContribution(w.call(OWNER), 1n, 1n);
    expect(readContribution(w.state, 1n)).toMatchObject({
      status: Status.flagged,
      flagReason: FlagReason.redundant,
      bondStatus: BondStatus.none,
    });
    expect(w.balance(ATTRIBUTION_ADDRESS)).toBe(5n);
    expect(w.events().at(-1)!.args).toEqual({ contributionId: 1n, datanetId: 1n, reason: 1, bondBurned: 0n });
  });

  it('charges for burning only when there is a bond to burn', () => {
    const w = acceptedBonded();
    registerContribution(w.call(BOB), contribution(1n, { chunkRoot: root(9) })); // 2, open, no bond
    w.gas = 0n;
    flagContribution(w.call(OWNER), 1n, 1n);
    // The event (1,000), and the module account's read and write (500 + 5,000) for the burn.
    expect(w.gas).toBe(1_000n + 5_500n);
    w.gas = 0n;
    const w2 = new DirectCalls();
    w2.datanet({ policy: Policy.curated });
    registerContribution(w2.call(BOB), contribution(1n));
    decideContribution(w2.call(OWNER), 1n, true);
    w2.gas = 0n;
    flagContribution(w2.call(OWNER), 1n, 1n);
    expect(w2.gas).toBe(1_000n);
  });

  it('keeps the challenge window in force at acceptance: a longer one later cannot reopen it', () => {
    const w = acceptedBonded();
    const end = BLOCK_TIME + WINDOW_MS;
    withdrawBond(w.call(BOB, 0n, end), 1n);
    w.params = { ...w.params, challengeWindowSeconds: 3_600 };
    expect(refusal(() => flagContribution(w.call(OWNER, 0n, end), 1n, 2n)).code).toBe(
      'CHALLENGE_WINDOW_CLOSED',
    );
    expect(readContribution(w.state, 1n)).toMatchObject({
      status: Status.accepted,
      bondStatus: BondStatus.withdrawn,
    });
  });

  it('keeps the challenge window in force at acceptance: a shorter one later cannot close it early', () => {
    const w = acceptedBonded();
    w.params = { ...w.params, challengeWindowSeconds: 1 };
    flagContribution(w.call(OWNER, 0n, BLOCK_TIME + WINDOW_MS - 1), 1n, 2n);
    expect(readContribution(w.state, 1n)).toMatchObject({
      status: Status.flagged,
      bondStatus: BondStatus.burned,
    });
  });

  it('refuses value, a reason other than 1 or 2, anyone but the curator, a pending contribution', () => {
    const w = pendingBonded();
    expect(refusal(() => flagContribution(w.call(OWNER, 3n), 1n, 1n))).toEqual({
      code: 'UNEXPECTED_VALUE',
      message: 'flagContribution is not payable, but 3 was sent',
    });
    for (const reason of [0n, 3n]) {
      expect(refusal(() => flagContribution(w.call(OWNER), 1n, reason))).toEqual({
        code: 'INVALID_ARGUMENT',
        message: `reason must be 1 (redundant) or 2 (adversarial), got ${reason}`,
      });
    }
    expect(refusal(() => flagContribution(w.call(BOB), 1n, 1n))).toEqual({
      code: 'NOT_AUTHORIZED',
      message: `flagContribution: only the owner of datanet 2 (${OWNER}) may do this`,
    });
    expect(refusal(() => flagContribution(w.call(OWNER), 1n, 1n))).toEqual({
      code: 'WRONG_STATUS',
      message: 'flagContribution: contribution 1 is pending, must be accepted',
    });
  });

  it('refuses a flag once the window has closed, naming when it closed', () => {
    const w = acceptedBonded();
    const end = BLOCK_TIME + WINDOW_MS;
    expect(refusal(() => flagContribution(w.call(OWNER, 0n, end), 1n, 1n))).toEqual({
      code: 'CHALLENGE_WINDOW_CLOSED',
      message: `flagContribution: the challenge window of contribution 1 closed at ${new Date(end).toISOString()}`,
    });
    expect(readContribution(w.state, 1n)).toMatchObject({
      status: Status.accepted,
      bondStatus: BondStatus.held,
    });
    expect(w.balance(ATTRIBUTION_ADDRESS)).toBe(BOND);
  });
});

describe('withdrawBond', () => {
  it('pays the bond back once the window has closed, and only once', () => {
    const w = acceptedBonded();
    const end = BLOCK_TIME + WINDOW_MS;
    expect(refusal(() => withdrawBond(w.call(BOB, 0n, end - 1), 1n))).toEqual({
      code: 'BOND_LOCKED',
      message: `withdrawBond: contribution 1's bond is locked until its challenge window closes at ${new Date(end).toISOString()}`,
    });
    withdrawBond(w.call(BOB, 0n, end), 1n);
    expect(w.balance(BOB)).toBe(BOND);
    expect(w.balance(ATTRIBUTION_ADDRESS)).toBe(0n);
    expect(readContribution(w.state, 1n)).toMatchObject({
      status: Status.accepted,
      bondStatus: BondStatus.withdrawn,
    });
    expect(w.events().at(-1)).toEqual({
      eventName: 'BondWithdrawn',
      args: { contributionId: 1n, contributor: expect.stringMatching(/^0x0{38}b0$/i), amount: BOND },
    });
    expect(refusal(() => withdrawBond(w.call(BOB, 0n, end), 1n))).toEqual({
      code: 'WRONG_STATUS',
      message: 'withdrawBond: contribution 1 has no bond to withdraw: the bond was already withdrawn',
    });
  });

  it('pays a rejected contribution’s bond back at once, whatever the block time', () => {
    const w = pendingBonded();
    // A chain whose clock starts at the epoch: the rejected contribution's acceptedAt (0) plus the
    // window is still ahead, and must not matter.
    decideContribution(w.call(OWNER, 0n, 1_000), 1n, false);
    withdrawBond(w.call(BOB, 0n, 1_000), 1n);
    expect(w.balance(BOB)).toBe(BOND);
    expect(readContribution(w.state, 1n)!.bondStatus).toBe(BondStatus.withdrawn);
  });

  it('refuses value, an unknown contribution, anyone but the contributor, a pending contribution', () => {
    const w = pendingBonded();
    expect(refusal(() => withdrawBond(w.call(BOB, 1n), 1n))).toEqual({
      code: 'UNEXPECTED_VALUE',
      message: 'withdrawBond is not payable, but 1 was sent',
    });
    expect(refusal(() => withdrawBond(w.call(BOB), 2n))).toEqual({
      code: 'UNKNOWN_CONTRIBUTION',
      message: 'unknown contribution 2',
    });
    expect(refusal(() => withdrawBond(w.call(OWNER), 1n))).toEqual({
      code: 'NOT_AUTHORIZED',
      message: `withdrawBond: only the contributor (${BOB}) may withdraw`,
    });
    expect(refusal(() => withdrawBond(w.call(BOB), 1n))).toEqual({
      code: 'BOND_LOCKED',
      message:
        'withdrawBond: contribution 1 is still pending review (withdrawContribution takes it back after the review timeout)',
    });
    expect(w.balance(BOB)).toBe(0n);
  });

  it('names why there is no bond: none posted, or burned', () => {
    const w = acceptedBonded();
    registerContribution(w.call(BOB), contribution(1n, { chunkRoot: root(9) })); // 2, no bond
    expect(refusal(() => withdrawBond(w.call(BOB), 2n))).toEqual({
      code: 'WRONG_STATUS',
      message: 'withdrawBond: contribution 2 has no bond to withdraw: no bond was posted',
    });
    flagContribution(w.call(OWNER), 1n, 1n);
    expect(refusal(() => withdrawBond(w.call(BOB, 0n, BLOCK_TIME + WINDOW_MS), 1n))).toEqual({
      code: 'WRONG_STATUS',
      message: 'withdrawBond: contribution 1 has no bond to withdraw: the bond was burned',
    });
  });
});
