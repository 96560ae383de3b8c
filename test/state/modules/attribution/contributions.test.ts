import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from '../../../../core/bytes.ts';
import { chunkFile } from '../../../../prover/index.ts';
import { ATTRIBUTION_ADDRESS } from '../../../../state/modules/attribution/abi.ts';
import { BondStatus, FlagReason, Policy, Status } from '../../../../state/modules/attribution/records.ts';
import { AttributionHarness, alice, bob, carol, ETH } from './helpers.ts';

let h: AttributionHarness;
beforeEach(async () => {
  h = await AttributionHarness.open();
});
afterEach(async () => {
  await h.close();
});

const BOND = 5n * ETH;
const text = (s: string) => utf8ToBytes(s);

async function datanet(policy: number, bond = 0n) {
  const sent = await h.send(alice, 'createDatanet', ['papers', 'ipfs://meta', 'CC-BY-4.0', policy, bond]);
  return AttributionHarness.idFrom(sent, 'DatanetCreated', 'datanetId');
}

async function contribute(from: typeof bob, datanetId: bigint, content: Uint8Array, value = 0n) {
  const sent = await h.contribute(from, datanetId, content, { value, uri: 'ipfs://file' });
  return AttributionHarness.idFrom(sent, 'ContributionAdded', 'contributionId');
}

describe('datanets', () => {
  it('creates a datanet owned by the sender, with an event and a view', async () => {
    const sent = await h.send(alice, 'createDatanet', [
      'papers',
      'ipfs://meta',
      'CC-BY-4.0',
      Policy.curated,
      BOND,
    ]);
    expect(sent.events).toEqual([
      {
        eventName: 'DatanetCreated',
        args: { datanetId: 1n, owner: expect.stringMatching(/^0x/i), policy: 1, bond: BOND, name: 'papers' },
      },
    ]);
    expect(h.view('getDatanet', [1n])).toEqual({
      id: 1n,
      owner: expect.stringMatching(new RegExp(alice.address.slice(2), 'i')),
      policy: 1,
      bond: BOND,
      name: 'papers',
      metadataURI: 'ipfs://meta',
      license: 'CC-BY-4.0',
      createdAt: BigInt(sent.time),
      earned: 0n,
    });
    expect(h.view('counts')).toEqual([1n, 0n, 0n, 0n]);
  });

  it('refuses an unknown policy, an empty name and value sent along', async () => {
    await h.fails(alice, 'createDatanet', ['x', '', '', 2, 0n], /policy must be 0 \(open\) or 1 \(curated\)/);
    await h.fails(alice, 'createDatanet', ['', '', '', 0, 0n], /name must not be empty/);
    await h.fails(alice, 'createDatanet', ['x', '', '', 0, 0n], /createDatanet is not payable/, {
      value: 1n,
    });
    await h.fails(alice, 'createDatanet', ['x'.repeat(129), '', '', 0, 0n], /name is 129 bytes, limit 128/);
  });
});

