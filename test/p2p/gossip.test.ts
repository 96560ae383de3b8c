import { afterEach, describe, expect, it } from 'vitest';
import type { Proposal } from '../../consensus/proposal.ts';
import type { Address } from '../../core/address.ts';
import { blockHash, encodeBlock } from '../../core/block.ts';
import { bytesToHex, type Hex } from '../../core/bytes.ts';
import { duplicateVoteEvidence, type Evidence } from '../../core/evidence.ts';
import { keccak256 } from '../../core/hash.ts';
import { encodeVote, PREVOTE, type Vote } from '../../core/vote.ts';
import { decodeTxGossip } from '../../p2p/gossip/decode.ts';
import type { GossipHandler } from '../../p2p/gossip/gossip.ts';
import { ACCEPT, reject, type Verdict } from '../../p2p/gossip/verdict.ts';
import type { P2pHost } from '../../p2p/host.ts';
import { encodeProposalMessage, encodeTxMessage } from '../../p2p/wire.ts';
import { connect, GENESIS, Hosts, makeBlocks, testChain, waitFor, waitForMesh } from './helpers.ts';

const hosts = new Hosts();
afterEach(() => hosts.stopAll());

interface Received {
  txs: Uint8Array[];
  proposals: Proposal[];
  votes: Vote[];
  evidence: Evidence[];
  from: string[];
}

function recorder(
  verdict: (kind: string, data: unknown) => Verdict = () => ACCEPT,
): GossipHandler & Received {
  const r: Received = { txs: [], proposals: [], votes: [], evidence: [], from: [] };
  const record =
    <T>(list: T[], kind: string) =>
    (item: T, from: string) => {
      list.push(item);
      r.from.push(from);
      return verdict(kind, item);
    };
  return Object.assign(r, {
    onTx: record(r.txs, 'tx'),
    onProposal: record(r.proposals, 'proposal'),
    onVote: record(r.votes, 'vote'),
    onEvidence: record(r.evidence, 'evidence'),
  });
}

const hash = (s: string): Hex => bytesToHex(keccak256(new TextEncoder().encode(s)));
const VALIDATOR: Address = '0x00000000000000000000000000000000000000bb';

function vote(blockHash: Hex | null, round = 0): Vote {
  return {
    type: PREVOTE,
    height: 5,
    round,
    blockHash,
    validator: VALIDATOR,
    signature: new Uint8Array(64).fill(7),
  };
}

function proposal(txBytes: number): Proposal {
  const { block } = makeBlocks(1, 0, txBytes)[0]!;
  return { height: 1, round: 1, polRound: 0, block, signature: new Uint8Array(64).fill(3) };
}

