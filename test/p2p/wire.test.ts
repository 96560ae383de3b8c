import { describe, expect, it } from 'vitest';
import { blockHash, encodeBlock } from '../../core/block.ts';
import { type Hex, hexToBytes } from '../../core/bytes.ts';
import { OpenchainError } from '../../core/errors.ts';
import { duplicateVoteEvidence, type Evidence } from '../../core/evidence.ts';
import { encodeCommit, PRECOMMIT, type Vote } from '../../core/vote.ts';
import { P2pError } from '../../p2p/errors.ts';
import { completeProposal, decodeProposalGossip, decodeTxGossip } from '../../p2p/gossip/decode.ts';
import { messageId } from '../../p2p/gossip/gossip.ts';
import { verdictFromError } from '../../p2p/gossip/verdict.ts';
import { checkBlocks } from '../../p2p/sync/client.ts';
import {
  decodeBlocksRequest,
  decodeBlocksResponse,
  decodeStatusResponse,
  encodeBlocksRequest,
  encodeBlocksResponse,
  encodeProposalMessage,
  encodeStatusResponse,
  encodeTxMessage,
  encodeTxsMessage,
  txEntryBytes,
} from '../../p2p/wire.ts';
import { CHAIN_ID, encodeAll, makeBlocks } from './helpers.ts';

describe('wire codecs', () => {
  it('carries one transaction as the single-transaction schema did, and batches of them', () => {
    const raw = new Uint8Array(200).fill(7);
    // `bytes raw = 1` encoded one transaction as tag 0x0a, length varint, bytes: so does a batch of one.
    expect(Array.from(encodeTxMessage(raw))).toEqual([0x0a, 0xc8, 0x01, ...raw]);
    const raws = [raw, new Uint8Array([1]), new Uint8Array(70_000).fill(2)];
    const message = encodeTxsMessage(raws);
    expect(decodeTxGossip(message)).toEqual(raws);
    expect(message.length).toBe(raws.reduce((n, r) => n + txEntryBytes(r.length), 0));
    expect(() => decodeTxGossip(new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'MALFORMED', message: 'no transaction' }),
    );
    expect(() => decodeTxGossip(encodeTxsMessage([raw, new Uint8Array(0)]))).toThrow(
      expect.objectContaining({ code: 'MALFORMED', message: 'empty transaction' }),
    );
  });

  it('round-trips sync messages, errors included', () => {
    const status = {
      genesisHash: new Uint8Array(32).fill(1),
      height: 2 ** 40,
      headHash: new Uint8Array(32),
      baseHeight: 1,
      headCommit: new Uint8Array([0xc4, 1, 2, 3, 4]),
    };
    expect(decodeStatusResponse(encodeStatusResponse({ status }))).toEqual({ status });
    const error = { code: 1, message: 'slow down', retryAfterMs: 250 };
    expect(decodeStatusResponse(encodeStatusResponse({ error }))).toEqual({ error });
    expect(decodeBlocksResponse(encodeBlocksResponse({ error }))).toEqual({ error });
    const blocks = encodeAll(makeBlocks(2));
    expect(decodeBlocksResponse(encodeBlocksResponse({ blocks }))).toEqual({ blocks });
    expect(decodeBlocksRequest(encodeBlocksRequest({ fromHeight: 7, count: 3, maxBytes: 0 }))).toEqual({
      fromHeight: 7,
      count: 3,
      maxBytes: 0,
    });
  });

  it('refuses truncated protobuf and heights beyond 2^53', () => {
    expect(() => decodeBlocksResponse(new Uint8Array([0x0a, 50, 1]))).toThrow(P2pError);
    const huge = encodeBlocksRequest({ fromHeight: 0, count: 1, maxBytes: 0 });
    // field 1 (from_height) = 2^60 as a varint
    const tooHigh = new Uint8Array([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, ...huge]);
    expect(() => decodeBlocksRequest(tooHigh)).toThrow(/beyond 2\^53/);
  });

  it('checks proposal envelopes against their block', () => {
    const { block } = makeBlocks(3)[2]!;
    const blockBytes = encodeBlock(block);
    const none = new Uint8Array(0);
    const ok = {
      height: 3,
      round: 2,
      polRound: 1,
      block: blockBytes,
      signature: new Uint8Array(64),
      blockHash: none,
    };
    const decoded = decodeProposalGossip(encodeProposalMessage(ok), CHAIN_ID);
    expect('proposal' in decoded && decoded.proposal.block.header.height).toBe(3);
    const bad = (p: Partial<typeof ok>, code: string, message?: string) =>
      expect(() => decodeProposalGossip(encodeProposalMessage({ ...ok, ...p }), CHAIN_ID)).toThrow(
        expect.objectContaining(message === undefined ? { code } : { code, message }),
      );
    bad({ height: 4 }, 'INCONSISTENT', 'proposal height 4 carries block 3');
    bad({ polRound: 2 }, 'INCONSISTENT', 'polRound 2 with round 2');
    bad({ polRound: -2 }, 'INCONSISTENT', 'polRound -2 with round 2');
    bad({ signature: new Uint8Array(63) }, 'MALFORMED', 'signature of 63 bytes');
    bad({ block: new Uint8Array([0xc1, 0x80]) }, 'DECODE');
    const exactlyOne = 'a proposal carries exactly one of block and block hash';
    bad({ blockHash: new Uint8Array(32) }, 'MALFORMED', exactlyOne);
    bad({ block: none }, 'MALFORMED', exactlyOne);
    bad({ block: none, blockHash: new Uint8Array(31) }, 'MALFORMED', 'block hash of 31 bytes');
    expect(() => decodeProposalGossip(encodeProposalMessage(ok), CHAIN_ID + 1n)).toThrow(
      expect.objectContaining({ code: 'INCONSISTENT', message: `block of chain ${CHAIN_ID}` }),
    );
  });

  it('completes an announced proposal only with the block it named', () => {
    const [one, two] = makeBlocks(2);
    const hash = blockHash(two!.block.header);
    const msg = {
      height: 2,
      round: 0,
      polRound: -1,
      block: new Uint8Array(0),
      signature: new Uint8Array(64),
    };
    const decoded = decodeProposalGossip(
      encodeProposalMessage({ ...msg, blockHash: hexToBytes(hash) }),
      CHAIN_ID,
    );
    if (!('announcement' in decoded)) throw new Error('expected an announcement');
    expect(decoded.announcement.blockHash).toBe(hash);
    const full = completeProposal(decoded.announcement, encodeBlock(two!.block), CHAIN_ID, hash);
    expect(full.block.header.height).toBe(2);
    const forged = { ...two!.block, header: { ...two!.block.header, time: one!.block.header.time } };
    expect(() => completeProposal(decoded.announcement, encodeBlock(forged), CHAIN_ID, hash)).toThrow(
      expect.objectContaining({
        code: 'INCONSISTENT',
        message: `block does not hash to the announced ${hash}`,
      }),
    );
  });
});