describe('contributions', () => {
  it('accepts a contribution to an open datanet at once and indexes its root', async () => {
    const id = await datanet(Policy.open);
    const content = text('open data is the best data for open models');
    const file = chunkFile(content, 16);
    const sent = await h.contribute(bob, id, content, { uri: 'ipfs://file' });
    expect(sent.events).toEqual([
      {
        eventName: 'ContributionAdded',
        args: {
          contributionId: 1n,
          datanetId: id,
          contributor: expect.stringMatching(new RegExp(bob.address.slice(2), 'i')),
          chunkRoot: file.chunkRoot,
          size: BigInt(content.length),
          status: Status.accepted,
          bond: 0n,
        },
      },
    ]);
    expect(h.view('getContribution', [1n])).toMatchObject({
      id: 1n,
      datanetId: id,
      chunkRoot: file.chunkRoot,
      size: BigInt(content.length),
      chunkSize: 16,
      uri: 'ipfs://file',
      status: Status.accepted,
      bondStatus: BondStatus.none,
      acceptedAt: BigInt(sent.time),
      earned: 0n,
    });
    expect(h.view('contributionByRoot', [file.chunkRoot])).toBe(1n);
    expect(h.view('contributionByRoot', [bytesToHex(new Uint8Array(32))])).toBe(0n);
  });

  it('rejects the same content from anyone who committed later: the earliest commit wins', async () => {
    const id = await datanet(Policy.open);
    const content = text('a file that two people want to claim as theirs');
    await contribute(bob, id, content);
    const other = await datanet(Policy.open);
    const late = await h.commit(carol, content);
    await h.advance(2);
    await h.fails(
      carol,
      h.revealData(late, other, content),
      [],
      /DUPLICATE|already registered as contribution 1/,
    );
  });

  it('refuses unknown datanets, a wrong bond, empty content and undecodable calldata', async () => {
    const id = await datanet(Policy.curated, BOND);
    const content = text('some bonded content for a curated datanet');
    const c = await h.commit(bob, content);
    await h.advance(2);
    const call = (datanetId: bigint) => h.revealData(c, datanetId, content);
    await h.fails(bob, call(99n), [], /unknown datanet 99/);
    await h.fails(bob, call(id), [], /requires a bond of 5000000000000000000, but 0 was sent/);
    await h.fails(bob, call(id), [], /requires a bond of 5000000000000000000, but 1 was sent/, { value: 1n });
    await h.fails(
      bob,
      'addContribution',
      [id, bytesToHex(new Uint8Array(32)), 0n, '', bytesToHex(new Uint8Array(32)), []],
      /size must be between 1 and/,
      { value: BOND },
    );
    const truncated = call(id).subarray(0, 40);
    await h.fails(bob, truncated, [], /cannot decode calldata of addContribution: calldata too short/, {
      value: BOND,
    });
    await h.fails(bob, Uint8Array.of(1, 2, 3, 4), [], /unknown function selector 0x01020304/);
    await h.fails(bob, Uint8Array.of(1, 2), [], /must start with a 4-byte function selector/);
    await h.fails(bob, new Uint8Array(0), [], /must start with a 4-byte function selector/, { value: 1n });
    await h.fails(bob, 'counts', [], /counts is a view: read it with eth_call/);
  });

  it('lets only the owner of a curated datanet approve or reject pending contributions', async () => {
    const id = await datanet(Policy.curated);
    const a = await contribute(bob, id, text('first pending contribution here'));
    const b = await contribute(carol, id, text('second pending contribution here'));
    expect(h.view('getContribution', [a])).toMatchObject({ status: Status.pending, acceptedAt: 0n });

    await h.fails(bob, 'approveContribution', [a], /only the owner of datanet 1/);
    await h.fails(alice, 'approveContribution', [7n], /unknown contribution 7/);
    const approved = await h.send(alice, 'approveContribution', [a]);
    expect(approved.events).toEqual([
      { eventName: 'ContributionApproved', args: { contributionId: a, datanetId: id } },
    ]);
    expect(h.view('getContribution', [a])).toMatchObject({
      status: Status.accepted,
      acceptedAt: BigInt(approved.time),
    });
    await h.fails(alice, 'approveContribution', [a], /contribution 1 is accepted, must be pending/);

    const rejected = await h.send(alice, 'rejectContribution', [b]);
    expect(rejected.events).toEqual([
      { eventName: 'ContributionRejected', args: { contributionId: b, datanetId: id } },
    ]);
    expect(h.view('getContribution', [b])).toMatchObject({ status: Status.rejected });
    await h.fails(alice, 'approveContribution', [b], /is rejected, must be pending/);

    const open = await datanet(Policy.open);
    const c = await contribute(bob, open, text('open contributions need no approval'));
    await h.fails(alice, 'approveContribution', [c], /datanet 2 is open, not curated/);
  });
});