describe('gossip', () => {
  it('meshes three nodes in a line and delivers every topic end to end', async () => {
    const [a, b, c] = await Promise.all([hosts.start(), hosts.start(), hosts.start()]);
    const ra = recorder();
    const rb = recorder();
    const rc = recorder();
    a.gossip.start(ra);
    b.gossip.start(rb);
    c.gossip.start(rc);
    await connect(a, b);
    await connect(b, c);
    await waitForMesh([a, c], 'evidence', 1);
    await waitForMesh([b], 'evidence', 2);

    const p = proposal(600 * 1024);
    const ev = duplicateVoteEvidence(vote(hash('x')), vote(hash('y')));
    await a.gossip.publishTx(new Uint8Array([1, 2, 3]));
    await a.gossip.publishProposal(p);
    await a.gossip.publishVote(vote(hash('x')));
    await a.gossip.publishEvidence(ev);

    await waitFor(
      () => rc.txs.length + rc.proposals.length + rc.votes.length + rc.evidence.length === 4,
      'all four messages at the far end',
    );
    expect(rc.txs[0]).toEqual(new Uint8Array([1, 2, 3]));
    expect(rc.proposals[0]!.block.txs[0]!.length).toBe(600 * 1024);
    expect(rc.proposals[0]!.polRound).toBe(0);
    expect(encodeVote(rc.votes[0]!)).toEqual(encodeVote(vote(hash('x'))));
    expect(rc.evidence[0]).toEqual(ev);
    // C only hears it from B, its sole neighbour; A's own messages never come back to A.
    expect(new Set(rc.from)).toEqual(new Set([b.peerId]));
    expect(rb.votes).toHaveLength(1);
    expect(ra.votes).toHaveLength(0);
  });

  it('announces a proposal too large to gossip inline and each hop pulls the block', async () => {
    const chain = { ...testChain(), maxBlockTxBytes: 16 * 1024 * 1024 };
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => hosts.start({ chain })));
    const rb = recorder();
    const rc = recorder();
    a!.gossip.start(recorder());
    b!.gossip.start(rb);
    c!.gossip.start(rc);
    await connect(a!, b!);
    await connect(b!, c!);
    await waitForMesh([a!, c!], 'proposal', 1);
    await waitForMesh([b!], 'proposal', 2);

    const p = proposal(6 * 1024 * 1024);
    await a!.gossip.publishProposal(p);
    await waitFor(() => rc.proposals.length === 1, 'the proposal two hops away', 10_000);
    expect(blockHash(rc.proposals[0]!.block.header)).toBe(blockHash(p.block.header));
    expect(rc.proposals[0]!.block.txs[0]!.length).toBe(6 * 1024 * 1024);
    expect(rc.from).toEqual([b!.peerId]);
    expect(rb.proposals).toHaveLength(1);
  });

  it('judges an announced proposal by its signed header before fetching the block', async () => {
    const chain = { ...testChain(), maxBlockTxBytes: 16 * 1024 * 1024 };
    const [a, b] = await Promise.all([1, 2].map(() => hosts.start({ chain })));
    const rb = recorder();
    const headers: unknown[] = [];
    rb.checkProposalHeader = (announcement) => {
      headers.push(announcement);
      return reject('BAD_SIGNATURE: forged');
    };
    a!.gossip.start(recorder());
    b!.gossip.start(rb);
    await connect(a!, b!);
    await waitForMesh([a!, b!], 'proposal', 1);

    const p = proposal(6 * 1024 * 1024);
    await a!.gossip.publishProposal(p);
    await waitFor(() => headers.length === 1, 'the header check');
    expect(headers[0]).toMatchObject({ height: 1, round: 1, blockHash: blockHash(p.block.header) });
    // Refused before the fetch: the block never reaches the handler.
    expect(rb.proposals).toHaveLength(0);
  });

  it('keeps chains with different genesis hashes apart', async () => {
    const a = await hosts.start();
    const b = await hosts.start();
    const other = await hosts.start({ chain: testChain(hash('another genesis')) });
    const rb = recorder();
    const rOther = recorder();
    a.gossip.start(recorder());
    b.gossip.start(rb);
    other.gossip.start(rOther);
    await connect(a, b);
    await connect(a, other);
    await waitForMesh([a], 'tx', 1);

    expect(a.gossip.subscribers('tx')).toEqual([b.peerId]);
    await a.gossip.publishTx(new Uint8Array([4, 2]));
    expect(await other.gossip.publishTx(new Uint8Array([6, 6]))).toBe(0);
    await waitFor(() => rb.txs.length === 1, 'the same-chain peer');
    await new Promise((r) => setTimeout(r, 300));
    expect(rOther.txs).toHaveLength(0);
    expect(rb.txs).toHaveLength(1);
    expect(a.names.topics.tx).toBe(`/openchain/7777/${GENESIS.slice(2, 18)}/tx/1`);
  });

  it('delivers a message once however often and by whomever it is published', async () => {
    const [a, b, c] = await Promise.all([hosts.start(), hosts.start(), hosts.start()]);
    const rc = recorder();
    a.gossip.start(recorder());
    b.gossip.start(recorder());
    c.gossip.start(rc);
    await Promise.all([connect(a, c), connect(b, c), connect(a, b)]);
    await waitForMesh([a, b, c], 'tx', 2);

    const raw = new Uint8Array([9, 9, 9]);
    await a.gossip.publishTx(raw);
    await a.gossip.publishTx(raw);
    await b.gossip.publishTx(raw);
    await waitFor(() => rc.txs.length === 1, 'first delivery');
    await new Promise((r) => setTimeout(r, 300));
    expect(rc.txs).toHaveLength(1);
  });

  it('delivers a vote again when its signer deliberately re-sends it (consensus liveness)', async () => {
    const [a, b] = await Promise.all([hosts.start(), hosts.start()]);
    const rb = recorder();
    a.gossip.start(recorder());
    b.gossip.start(rb);
    await connect(a, b);
    await waitForMesh([a, b], 'vote', 1);
    const v = vote(hash('again'));
    await a.gossip.publishVote(v);
    await waitFor(() => rb.votes.length === 1, 'first delivery');
    await a.gossip.publishVote(v);
    await waitFor(() => rb.votes.length === 2, 're-sent delivery');
  });

  it('publishes to nobody without throwing, and refuses to publish an oversized message', async () => {
    const a = await hosts.start();
    expect(await a.gossip.publishVote(vote(null))).toBe(0);
    await expect(a.gossip.publishTx(new Uint8Array(testChain().maxTxBytes + 1024))).rejects.toMatchObject({
      code: 'OVERSIZED',
    });
  });

  it('rejects malformed, oversized and invalid messages, lowers the sender score and bans it', async () => {
    const receiver = await hosts.start();
    const bad = await hosts.start();
    const good = await hosts.start();
    const r = recorder((kind, data) =>
      kind === 'tx' && (data as Uint8Array)[0] === 0xff ? reject('bad tx') : ACCEPT,
    );
    receiver.gossip.start(r);
    bad.gossip.start(recorder());
    good.gossip.start(recorder());
    await connect(bad, receiver);
    await connect(good, receiver);
    await waitForMesh([receiver], 'tx', 2);
    await waitForMesh([bad, good], 'tx', 1);
    const raw = bad.libp2p.services.pubsub;
    const score = (h: P2pHost) => receiver.peers().find((p) => p.id === h.peerId)?.score ?? 0;

    // 1: undecodable protobuf on the vote topic (field 1 announced as 100 bytes, 2 present).
    await raw.publish(bad.names.topics.vote, new Uint8Array([0x0a, 100, 1, 2]));
    await waitFor(() => score(bad) < 0, 'score drop after a malformed message');
    const afterOne = score(bad);
    // 2: a transaction the handler rejects; the handler saw it, the score fell further.
    await raw.publish(bad.names.topics.tx, encodeTxMessage(new Uint8Array([0xff, 1])));
    await waitFor(() => score(bad) < afterOne, 'score drop after a rejected transaction');
    expect(r.txs).toHaveLength(1);
    // 3: oversized for its topic (never reaches the handler) -> below the graylist: disconnected.
    await raw.publish(bad.names.topics.tx, encodeTxMessage(new Uint8Array(testChain().maxTxBytes + 512)));
    await waitFor(() => !receiver.peers().some((p) => p.id === bad.peerId), 'bad peer disconnected', 5_000);
    expect(r.txs).toHaveLength(1);
    expect(r.votes).toHaveLength(0);
    expect(receiver.peerManager.isBanned(bad.peerId)).toBe(true);
    // Banned both ways: our dials are refused, and its handshakes are dropped.
    await expect(connect(receiver, bad)).rejects.toThrow();
    await connect(bad, receiver).catch(() => {});
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.peers().some((p) => p.id === bad.peerId)).toBe(false);

    // The receiver carries on with the honest peer.
    expect(score(good)).toBeGreaterThanOrEqual(0);
    await good.gossip.publishVote(vote(hash('still working')));
    await waitFor(() => r.votes.length === 1, 'a vote from the honest peer');
    expect(receiver.peers().map((p) => p.id)).toEqual([good.peerId]);
  });

  it('refuses a relayed proposal whose body was swapped under the genuine header, and still takes the genuine one', async () => {
    const receiver = await hosts.start();
    const relay = await hosts.start();
    const proposer = await hosts.start();
    const r = recorder();
    receiver.gossip.start(r);
    relay.gossip.start(recorder());
    proposer.gossip.start(recorder());
    await connect(relay, receiver);
    await connect(proposer, receiver);
    await waitForMesh([receiver], 'proposal', 2);
    await waitForMesh([relay, proposer], 'proposal', 1);
    const score = (h: P2pHost) => receiver.peers().find((p) => p.id === h.peerId)?.score ?? 0;
    const genuine = proposal(6);
    // Same header, so the same block hash the signature covers; other transactions.
    const forged = { ...genuine.block, txs: [...genuine.block.txs, new Uint8Array([1, 2, 3])] };
    expect(blockHash(forged.header)).toBe(blockHash(genuine.block.header));
    await relay.libp2p.services.pubsub.publish(
      relay.names.topics.proposal,
      encodeProposalMessage({
        ...genuine,
        block: encodeBlock(forged),
        blockHash: new Uint8Array(0),
        nonce: 1,
      }),
    );
    await waitFor(() => score(relay) < 0, 'score drop after a proposal with a swapped body');
    expect(r.proposals).toHaveLength(0);
    await proposer.gossip.publishProposal(genuine);
    await waitFor(() => r.proposals.length === 1, 'the genuine proposal');
    expect(r.proposals[0]!.block.txs).toEqual(genuine.block.txs);
  });

  it('neither forwards nor penalizes what the handler ignores', async () => {
    const [a, b, c] = await Promise.all([hosts.start(), hosts.start(), hosts.start()]);
    const rb = recorder(() => ({ result: 'ignore', reason: 'old height' }));
    const rc = recorder();
    a.gossip.start(recorder());
    b.gossip.start(rb);
    c.gossip.start(rc);
    await connect(a, b);
    await connect(b, c);
    await waitForMesh([a, c], 'vote', 1);
    await waitForMesh([b], 'vote', 2);
    for (let i = 0; i < 5; i++) await a.gossip.publishVote(vote(hash(`v${i}`)));
    await waitFor(() => rb.votes.length === 5, 'five ignored votes');
    await new Promise((r) => setTimeout(r, 1_100));
    expect(rc.votes).toHaveLength(0);
    expect(b.peers().find((p) => p.id === a.peerId)!.score).toBeGreaterThanOrEqual(0);
  });

  it('gossips transactions published close together as one batch, judged as a whole', async () => {
    const [a, b] = await Promise.all([hosts.start(), hosts.start()]);
    const rb = recorder((kind, data) =>
      kind === 'tx' && (data as Uint8Array)[0] === 0xff ? reject('bad tx') : ACCEPT,
    );
    a.gossip.start(recorder());
    b.gossip.start(rb);
    await connect(a, b);
    await waitForMesh([a, b], 'tx', 1);
    let messages = 0;
    b.libp2p.services.pubsub.addEventListener('gossipsub:message', (e) => {
      if (e.detail.msg.topic === b.names.topics.tx) messages++;
    });
    const score = () => b.peers().find((p) => p.id === a.peerId)?.score ?? 0;

    // Three transactions within the batching window: one message, each handed to the handler.
    const sent = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]), new Uint8Array([6])];
    const recipients = await Promise.all(sent.map((raw) => a.gossip.publishTx(raw)));
    expect(recipients).toEqual([1, 1, 1]);
    await waitFor(() => rb.txs.length === 3, 'the batch');
    expect(rb.txs).toEqual(sent);
    expect(messages).toBe(1);
    expect(score()).toBeGreaterThanOrEqual(0);

    // A batch holding one transaction invalid for everyone is rejected: its sender loses score.
    await Promise.all([
      a.gossip.publishTx(new Uint8Array([7])),
      a.gossip.publishTx(new Uint8Array([0xff, 1])),
    ]);
    await waitFor(() => rb.txs.length === 5, 'the second batch');
    expect(messages).toBe(2);
    await waitFor(() => score() < 0, 'score drop after a batch with a rejected transaction');
  });

  it('sends a transaction after a quiet batch window at once, and batches those that follow it', async () => {
    // A window no test outlasts: what is sent at once cannot have waited for its end.
    const [a, b] = await Promise.all([hosts.start({ txBatchMs: 3_600_000 }), hosts.start()]);
    const rb = recorder();
    a.gossip.start(recorder());
    b.gossip.start(rb);
    await connect(a, b);
    await waitForMesh([a, b], 'tx', 1);
    const batches: number[] = [];
    b.libp2p.services.pubsub.addEventListener('gossipsub:message', (e) => {
      if (e.detail.msg.topic === b.names.topics.tx) batches.push(decodeTxGossip(e.detail.msg.data).length);
    });

    // Two submitted in one turn share the message that leaves at once.
    const first = [a.gossip.publishTx(new Uint8Array([1])), a.gossip.publishTx(new Uint8Array([2]))];
    await waitFor(() => rb.txs.length === 2, 'the transactions of a quiet window');
    expect(await Promise.all(first)).toEqual([1, 1]);
    // Within the window the next ones wait for its end (here: the flush when gossip stops).
    const next = [a.gossip.publishTx(new Uint8Array([3])), a.gossip.publishTx(new Uint8Array([4]))];
    await new Promise((r) => setTimeout(r, 300));
    expect(rb.txs).toHaveLength(2);
    a.gossip.stop();
    expect(await Promise.all(next)).toEqual([1, 1]);
    await waitFor(() => rb.txs.length === 4, 'the batch flushed on stop');
    expect(batches).toEqual([2, 2]);
    expect(rb.txs).toEqual([1, 2, 3, 4].map((x) => new Uint8Array([x])));
  });
});