describe('proposal bodies', () => {
  /** Duplicate-vote evidence in its wire shape (the body check decodes; it does not verify). */
  function forgedEvidence(): Evidence {
    const vote = (blockHash: Hex): Vote => ({
      type: PRECOMMIT,
      height: 1,
      round: 0,
      blockHash,
      validator: `0x${'11'.repeat(20)}`,
      signature: new Uint8Array(64).fill(7),
    });
    return duplicateVoteEvidence(vote(`0x${'aa'.repeat(32)}`), vote(`0x${'bb'.repeat(32)}`));
  }

  it('refuses a block whose transactions, evidence or last commit are not the ones its header commits to', () => {
    const block = makeBlocks(2)[1]!.block;
    const msg = {
      height: 2,
      round: 0,
      polRound: -1,
      signature: new Uint8Array(64),
      blockHash: new Uint8Array(0),
    };
    const inline = (b: typeof block) =>
      decodeProposalGossip(encodeProposalMessage({ ...msg, block: encodeBlock(b) }), CHAIN_ID);
    expect(inline(block)).toHaveProperty('proposal');
    // A relay keeps the header (and so the block hash the proposer signed) and swaps the body.
    const swaps: [typeof block, RegExp][] = [
      [{ ...block, txs: [...block.txs, new Uint8Array([1, 2, 3])] }, /txRoot/],
      [{ ...block, txs: [] }, /txRoot/],
      [{ ...block, lastCommit: { ...block.lastCommit!, round: 1 } }, /lastCommitHash/],
      [{ ...block, lastCommit: null }, /lastCommitHash/],
      [{ ...block, evidence: [forgedEvidence()] }, /evidenceHash/],
    ];
    for (const [forged, why] of swaps) {
      expect(blockHash(forged.header)).toBe(blockHash(block.header));
      expect(() => inline(forged)).toThrow(
        expect.objectContaining({ code: 'INCONSISTENT', message: expect.stringMatching(why) }),
      );
      // The same when the block is fetched for an announcement of its hash.
      expect(() => completeProposal(msg, encodeBlock(forged), CHAIN_ID, blockHash(block.header))).toThrow(
        expect.objectContaining({ code: 'INCONSISTENT', message: expect.stringMatching(why) }),
      );
    }
  });
});

describe('gossip ids and verdicts', () => {
  it('derives message ids from topic and content only', () => {
    const data = new Uint8Array([1, 2, 3]);
    const id = (topic: string, d: Uint8Array) =>
      Buffer.from(messageId({ type: 'unsigned', topic, data: d })).toString('hex');
    expect(id('t', data)).toBe(id('t', Uint8Array.from(data)));
    expect(id('t', data)).not.toBe(id('u', data));
    expect(id('t', data)).toHaveLength(40);
  });

  it('maps typed errors to verdicts', () => {
    expect(verdictFromError(new P2pError('MALFORMED', 'x')).result).toBe('reject');
    expect(verdictFromError(new OpenchainError('INVALID_PROPOSAL', 'bad root')).result).toBe('reject');
    expect(verdictFromError(new OpenchainError('UNKNOWN_VALIDATOR', 'not yet')).result).toBe('ignore');
    expect(verdictFromError(new OpenchainError('ALREADY_KNOWN', 'dup'))).toEqual({
      result: 'ignore',
      reason: 'ALREADY_KNOWN: dup',
    });
    expect(verdictFromError(new TypeError('bug')).result).toBe('ignore');
  });
});

describe('sync response checks', () => {
  const chain = makeBlocks(5);
  const encoded = encodeAll(chain);

  it('accepts consecutive linked blocks with matching commits', () => {
    expect(checkBlocks(encoded.slice(1, 4), 2, CHAIN_ID).map((b) => b.block.header.height)).toEqual([
      2, 3, 4,
    ]);
  });

  it('rejects wrong heights, broken links, foreign commits and garbage', () => {
    const code = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }));
    code(() => checkBlocks(encoded.slice(1, 3), 1, CHAIN_ID));
    code(() => checkBlocks([encoded[0]!, encoded[2]!], 1, CHAIN_ID));
    code(() =>
      checkBlocks([{ block: encoded[0]!.block, commit: encodeCommit(chain[1]!.commit) }], 1, CHAIN_ID),
    );
    code(() => checkBlocks([{ block: new Uint8Array([1]), commit: encoded[0]!.commit }], 1, CHAIN_ID));
    code(() => checkBlocks(encoded.slice(0, 1), 1, CHAIN_ID + 1n));
  });
});
