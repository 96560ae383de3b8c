// A malformed block or header names the field that is wrong: a peer's bad block is logged and
// refused with that name, which is what an operator has to go on.
import { describe, expect, it } from 'vitest';
import { decodeBlock, decodeHeader, type Header, headerFields, ZERO_HASH } from '../../core/block.ts';
import { DecodeError } from '../../core/errors.ts';
import { type RlpInput, rlpEncode } from '../../core/rlp.ts';
import { expectError } from './helpers.ts';

const header: Header = {
  chainId: 1337n,
  height: 1,
  time: 1_700_000_000_000,
  parentHash: ZERO_HASH,
  txRoot: ZERO_HASH,
  stateRoot: ZERO_HASH,
  receiptsRoot: ZERO_HASH,
  logsBloom: new Uint8Array(256),
  proposer: '0x000000000000000000000000000000000000c0de',
  validatorsHash: ZERO_HASH,
  nextValidatorsHash: ZERO_HASH,
  lastCommitHash: ZERO_HASH,
  evidenceHash: ZERO_HASH,
  gasLimit: 30_000_000n,
  gasUsed: 0n,
  baseFeePerGas: 7n,
};
/** The header's fields in encoding order (docs/formats.md). */
const FIELDS = [
  'chainId',
  'height',
  'time',
  'parentHash',
  'txRoot',
  'stateRoot',
  'receiptsRoot',
  'logsBloom',
  'proposer',
  'validatorsHash',
  'nextValidatorsHash',
  'lastCommitHash',
  'evidenceHash',
  'gasLimit',
  'gasUsed',
  'baseFeePerGas',
];

/** The message of the DecodeError `decode` throws (fails if it throws anything else, or nothing). */
const refused = (decode: () => unknown): string => expectError(decode, DecodeError).message;

const blockOf = (fields: { lastCommit?: RlpInput; evidence?: RlpInput }) =>
  rlpEncode([headerFields(header), [], fields.lastCommit ?? [], fields.evidence ?? []]);

describe('block decoding errors', () => {
  it('name each header field that is not what it should be', () => {
    expect(FIELDS).toHaveLength(headerFields(header).length);
    for (const [i, name] of FIELDS.entries()) {
      const fields: RlpInput[] = headerFields(header);
      fields[i] = []; // a list where every field is a byte string
      expect(refused(() => decodeHeader(rlpEncode(fields)))).toBe(`header.${name}: expected a byte string`);
    }
  });

  it('name the header or block that is not RLP', () => {
    expect(refused(() => decodeHeader(new Uint8Array()))).toBe('malformed header: empty input');
    expect(refused(() => decodeBlock(new Uint8Array()))).toBe('malformed block: empty input');
  });

  it('name the commit and evidence lists, and the evidence item, that are malformed', () => {
    expect(refused(() => decodeBlock(blockOf({ lastCommit: new Uint8Array(1) })))).toBe(
      'block.lastCommit: expected an RLP list',
    );
    expect(refused(() => decodeBlock(blockOf({ evidence: new Uint8Array(1) })))).toBe(
      'block.evidence: expected an RLP list',
    );
    expect(refused(() => decodeBlock(blockOf({ evidence: [new Uint8Array(1)] })))).toBe(
      'block.evidence[0]: expected an RLP list',
    );
  });
});
