// Block headers and bodies: round trips, the block hash committing to every header field, and
// rejection of malformed encodings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Block,
  blockHash,
  decodeBlock,
  decodeHeader,
  encodeBlock,
  encodedBlockLength,
  encodeHeader,
  evidenceListHash,
  type Header,
  headerFields,
  txRoot,
  ZERO_HASH,
} from '../../core/block.ts';
import { bytesToHex, type Hex } from '../../core/bytes.ts';
import { duplicateVoteEvidence, type Evidence, encodeEvidence, evidenceFields } from '../../core/evidence.ts';
import { keccak256 } from '../../core/hash.ts';
import { merkleRoot } from '../../core/merkle.ts';
import { type RlpInput, rlpEncode } from '../../core/rlp.ts';
import { commitFields, PRECOMMIT, PREVOTE, sortCommitSigs } from '../../core/vote.ts';
import {
  anyAddress,
  bytesOf,
  expectCanonicalOrRejected,
  hex32,
  mutation,
  printable,
  safeInt,
  u64,
  u256,
} from './helpers.ts';

const headerArb: fc.Arbitrary<Header> = fc.record({
  chainId: u64,
  height: safeInt,
  time: safeInt,
  parentHash: hex32,
  txRoot: hex32,
  stateRoot: hex32,
  receiptsRoot: hex32,
  logsBloom: bytesOf(256),
  proposer: anyAddress,
  validatorsHash: hex32,
  nextValidatorsHash: hex32,
  lastCommitHash: hex32,
  evidenceHash: hex32,
  gasLimit: u64,
  gasUsed: u64,
  baseFeePerGas: u256,
});

const commitArb = fc.record({
  height: safeInt,
  round: safeInt,
  blockHash: hex32,
  signatures: fc
    .uniqueArray(fc.record({ validator: anyAddress, signature: bytesOf(64) }), {
      selector: (s) => s.validator,
      maxLength: 4,
    })
    .map(sortCommitSigs),
});

// Codec-level evidence: two votes that differ in block hash (signatures are not checked here).
const evidenceArb: fc.Arbitrary<Evidence> = fc
  .record({
    type: fc.constantFrom(PREVOTE, PRECOMMIT),
    height: safeInt,
    round: safeInt,
    hashes: fc.uniqueArray(fc.option(hex32, { nil: null }), { minLength: 2, maxLength: 2 }),
    validator: anyAddress,
    signatures: fc.tuple(bytesOf(64), bytesOf(64)),
  })
  .map(({ hashes: [a, b], signatures: [sa, sb], ...vote }) =>
    duplicateVoteEvidence(
      { ...vote, blockHash: a!, signature: sa },
      { ...vote, blockHash: b!, signature: sb },
    ),
  );

const blockArb: fc.Arbitrary<Block> = fc.record({
  header: headerArb,
  txs: fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 5 }),
  lastCommit: fc.option(commitArb, { nil: null }),
  evidence: fc.array(evidenceArb, { maxLength: 2 }),
});

describe('header codec and block hash', () => {
  it('decode(encode(h)) = h, and the hash is keccak256 of the encoding', () => {
    fc.assert(
      fc.property(headerArb, (header) => {
        const encoded = encodeHeader(header);
        expect(printable(decodeHeader(encoded))).toEqual(printable(header));
        expect(blockHash(header)).toBe(bytesToHex(keccak256(encoded)));
      }),
      { numRuns: 300 },
    );
  });

  it('the block hash commits to every header field', () => {
    const header = fc.sample(headerArb, { numRuns: 1, seed: 42 })[0]!;
    const hash = blockHash(header);
    const changed = (key: keyof Header): Header[keyof Header] => {
      const value = header[key];
      if (typeof value === 'bigint') return value === 0n ? 1n : value - 1n;
      if (typeof value === 'number') return value === 0 ? 1 : value - 1;
      if (value instanceof Uint8Array) return value.map((b, i) => (i === 0 ? b ^ 1 : b));
      return `${value.slice(0, -1)}${value.endsWith('0') ? '1' : '0'}` as Hex;
    };
    const keys = Object.keys(header) as (keyof Header)[];
    expect(keys).toHaveLength(headerFields(header).length);
    for (const key of keys) expect(blockHash({ ...header, [key]: changed(key) }), key).not.toBe(hash);
  });

  const header = fc.sample(headerArb, { numRuns: 1, seed: 7 })[0]!;
  const withField = (index: number, value: RlpInput, length = 16): Uint8Array =>
    rlpEncode(
      headerFields(header)
        .map((f, i) => (i === index ? value : f))
        .slice(0, length),
    );

  it.each<[string, Uint8Array, RegExp]>([
    ['15 fields', withField(-1, 0, 15), /header: expected 16 items, got 15/],
    ['17 fields', rlpEncode([...headerFields(header), 0]), /header: expected 16 items, got 17/],
    ['a 31-byte parent hash', withField(3, new Uint8Array(31)), /header\.parentHash: expected 32 bytes/],
    ['a 255-byte logs bloom', withField(7, new Uint8Array(255)), /header\.logsBloom: expected 256 bytes/],
    ['a 19-byte proposer', withField(8, new Uint8Array(19)), /header\.proposer: expected 20 bytes/],
    [
      'a height with a leading zero',
      withField(1, Uint8Array.of(0, 1)),
      /header\.height: integer has leading zero/,
    ],
    ['a height above 2^53', withField(1, 2n ** 53n), /header\.height: integer too large/],
    ['a 9-byte gas limit', withField(13, 2n ** 64n), /header\.gasLimit: integer longer than 8 bytes/],
    ['the state root as a list', withField(5, []), /header\.stateRoot: expected a byte string/],
  ])('decodeHeader rejects %s', (_name, bytes, message) => {
    expect(() => decodeHeader(bytes)).toThrow(message);
  });
});

