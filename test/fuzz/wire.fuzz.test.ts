// Every protobuf message that crosses the wire (p2p/proto/openchain.proto through p2p/wire.ts and
// the gossip decoders) and every consensus WAL record: arbitrary bytes and mutations of valid
// encodings decode or are refused with P2pError / DecodeError / VoteError, never another exception.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { readWal, Wal } from '../../consensus/wal.ts';
import { decodeWalEntry, encodeWalEntry, type WalEntry } from '../../consensus/walCodec.ts';
import { encodeBlock } from '../../core/block.ts';
import { DecodeError } from '../../core/errors.ts';
import { duplicateVoteEvidence, encodeEvidence } from '../../core/evidence.ts';
import { encodeVote, type PRECOMMIT, PREVOTE, type Vote, VoteError } from '../../core/vote.ts';
import { P2pError } from '../../p2p/errors.ts';
import {
  decodeEvidenceGossip,
  decodeProposalGossip,
  decodeTxGossip,
  decodeVoteGossip,
} from '../../p2p/gossip/decode.ts';
import {
  decodeBlocksRequest,
  decodeBlocksResponse,
  decodeProposalBlockRequest,
  decodeProposalBlockResponse,
  decodeStatusRequest,
  decodeStatusResponse,
  encodeBlocksRequest,
  encodeBlocksResponse,
  encodeEvidenceMessage,
  encodeProposalBlockRequest,
  encodeProposalBlockResponse,
  encodeProposalMessage,
  encodeStatusRequest,
  encodeStatusResponse,
  encodeTxsMessage,
  encodeVoteMessage,
} from '../../p2p/wire.ts';
import { CHAIN_ID, encodeAll, makeBlocks } from '../p2p/helpers.ts';
import { anyBytes, budget, mutationsOf, rejectsOnlyWith, TIMEOUT_MS } from './budget.ts';

const chain = makeBlocks(2);
const [first, second] = chain as [(typeof chain)[0], (typeof chain)[0]];
const vote = (type: typeof PREVOTE | typeof PRECOMMIT, blockHash: Vote['blockHash']): Vote => ({
  type,
  height: 2,
  round: 1,
  blockHash,
  validator: '0x00000000000000000000000000000000000000aa',
  signature: new Uint8Array(64).fill(5),
});
const voteA = vote(PREVOTE, first.commit.blockHash);
const voteB = vote(PREVOTE, null);
const block = encodeBlock(second.block);
const proposal = { height: 2, round: 1, polRound: 0, block, signature: new Uint8Array(64).fill(3) };
const error = { code: 2, message: 'busy', retryAfterMs: 100 };

const ALLOWED = [{ type: P2pError }, { type: DecodeError }, { type: VoteError }];

/** Each decoder with valid encodings of its message as seeds. */
const decoders: { name: string; decode: (b: Uint8Array) => unknown; seeds: Uint8Array[] }[] = [
  {
    name: 'tx gossip',
    decode: decodeTxGossip,
    seeds: [encodeTxsMessage([new Uint8Array(40).fill(1), new Uint8Array(3)])],
  },
  { name: 'vote gossip', decode: decodeVoteGossip, seeds: [encodeVoteMessage(encodeVote(voteA), 9)] },
  {
    name: 'evidence gossip',
    decode: decodeEvidenceGossip,
    seeds: [encodeEvidenceMessage(encodeEvidence(duplicateVoteEvidence(voteA, voteB)))],
  },
  {
    name: 'proposal gossip',
    decode: (b) => decodeProposalGossip(b, CHAIN_ID),
    seeds: [
      encodeProposalMessage({ ...proposal, blockHash: new Uint8Array(0) }),
      encodeProposalMessage({ ...proposal, block: new Uint8Array(0), blockHash: new Uint8Array(32).fill(8) }),
    ],
  },
  { name: 'status request', decode: decodeStatusRequest, seeds: [encodeStatusRequest()] },
  {
    name: 'status response',
    decode: decodeStatusResponse,
    seeds: [
      encodeStatusResponse({
        status: {
          genesisHash: new Uint8Array(32),
          height: 9,
          headHash: new Uint8Array(32),
          baseHeight: 1,
          headCommit: new Uint8Array([0xc0]),
        },
      }),
      encodeStatusResponse({ error }),
    ],
  },
  {
    name: 'blocks request',
    decode: decodeBlocksRequest,
    seeds: [encodeBlocksRequest({ fromHeight: 3, count: 8, maxBytes: 1 << 20 })],
  },
  {
    name: 'blocks response',
    decode: decodeBlocksResponse,
    seeds: [encodeBlocksResponse({ blocks: encodeAll(chain) }), encodeBlocksResponse({ error })],
  },
  {
    name: 'proposal block request',
    decode: decodeProposalBlockRequest,
    seeds: [encodeProposalBlockRequest(new Uint8Array(32).fill(4))],
  },
  {
    name: 'proposal block response',
    decode: decodeProposalBlockResponse,
    seeds: [encodeProposalBlockResponse({ block }), encodeProposalBlockResponse({ error })],
  },
];

