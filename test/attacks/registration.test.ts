// Attacks on registration (issue 9), each on a real chain with real signed transactions: root
// squatting without the data, squatting with a copy then rejecting it, front-running a commit, a
// curator leaving a contribution pending forever; and every malformed reveal, refused with a stable
// code while changing nothing but the sender's fee (AttributionHarness.fails checks the state).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../core/bytes.ts';
import { chunkFile, revealCalldata } from '../../prover/index.ts';
import { Policy, Status } from '../../state/modules/attribution/records.ts';
import {
  AttributionHarness,
  alice,
  bob,
  carol,
  dave,
  ETH,
  TEST_ATTRIBUTION_PARAMS,
} from '../state/modules/attribution/helpers.ts';

const TEXT = utf8ToBytes(
  'An original essay on attribution: every byte of it was written by its author and nobody else.',
);
const ROOT = chunkFile(TEXT, TEST_ATTRIBUTION_PARAMS.chunkSize).chunkRoot;
const BOND = 2n * ETH;

let h: AttributionHarness;
beforeEach(async () => {
  h = await AttributionHarness.open();
  await h.send(alice, 'createDatanet', ['open', '', '', Policy.open, 0n]); // 1, alice's
  await h.send(carol, 'createDatanet', ['squat', '', '', Policy.curated, 0n]); // 2, the squatter's
  await h.send(alice, 'createDatanet', ['bonded', '', '', Policy.curated, BOND]); // 3, alice curates
});
afterEach(() => h.close());

const idOf = (sent: Awaited<ReturnType<AttributionHarness['sendData']>>) =>
  AttributionHarness.idFrom(sent, 'ContributionAdded', 'contributionId');

/** Reveal calldata with samples of the right count but not drawn from the content. */
function withoutData(datanetId: bigint, salt: `0x${string}`): Uint8Array {
  const garbage = new Uint8Array(TEXT.length).fill(0x41);
  const call = { datanetId, content: garbage, chunkSize: TEST_ATTRIBUTION_PARAMS.chunkSize };
  const data = revealCalldata(call, salt, [0, 1]);
  // Same arguments as the real reveal, only the root swapped for the author's.
  const fake = hexToBytes(data);
  const garbageRoot = hexToBytes(chunkFile(garbage, TEST_ATTRIBUTION_PARAMS.chunkSize).chunkRoot);
  const at = Buffer.from(fake).indexOf(Buffer.from(garbageRoot));
  fake.set(hexToBytes(ROOT), at);
  return fake;
}

describe('root squatting', () => {
  it("refuses a squatter's reveal of a root it holds no data for, and leaves the root to its author", async () => {
    // The squatter commits to the author's root under its own address, as anyone can.
    const c = await h.commit(carol, TEXT);
    await h.advance(2);
    await h.fails(
      carol,
      withoutData(2n, c.salt),
      [],
      /^BAD_POSSESSION_PROOF: .*sample 0 does not prove chunk \d+ of chunk root/,
    );
    expect(h.view('contributionByRoot', [ROOT])).toBe(0n);
    const author = await h.contribute(bob, 1n, TEXT);
    expect(h.view('contributionByRoot', [ROOT])).toBe(idOf(author));
  });

  it('frees a root its squatter registered from a copy and then rejected', async () => {
    const squat = await h.contribute(carol, 2n, TEXT); // pending in the squatter's curated Datanet
    await h.send(carol, 'rejectContribution', [idOf(squat)]);
    expect(h.view('contributionByRoot', [ROOT])).toBe(0n);
    const author = await h.contribute(bob, 1n, TEXT);
    expect(h.view('getContribution', [idOf(author)])).toMatchObject({ status: Status.accepted });
    expect(h.view('contributionByRoot', [ROOT])).toBe(idOf(author));
  });

  it('frees the root of a flagged contribution', async () => {
    const squat = await h.contribute(carol, 3n, TEXT, { value: BOND });
    await h.send(alice, 'approveContribution', [idOf(squat)]);
    await h.send(alice, 'flagContribution', [idOf(squat), 2]);
    expect(h.view('contributionByRoot', [ROOT])).toBe(0n);
    await h.contribute(bob, 1n, TEXT);
  });
});

