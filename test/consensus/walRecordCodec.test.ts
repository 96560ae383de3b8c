// WAL records on their own, below the file format: every kind round-trips to equal values (plain
// Uint8Arrays, not protobufjs Buffers), each record names its height, and bytes that are not a
// complete, known record are refused with a DecodeError that says what is wrong.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeWalEntry, encodeWalEntry, type WalEntry, walEntryHeight } from '../../consensus/walCodec.ts';
import { DecodeError } from '../../core/errors.ts';
import { PRECOMMIT, PREVOTE } from '../../core/vote.ts';
import { expectError } from '../core/helpers.ts';
import { blockAtHeight1, makeValidators, plain, proposal, vote } from './harness/fixtures.ts';

const vals = makeValidators([1n, 1n, 1n, 1n], 'walrec');
const block = blockAtHeight1(vals.map(plain), 1);

const root = protobuf.loadSync(fileURLToPath(new URL('../../p2p/proto/openchain.proto', import.meta.url)));
const WalRecord = root.lookupType('openchain.v1.WalRecord');
const raw = (record: Record<string, unknown>) => WalRecord.encode(WalRecord.create(record)).finish();

describe('WAL record codec', () => {
  it('every kind decodes to exactly what was encoded, with its height', () => {
    const cases: [WalEntry, number][] = [
      [{ kind: 'proposal', proposal: proposal(vals[0]!, block, 4, 2) }, 1],
      [{ kind: 'vote', vote: vote(vals[1]!, PRECOMMIT, 3, 1, `0x${'ab'.repeat(32)}`) }, 3],
      [{ kind: 'vote', vote: vote(vals[2]!, PREVOTE, 5, 0, null) }, 5],
      [{ kind: 'timeout', timeout: { height: 6, round: 0, step: 'propose' } }, 6],
      [{ kind: 'timeout', timeout: { height: 7, round: 1, step: 'prevote' } }, 7],
      [{ kind: 'timeout', timeout: { height: 8, round: 2, step: 'precommit' } }, 8],
      [{ kind: 'timeout', timeout: { height: 9, round: 3, step: 'commit' } }, 9],
      [{ kind: 'endHeight', height: 10 }, 10],
      [{ kind: 'verdict', height: 11, hash: `0x${'cd'.repeat(32)}`, valid: true }, 11],
      [{ kind: 'verdict', height: 12, hash: `0x${'ef'.repeat(32)}`, valid: false }, 12],
    ];
    for (const [entry, height] of cases) {
      const decoded = decodeWalEntry(encodeWalEntry(entry));
      expect(decoded).toStrictEqual(entry);
      expect(walEntryHeight(decoded)).toBe(height);
    }
  });

  it('decoded byte fields are plain Uint8Arrays', () => {
    const decoded = decodeWalEntry(
      encodeWalEntry({ kind: 'proposal', proposal: proposal(vals[0]!, block, 0) }),
    );
    if (decoded.kind !== 'proposal') throw new Error('expected a proposal');
    expect(Object.getPrototypeOf(decoded.proposal.signature)).toBe(Uint8Array.prototype);
  });

  it('timeout steps are stored as their fixed codes', () => {
    const steps = { propose: 1, prevote: 2, precommit: 3, commit: 4 } as const;
    for (const [step, code] of Object.entries(steps)) {
      const bytes = encodeWalEntry({ kind: 'timeout', timeout: { height: 2, round: 1, step } as never });
      expect(bytes).toEqual(raw({ timeout: { height: 2, round: 1, step: code } }));
    }
  });

  it('refuses bytes that are not a record', () => {
    expectError(
      () => decodeWalEntry(Uint8Array.of(0x0a, 0x05, 0x01)),
      DecodeError,
      /^malformed WAL record: /,
    );
  });

  it('refuses a record of no known kind', () => {
    expectError(() => decodeWalEntry(new Uint8Array(0)), DecodeError, /^WAL record of unknown kind$/);
  });

  it('refuses a timeout with an unknown step, naming it', () => {
    for (const step of [0, 5, 99]) {
      const bytes = raw({ timeout: { height: 2, round: 0, step } });
      expectError(
        () => decodeWalEntry(bytes),
        DecodeError,
        new RegExp(`^WAL timeout with unknown step ${step}$`),
      );
    }
  });

  it('refuses a verdict whose hash is not 32 bytes, naming its length', () => {
    for (const len of [0, 31, 33]) {
      const bytes = raw({ verdict: { height: 2, blockHash: new Uint8Array(len), valid: true } });
      expectError(
        () => decodeWalEntry(bytes),
        DecodeError,
        new RegExp(`^WAL verdict with a ${len}-byte hash$`),
      );
    }
  });
});
