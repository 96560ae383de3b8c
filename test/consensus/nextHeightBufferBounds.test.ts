// The next-height buffer on its own: what it keeps, the bounds it refuses at (count, total bytes,
// bytes per relaying peer, each exact at its limit), the proposal count per round, duplicate lookup,
// and take() handing everything back in arrival order and starting over empty.
import { describe, expect, it } from 'vitest';
import { type EarlyMessage, NextHeightBuffer } from '../../consensus/nextHeightBuffer.ts';
import { PREVOTE } from '../../core/vote.ts';
import { blockAtHeight1, makeValidators, plain, proposal, vote } from './harness/fixtures.ts';

const vals = makeValidators([1n, 1n, 1n], 'nhb');
const block = blockAtHeight1(vals.map(plain), 1);

const voteFrom = (peer: string, round = 0): EarlyMessage => ({
  kind: 'vote',
  vote: vote(vals[0]!, PREVOTE, 2, round, null),
  peer,
});
const proposalFrom = (peer: string, round: number): EarlyMessage => ({
  kind: 'proposal',
  proposal: proposal(vals[0]!, block, round),
  peer,
  receivedAt: 1,
});

const roomy = { maxMessages: 100, maxBytes: 10_000, maxBytesPerPeer: 10_000 };

describe('next-height buffer', () => {
  it('keeps messages with their size and identity', () => {
    const buf = new NextHeightBuffer(roomy);
    expect([buf.size, buf.bytes, buf.has('a')]).toEqual([0, 0, false]);
    expect(buf.add(voteFrom('p1'), 100, 'a')).toBe('kept');
    expect(buf.add(voteFrom('p2'), 30, 'b')).toBe('kept');
    expect([buf.size, buf.bytes]).toEqual([2, 130]);
    expect([buf.has('a'), buf.has('b'), buf.has('c')]).toEqual([true, true, false]);
  });

  it('a peer may hold up to exactly its byte share; others still have theirs', () => {
    const buf = new NextHeightBuffer({ ...roomy, maxBytesPerPeer: 100 });
    expect(buf.add(voteFrom('p1'), 60, 'a')).toBe('kept');
    expect(buf.add(voteFrom('p1'), 41, 'b')).toBe('peerFull');
    expect(buf.has('b')).toBe(false);
    expect(buf.add(voteFrom('p1'), 40, 'c')).toBe('kept');
    expect(buf.add(voteFrom('p1'), 1, 'd')).toBe('peerFull');
    expect(buf.add(voteFrom('p2'), 100, 'e')).toBe('kept');
    expect([buf.size, buf.bytes]).toEqual([3, 200]);
  });

  it('total bytes are bounded, exactly at the limit', () => {
    const buf = new NextHeightBuffer({ ...roomy, maxBytes: 100 });
    expect(buf.add(voteFrom('p1'), 70, 'a')).toBe('kept');
    expect(buf.add(voteFrom('p2'), 31, 'b')).toBe('full');
    expect(buf.add(voteFrom('p2'), 30, 'c')).toBe('kept');
    expect(buf.add(voteFrom('p3'), 1, 'd')).toBe('full');
    expect([buf.size, buf.bytes, buf.has('b'), buf.has('d')]).toEqual([2, 100, false, false]);
  });

  it('the message count is bounded, exactly at the limit', () => {
    const buf = new NextHeightBuffer({ ...roomy, maxMessages: 2 });
    expect(buf.add(voteFrom('p1'), 1, 'a')).toBe('kept');
    expect(buf.add(voteFrom('p2'), 1, 'b')).toBe('kept');
    expect(buf.add(voteFrom('p3'), 1, 'c')).toBe('full');
    expect(buf.size).toBe(2);
  });

  it('a refused message does not count against its peer', () => {
    const buf = new NextHeightBuffer({ maxMessages: 10, maxBytes: 100, maxBytesPerPeer: 60 });
    expect(buf.add(voteFrom('p1'), 50, 'a')).toBe('kept');
    expect(buf.add(voteFrom('p2'), 60, 'b')).toBe('full');
    // Had the refused 60 bytes been counted, p2 would have no share left.
    expect(buf.add(voteFrom('p2'), 50, 'c')).toBe('kept');
    expect(buf.bytes).toBe(100);
  });

  it('counts proposals per round, not votes', () => {
    const buf = new NextHeightBuffer(roomy);
    buf.add(proposalFrom('p1', 0), 10, 'p0a');
    buf.add(voteFrom('p1', 0), 10, 'v0');
    buf.add(proposalFrom('p2', 0), 10, 'p0b');
    buf.add(proposalFrom('p2', 1), 10, 'p1');
    expect([buf.proposalCount(0), buf.proposalCount(1), buf.proposalCount(2)]).toEqual([2, 1, 0]);
  });

  it('take() returns everything in arrival order and empties the buffer and its tallies', () => {
    const buf = new NextHeightBuffer({ maxMessages: 3, maxBytes: 300, maxBytesPerPeer: 100 });
    const messages = [proposalFrom('p1', 0), voteFrom('p2'), voteFrom('p1')];
    buf.add(messages[0]!, 50, 'a');
    buf.add(messages[1]!, 100, 'b');
    buf.add(messages[2]!, 50, 'c');
    expect(buf.take()).toEqual(messages);
    expect([buf.size, buf.bytes, buf.has('a'), buf.proposalCount(0)]).toEqual([0, 0, false, 0]);
    expect(buf.take()).toEqual([]);
    // Every bound starts over: the count, the total and each peer's share.
    expect(buf.add(voteFrom('p1'), 100, 'd')).toBe('kept');
    expect(buf.add(voteFrom('p2'), 100, 'e')).toBe('kept');
    expect(buf.add(voteFrom('p3'), 100, 'f')).toBe('kept');
    expect(buf.bytes).toBe(300);
  });
});