describe('bonds and challenges', () => {
  it('burns the bond of a contribution flagged within the window, by the owner only', async () => {
    const id = await datanet(Policy.curated, BOND);
    const c = await contribute(bob, id, text('adversarial content posing as data'), BOND);
    expect(h.balance(ATTRIBUTION_ADDRESS)).toBe(BOND);
    expect(h.view('getContribution', [c])).toMatchObject({ bond: BOND, bondStatus: BondStatus.held });
    await h.fails(
      alice,
      'flagContribution',
      [c, FlagReason.adversarial],
      /contribution 1 is pending, must be accepted/,
    );
    await h.send(alice, 'approveContribution', [c]);

    await h.fails(bob, 'flagContribution', [c, FlagReason.adversarial], /only the owner of datanet 1/);
    await h.fails(alice, 'flagContribution', [c, 3], /reason must be 1 \(redundant\) or 2 \(adversarial\)/);
    await h.fails(bob, 'withdrawBond', [c], /bond is locked until its challenge window closes/);

    const ownerBefore = h.balance(alice.address);
    const flagged = await h.send(alice, 'flagContribution', [c, FlagReason.adversarial]);
    expect(flagged.events).toEqual([
      {
        eventName: 'ContributionFlagged',
        args: { contributionId: c, datanetId: id, reason: FlagReason.adversarial, bondBurned: BOND },
      },
    ]);
    // Burned: the module no longer holds it and the owner got nothing but a fee bill.
    expect(h.balance(ATTRIBUTION_ADDRESS)).toBe(0n);
    expect(h.balance(alice.address)).toBe(
      ownerBefore - flagged.receipt.gasUsed * flagged.receipt.effectiveGasPrice,
    );
    expect(h.view('getContribution', [c])).toMatchObject({
      status: Status.flagged,
      flagReason: FlagReason.adversarial,
      bondStatus: BondStatus.burned,
    });
    await h.fails(bob, 'withdrawBond', [c], /has no bond to withdraw: the bond was burned/);
  });

  it('refuses a flag after the window, and returns the bond after it', async () => {
    const id = await datanet(Policy.curated, BOND);
    const c = await contribute(bob, id, text('honest content that stays accepted'), BOND);
    await h.fails(bob, 'withdrawBond', [c], /contribution 1 is still pending review/);
    const approved = await h.send(alice, 'approveContribution', [c]);
    const afterWindow = approved.time + 60_000;

    await h.fails(
      alice,
      'flagContribution',
      [c, FlagReason.redundant],
      /challenge window of contribution 1 closed at/,
      {
        time: afterWindow,
      },
    );
    await h.fails(carol, 'withdrawBond', [c], /only the contributor/);
    const before = h.balance(bob.address);
    const withdrawn = await h.send(bob, 'withdrawBond', [c]);
    expect(withdrawn.events).toEqual([
      {
        eventName: 'BondWithdrawn',
        args: {
          contributionId: c,
          contributor: expect.stringMatching(new RegExp(bob.address.slice(2), 'i')),
          amount: BOND,
        },
      },
    ]);
    expect(h.balance(bob.address)).toBe(
      before + BOND - withdrawn.receipt.gasUsed * withdrawn.receipt.effectiveGasPrice,
    );
    expect(h.balance(ATTRIBUTION_ADDRESS)).toBe(0n);
    await h.fails(bob, 'withdrawBond', [c], /the bond was already withdrawn/);
  });

  it('returns a rejected contribution’s bond at once', async () => {
    const id = await datanet(Policy.curated, BOND);
    const c = await contribute(carol, id, text('content the curator does not want'), BOND);
    await h.send(alice, 'rejectContribution', [c]);
    await h.send(carol, 'withdrawBond', [c]);
    expect(h.view('getContribution', [c])).toMatchObject({ bondStatus: BondStatus.withdrawn });
    expect(h.balance(ATTRIBUTION_ADDRESS)).toBe(0n);
  });
});