describe('block codec', () => {
  it('decode(encode(b)) = b, with and without a last commit and evidence; its length measured alike', () => {
    fc.assert(
      fc.property(blockArb, (block) => {
        expect(printable(decodeBlock(encodeBlock(block)))).toEqual(printable(block));
        expect(encodedBlockLength(block)).toBe(encodeBlock(block).length);
      }),
      { numRuns: 200 },
    );
  });

  const block = fc.sample(blockArb, { numRuns: 1, seed: 3 })[0]!;
  const commit = fc.sample(commitArb, { numRuns: 1, seed: 4 })[0]!;
  const parts = (): RlpInput[] => [
    headerFields(block.header),
    [...block.txs],
    [],
    block.evidence.map(evidenceFields),
  ];

  it.each<[string, () => RlpInput[], RegExp]>([
    ['3 parts', () => parts().slice(0, 3), /block: expected 4 items/],
    [
      'two last commits',
      () => [parts()[0]!, [], [commitFields(commit), commitFields(commit)], []],
      /at most one commit/,
    ],
    [
      'a transaction that is a list',
      () => [parts()[0]!, [[]], [], []],
      /block\.txs\[0\]: expected a byte string/,
    ],
    [
      'txs as a byte string',
      () => [parts()[0]!, Uint8Array.of(1), [], []],
      /block\.txs: expected an RLP list/,
    ],
    [
      'evidence of an unknown kind',
      () => [parts()[0]!, [], [], [[9, Uint8Array.of(1), Uint8Array.of(2)]]],
      /unknown evidence kind 9/,
    ],
  ])('decodeBlock rejects %s', (_name, make, message) => {
    expect(() => decodeBlock(rlpEncode(make()))).toThrow(message);
  });

  it('damaged blocks are rejected or canonical', () => {
    fc.assert(
      fc.property(
        blockArb.chain((b) => mutation(encodeBlock(b))),
        (bytes) => {
          expectCanonicalOrRejected(bytes, decodeBlock, encodeBlock);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('body commitments', () => {
  it('txRoot is the Merkle root of the raw transactions; the empty root is sha256("")', () => {
    const txs = [Uint8Array.of(1), Uint8Array.of(2, 3)];
    expect(txRoot(txs)).toBe(bytesToHex(merkleRoot(txs)));
    expect(txRoot([])).toBe('0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('evidenceListHash is keccak256 of the RLP list of evidence', () => {
    const evidence = fc.sample(evidenceArb, { numRuns: 2, seed: 5 });
    expect(evidenceListHash(evidence)).toBe(bytesToHex(keccak256(rlpEncode(evidence.map(evidenceFields)))));
    expect(evidenceListHash([])).toBe('0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347');
    // Each item is the evidence's own encoding.
    expect(bytesToHex(rlpEncode(evidenceFields(evidence[0]!)))).toBe(
      bytesToHex(encodeEvidence(evidence[0]!)),
    );
  });

  it('ZERO_HASH is 32 zero bytes', () => {
    expect(ZERO_HASH).toBe(`0x${'00'.repeat(32)}`);
  });
});