describe('front-running', () => {
  it("gives the root to the earlier commit: a front-runner's later commit loses even if revealed first", async () => {
    const victim = await h.commit(bob, TEXT);
    // The front-runner got the file (say from the author's draft) and commits one block later.
    const runner = await h.commit(dave, TEXT);
    await h.advance(2);
    const first = await h.sendData(dave, h.revealData(runner, 1n, TEXT));
    expect(first.receipt.error).toBe('');
    const runnerId = idOf(first);
    const second = await h.sendData(bob, h.revealData(victim, 1n, TEXT));
    expect(second.receipt.error).toBe('');
    const victimId = idOf(second);
    expect(second.events.map((e) => e.eventName)).toEqual(['ContributionDisplaced', 'ContributionAdded']);
    expect(second.events[0]!.args).toEqual({ contributionId: runnerId, byContributionId: victimId });
    expect(h.view('contributionByRoot', [ROOT])).toBe(victimId);
    expect(h.view('getContribution', [runnerId])).toMatchObject({ status: Status.displaced });
    const won = h.view('getContribution', [victimId]) as { status: number; contributor: string };
    expect([won.status, won.contributor.toLowerCase()]).toEqual([Status.accepted, bob.address.toLowerCase()]);
  });

  it('refuses a later commit revealed after the earlier one: DUPLICATE_CONTENT', async () => {
    const victim = await h.commit(bob, TEXT);
    const runner = await h.commit(dave, TEXT);
    await h.advance(2);
    await h.sendData(bob, h.revealData(victim, 1n, TEXT));
    await h.fails(
      dave,
      h.revealData(runner, 1n, TEXT),
      [],
      /already registered as contribution 1, committed at height/,
    );
  });
});

describe('review timeout', () => {
  it('lets the contributor take back a contribution left pending, with its full bond, and frees its root', async () => {
    const sent = await h.contribute(bob, 3n, TEXT, { value: BOND });
    const id = idOf(sent);
    await h.fails(bob, 'withdrawContribution', [id], /under review until height/);
    await h.fails(carol, 'withdrawContribution', [id], /only the contributor/);
    await h.advance(TEST_ATTRIBUTION_PARAMS.reviewWindowBlocks);
    const before = h.balance(bob.address);
    const out = await h.send(bob, 'withdrawContribution', [id]);
    const gas = out.receipt.gasUsed * out.receipt.effectiveGasPrice;
    expect(h.balance(bob.address)).toBe(before + BOND - gas);
    expect(out.events).toEqual([
      {
        eventName: 'ContributionWithdrawn',
        args: { contributionId: id, contributor: expect.stringMatching(/^0x/i), refund: BOND },
      },
    ]);
    expect(h.view('getContribution', [id])).toMatchObject({ status: Status.withdrawn, bondStatus: 2 });
    expect(h.view('contributionByRoot', [ROOT])).toBe(0n);
    await h.fails(bob, 'withdrawContribution', [id], /is withdrawn, must be pending/);
    await h.fails(alice, 'approveContribution', [id], /is withdrawn, must be pending/);
  });
});

