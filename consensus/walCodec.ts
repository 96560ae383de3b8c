// WAL records as protobuf (p2p/proto/openchain.proto, message WalRecord). Votes and blocks are
// carried as their canonical RLP bytes, the same bytes that are signed and gossiped. Decoded bytes
// are copied out of protobufjs's Buffers so that records compare equal to what was written.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { decodeBlock, encodeBlock } from '../core/block.ts';
import { bytesToHex, type Hex, hexToBytes } from '../core/bytes.ts';
import { DecodeError } from '../core/errors.ts';
import { decodeVote, encodeVote, type Vote } from '../core/vote.ts';
import type { TimeoutStep } from './config.ts';
import type { TimeoutInfo } from './machine.ts';
import type { Proposal } from './proposal.ts';

export type WalEntry =
  | { readonly kind: 'proposal'; readonly proposal: Proposal }
  | { readonly kind: 'vote'; readonly vote: Vote }
  | { readonly kind: 'timeout'; readonly timeout: TimeoutInfo }
  /** A block of `height` was checked: valid, or invalid for every node (never a local failure). */
  | { readonly kind: 'verdict'; readonly height: number; readonly hash: Hex; readonly valid: boolean }
  /** Everything of this height is committed: replay starts after the last marker. */
  | { readonly kind: 'endHeight'; readonly height: number };

const root = protobuf.loadSync(fileURLToPath(new URL('../p2p/proto/openchain.proto', import.meta.url)));
const WalRecord = root.lookupType('openchain.v1.WalRecord');

const STEP_CODES: Record<TimeoutStep, number> = { propose: 1, prevote: 2, precommit: 3, commit: 4 };
const STEPS = new Map(Object.entries(STEP_CODES).map(([step, code]) => [code, step as TimeoutStep]));

export function encodeWalEntry(entry: WalEntry): Uint8Array {
  let record: Record<string, unknown>;
  switch (entry.kind) {
    case 'proposal': {
      const p = entry.proposal;
      record = {
        proposal: {
          height: p.height,
          round: p.round,
          polRound: p.polRound,
          block: encodeBlock(p.block),
          signature: p.signature,
        },
      };
      break;
    }
    case 'vote':
      record = { vote: { vote: encodeVote(entry.vote) } };
      break;
    case 'timeout':
      record = { timeout: { ...entry.timeout, step: STEP_CODES[entry.timeout.step] } };
      break;
    case 'endHeight':
      record = { endHeight: { height: entry.height } };
      break;
    case 'verdict':
      record = { verdict: { height: entry.height, blockHash: hexToBytes(entry.hash), valid: entry.valid } };
      break;
  }
  return WalRecord.encode(WalRecord.create(record)).finish();
}

interface DecodedRecord {
  record?: 'proposal' | 'vote' | 'timeout' | 'endHeight' | 'verdict';
  proposal?: { height: number; round: number; polRound: number; block: Uint8Array; signature: Uint8Array };
  vote?: { vote: Uint8Array };
  timeout?: { height: number; round: number; step: number };
  endHeight?: { height: number };
  verdict?: { height: number; blockHash: Uint8Array; valid: boolean };
}

/** Throws DecodeError (or a core decoding error) for bytes that are not a complete record. */
export function decodeWalEntry(bytes: Uint8Array): WalEntry {
  let r: DecodedRecord;
  try {
    r = WalRecord.toObject(WalRecord.decode(bytes), {
      longs: Number,
      oneofs: true,
      defaults: true,
    }) as DecodedRecord;
  } catch (err) {
    throw new DecodeError(`malformed WAL record: ${(err as Error).message}`);
  }
  switch (r.record) {
    case 'proposal': {
      const p = r.proposal!;
      return {
        kind: 'proposal',
        proposal: {
          height: p.height,
          round: p.round,
          polRound: p.polRound,
          block: decodeBlock(new Uint8Array(p.block)),
          signature: new Uint8Array(p.signature),
        },
      };
    }
    case 'vote':
      return { kind: 'vote', vote: decodeVote(new Uint8Array(r.vote!.vote)) };
    case 'timeout': {
      const step = STEPS.get(r.timeout!.step);
      if (!step) throw new DecodeError(`WAL timeout with unknown step ${r.timeout!.step}`);
      return { kind: 'timeout', timeout: { height: r.timeout!.height, round: r.timeout!.round, step } };
    }
    case 'endHeight':
      return { kind: 'endHeight', height: r.endHeight!.height };
    case 'verdict': {
      const v = r.verdict!;
      if (v.blockHash.length !== 32)
        throw new DecodeError(`WAL verdict with a ${v.blockHash.length}-byte hash`);
      return {
        kind: 'verdict',
        height: v.height,
        hash: bytesToHex(new Uint8Array(v.blockHash)),
        valid: v.valid,
      };
    }
    default:
      throw new DecodeError('WAL record of unknown kind');
  }
}

/** The height a record belongs to. */
export function walEntryHeight(entry: WalEntry): number {
  switch (entry.kind) {
    case 'proposal':
      return entry.proposal.height;
    case 'vote':
      return entry.vote.height;
    case 'timeout':
      return entry.timeout.height;
    case 'endHeight':
    case 'verdict':
      return entry.height;
  }
}