const walSeeds: WalEntry[] = [
  { kind: 'proposal', proposal: { ...proposal, block: second.block } },
  { kind: 'vote', vote: voteA },
  { kind: 'timeout', timeout: { height: 2, round: 3, step: 'prevote' } },
  { kind: 'endHeight', height: 1 },
];

describe('fuzz: wire messages', () => {
  for (const { name, decode, seeds } of decoders) {
    it(`${name}: valid seeds decode; arbitrary and mutated bytes are refused with typed errors`, {
      timeout: TIMEOUT_MS,
    }, () => {
      for (const seed of seeds) expect(() => decode(seed)).not.toThrow();
      const check = (bytes: Uint8Array) => rejectsOnlyWith(() => decode(bytes), ALLOWED);
      fc.assert(fc.property(fc.oneof(anyBytes(), mutationsOf(seeds)), check), budget(100));
    });
  }
});

describe('fuzz: consensus WAL records', () => {
  const seeds = walSeeds.map(encodeWalEntry);
  const dir = mkdtempSync(join(tmpdir(), 'openchain-walfuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records: valid seeds round-trip; arbitrary and mutated bytes are refused with DecodeError', {
    timeout: TIMEOUT_MS,
  }, () => {
    for (const seed of seeds) expect(encodeWalEntry(decodeWalEntry(seed))).toEqual(seed);
    const check = (bytes: Uint8Array) => rejectsOnlyWith(() => decodeWalEntry(bytes), ALLOWED);
    fc.assert(fc.property(fc.oneof(anyBytes(), mutationsOf(seeds)), check), budget(300));
  });

  it('files: a damaged log keeps its intact prefix and opens (the tail is cut), never throws', {
    timeout: TIMEOUT_MS,
  }, () => {
    const log = pino({ level: 'silent' });
    // A real log of the seed records, as the engine writes it.
    const path = join(dir, 'seed.wal');
    const wal = Wal.open(path, log);
    for (const entry of walSeeds) wal.write(entry);
    wal.close();
    const file = new Uint8Array(readFileSync(path));
    expect(readWal(path).entries).toHaveLength(walSeeds.length);
    let n = 0;
    fc.assert(
      fc.property(fc.oneof(mutationsOf([file]), anyBytes(256)), (bytes) => {
        const damaged = join(dir, `f${n++}.wal`);
        const fd = openSync(damaged, 'w');
        writeSync(fd, bytes);
        closeSync(fd);
        const read = readWal(damaged);
        expect(read.intact).toBeLessThanOrEqual(bytes.length);
        if (read.problem === undefined) expect(read.intact).toBe(bytes.length);
        Wal.open(damaged, log).close();
        expect(readWal(damaged).problem).toBeUndefined();
        rmSync(damaged);
      }),
      budget(40),
    );
  });
});