describe('malformed reveals', () => {
  it('refuses a reveal without a commitment', async () => {
    const call = { datanetId: 1n, content: TEXT, chunkSize: TEST_ATTRIBUTION_PARAMS.chunkSize };
    const data = hexToBytes(revealCalldata(call, bytesToHex(new Uint8Array(32)), [0, 1]));
    await h.fails(
      bob,
      data,
      [],
      /^NO_COMMITMENT: no commitment 0x[0-9a-f]{64} of \(chunkRoot, size, sender, salt\)/,
    );
  });

  it('refuses a reveal with a wrong salt, and one by another sender', async () => {
    const c = await h.commit(bob, TEXT);
    await h.advance(2);
    const call = { datanetId: 1n, content: TEXT, chunkSize: TEST_ATTRIBUTION_PARAMS.chunkSize };
    const wrongSalt = hexToBytes(revealCalldata(call, bytesToHex(new Uint8Array(32).fill(7)), [0, 1]));
    await h.fails(bob, wrongSalt, [], /^NO_COMMITMENT: no commitment 0x[0-9a-f]{64}/);
    await h.fails(carol, h.revealData(c, 1n, TEXT), [], /^NO_COMMITMENT: no commitment 0x[0-9a-f]{64}/);
    // The commitment is still there for its owner.
    await h.send(bob, 'commitContribution', [bytesToHex(new Uint8Array(32).fill(1))]);
    const ok = await h.sendData(bob, h.revealData(c, 1n, TEXT));
    expect(ok.receipt.error).toBe('');
  });

  it('refuses a reveal before the seed block and after the window', async () => {
    const c = await h.commit(bob, TEXT);
    const height = Number(h.view('commitmentHeight', [c.commitment]));
    expect(() => h.view('possessionIndices', [c.commitment, BigInt(TEXT.length)])).toThrow(
      /not in the state yet/,
    );
    const call = { datanetId: 1n, content: TEXT, chunkSize: TEST_ATTRIBUTION_PARAMS.chunkSize };
    const early = hexToBytes(revealCalldata(call, c.salt, [0, 1]));
    await h.fails(
      bob,
      early,
      [],
      new RegExp(`^REVEAL_TOO_EARLY: .*can be revealed from height ${height + 3}`),
    );
    await h.advance(TEST_ATTRIBUTION_PARAMS.revealWindowBlocks - 1);
    await h.fails(
      bob,
      h.revealData(c, 1n, TEXT),
      [],
      new RegExp(
        `^REVEAL_WINDOW_CLOSED: .*expired after height ${height + TEST_ATTRIBUTION_PARAMS.revealWindowBlocks}`,
      ),
    );
  });

  it('refuses wrong samples: another chunk, a wrong path, too few', async () => {
    const c = await h.commit(bob, TEXT);
    await h.advance(2);
    const drawn = (h.view('possessionIndices', [c.commitment, BigInt(TEXT.length)]) as bigint[]).map(Number);
    const chunks = Math.ceil(TEXT.length / TEST_ATTRIBUTION_PARAMS.chunkSize);
    const other = drawn.map((i) => (i + 1) % chunks);
    const call = { datanetId: 1n, content: TEXT, chunkSize: TEST_ATTRIBUTION_PARAMS.chunkSize };
    await h.fails(
      bob,
      hexToBytes(revealCalldata(call, c.salt, other)),
      [],
      /^BAD_POSSESSION_PROOF: .*sample 0 does not prove chunk/,
    );
    const good = h.revealData(c, 1n, TEXT);
    const tampered = good.slice();
    tampered[tampered.length - 1]! ^= 1; // the last word is the second sample's path
    await h.fails(bob, tampered, [], /^BAD_POSSESSION_PROOF: .*sample 1 does not prove chunk/);
    await h.fails(
      bob,
      'addContribution',
      [1n, ROOT, BigInt(TEXT.length), '', c.salt, []],
      /a reveal carries 2 chunk samples, got 0/,
    );
    const ok = await h.sendData(bob, good);
    expect(ok.receipt.error).toBe('');
  });

  it('refuses the same live commitment twice, and prunes expired ones as later commits come', async () => {
    const c = await h.commit(bob, TEXT);
    await h.fails(
      bob,
      'commitContribution',
      [c.commitment],
      /^DUPLICATE_COMMITMENT: .*was already made at height/,
    );
    await h.advance(TEST_ATTRIBUTION_PARAMS.revealWindowBlocks);
    expect(h.view('commitmentHeight', [c.commitment])).not.toBe(0n);
    await h.send(carol, 'commitContribution', [bytesToHex(new Uint8Array(32).fill(2))]);
    expect(h.view('commitmentHeight', [c.commitment])).toBe(0n);
    // An expired commitment may be made again.
    await h.send(bob, 'commitContribution', [c.commitment]);
  });
});
