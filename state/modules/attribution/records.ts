// The module's records and their canonical RLP encodings (field order is the encoding; changing it
// is a state-breaking change). Ids are uint64 bigints, sizes and times (block ms) safe integers.
import { type Address, addressFromBytes, addressToBytes } from '../../../core/address.ts';
import { bytesToBigint, bytesToUtf8, utf8ToBytes } from '../../../core/bytes.ts';
import { DecodeError } from '../../../core/errors.ts';
import {
  asBigint,
  asBytes,
  asList,
  asSafeInt,
  type RlpItem,
  rlpDecode,
  rlpEncode,
} from '../../../core/rlp.ts';

export const Policy = { open: 0, curated: 1 } as const;
export type Policy = (typeof Policy)[keyof typeof Policy];

/**
 * withdrawn: taken back by its contributor after the review timeout; displaced: an earlier commit
 * of the same content was revealed (docs/attribution.md, "Registration").
 */
export const Status = {
  pending: 0,
  accepted: 1,
  rejected: 2,
  flagged: 3,
  withdrawn: 4,
  displaced: 5,
} as const;
export type Status = (typeof Status)[keyof typeof Status];
export const STATUS_NAMES = ['pending', 'accepted', 'rejected', 'flagged', 'withdrawn', 'displaced'] as const;

export const BondStatus = { none: 0, held: 1, withdrawn: 2, burned: 3 } as const;
export type BondStatus = (typeof BondStatus)[keyof typeof BondStatus];

export const FlagReason = { none: 0, redundant: 1, adversarial: 2 } as const;
export type FlagReason = (typeof FlagReason)[keyof typeof FlagReason];

export const Role = {
  modelOwner: 0,
  baseModelOwner: 1,
  contributor: 2,
  validator: 3,
  treasury: 4,
  /** The owner of a Datanet of the lineage, paid the uncovered pool when uncoveredToDatanets is set. */
  datanetOwner: 5,
  /** A challenger paid from the recorder's attribution bond. */
  challenger: 6,
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export interface Datanet {
  readonly owner: Address;
  readonly policy: Policy;
  /** What each contribution must send with it; held until withdrawn or burned. */
  readonly bond: bigint;
  readonly name: string;
  readonly metadataURI: string;
  readonly license: string;
  readonly createdAt: number;
}

export interface Contribution {
  readonly datanetId: bigint;
  readonly contributor: Address;
  readonly chunkRoot: Uint8Array;
  readonly size: number;
  readonly chunkSize: number;
  readonly uri: string;
  readonly status: Status;
  readonly flagReason: FlagReason;
  readonly bond: bigint;
  readonly bondStatus: BondStatus;
  readonly submittedAt: number;
  /** Block time of acceptance (the challenge window starts here); 0 while pending or if rejected. */
  readonly acceptedAt: number;
  /** Height of the commitment it was revealed from: the earlier commit of a root has priority. */
  readonly commitHeight: number;
  /** Height of the reveal (the review timeout counts from here). */
  readonly submittedHeight: number;
  /** challengeWindowSeconds in force at acceptance (0 until accepted): a flag's window. */
  readonly challengeWindowSeconds: number;
}

export interface FeeSplit {
  readonly ownerBps: number;
  readonly contributorsBps: number;
  readonly validatorsBps: number;
  readonly treasuryBps: number;
}

export interface Model {
  readonly owner: Address;
  readonly name: string;
  readonly metadataURI: string;
  /** Sorted ascending, without duplicates. */
  readonly datanetIds: readonly bigint[];
  /** 0 for a base model. */
  readonly baseModelId: bigint;
  /** Number of base models above this one. */
  readonly depth: number;
  readonly feePerInference: bigint;
  readonly feePerKiloByte: bigint;
  readonly split: FeeSplit;
  readonly createdAt: number;
  /** Share of the whole fee passed to the base model (0 for a base model), fixed at registration. */
  readonly baseShareBps: number;
}

export interface ModelStats {
  readonly inferences: bigint;
  readonly feesCharged: bigint;
}

export interface SpanRecord {
  readonly contributionId: bigint;
  readonly outputStart: number;
  readonly length: number;
  /** Output bytes this span was paid for (bytes not already covered by an earlier span). */
  readonly attributedBytes: number;
}

export interface Payout {
  readonly role: Role;
  /** The model (owner roles) or contribution (contributor role) paid for; 0 otherwise. */
  readonly refId: bigint;
  readonly recipient: Address;
  readonly amount: bigint;
}

export interface Inference {
  readonly modelId: bigint;
  readonly caller: Address;
  readonly height: number;
  readonly time: number;
  readonly fee: bigint;
  readonly outputHash: Uint8Array;
  readonly outputBytes: number;
  readonly attributedBytes: number;
  /** The model, then its base model, and so on up to the root base model. */
  readonly lineage: readonly bigint[];
  /** Datanets of the attributed contributions, sorted ascending. */
  readonly datanetIds: readonly bigint[];
  readonly spans: readonly SpanRecord[];
  readonly payouts: readonly Payout[];
}

function asEnum<T extends number>(item: RlpItem | undefined, field: string, max: number): T {
  const value = asSafeInt(item, field);
  if (value > max) throw new DecodeError(`${field}: unknown value ${value}`);
  return value as T;
}

const asAddress = (item: RlpItem | undefined, field: string) => addressFromBytes(asBytes(item, field, 20));
const asText = (item: RlpItem | undefined, field: string) => bytesToUtf8(asBytes(item, field));
const asIds = (item: RlpItem | undefined, field: string) =>
  asList(item, field).map((id, i) => asBigint(id, `${field}[${i}]`, 8));

export function encodeDatanet(d: Datanet): Uint8Array {
  return rlpEncode([
    addressToBytes(d.owner),
    d.policy,
    d.bond,
    utf8ToBytes(d.name),
    utf8ToBytes(d.metadataURI),
    utf8ToBytes(d.license),
    d.createdAt,
  ]);
}

export function decodeDatanet(bytes: Uint8Array): Datanet {
  const f = asList(rlpDecode(bytes, 'datanet'), 'datanet', 7);
  return {
    owner: asAddress(f[0], 'datanet.owner'),
    policy: asEnum(f[1], 'datanet.policy', Policy.curated),
    bond: asBigint(f[2], 'datanet.bond'),
    name: asText(f[3], 'datanet.name'),
    metadataURI: asText(f[4], 'datanet.metadataURI'),
    license: asText(f[5], 'datanet.license'),
    createdAt: asSafeInt(f[6], 'datanet.createdAt'),
  };
}

export function encodeContribution(c: Contribution): Uint8Array {
  return rlpEncode([
    c.datanetId,
    addressToBytes(c.contributor),
    c.chunkRoot,
    c.size,
    c.chunkSize,
    utf8ToBytes(c.uri),
    c.status,
    c.flagReason,
    c.bond,
    c.bondStatus,
    c.submittedAt,
    c.acceptedAt,
    c.commitHeight,
    c.submittedHeight,
    c.challengeWindowSeconds,
  ]);
}

export function decodeContribution(bytes: Uint8Array): Contribution {
  const f = asList(rlpDecode(bytes, 'contribution'), 'contribution', 15);
  return {
    datanetId: asBigint(f[0], 'contribution.datanetId', 8),
    contributor: asAddress(f[1], 'contribution.contributor'),
    chunkRoot: asBytes(f[2], 'contribution.chunkRoot', 32),
    size: asSafeInt(f[3], 'contribution.size'),
    chunkSize: asSafeInt(f[4], 'contribution.chunkSize'),
    uri: asText(f[5], 'contribution.uri'),
    status: asEnum(f[6], 'contribution.status', Status.displaced),
    flagReason: asEnum(f[7], 'contribution.flagReason', FlagReason.adversarial),
    bond: asBigint(f[8], 'contribution.bond'),
    bondStatus: asEnum(f[9], 'contribution.bondStatus', BondStatus.burned),
    submittedAt: asSafeInt(f[10], 'contribution.submittedAt'),
    acceptedAt: asSafeInt(f[11], 'contribution.acceptedAt'),
    commitHeight: asSafeInt(f[12], 'contribution.commitHeight'),
    submittedHeight: asSafeInt(f[13], 'contribution.submittedHeight'),
    challengeWindowSeconds: asSafeInt(f[14], 'contribution.challengeWindowSeconds'),
  };
}

export function encodeModel(m: Model): Uint8Array {
  const s = m.split;
  return rlpEncode([
    addressToBytes(m.owner),
    utf8ToBytes(m.name),
    utf8ToBytes(m.metadataURI),
    [...m.datanetIds],
    m.baseModelId,
    m.depth,
    m.feePerInference,
    m.feePerKiloByte,
    [s.ownerBps, s.contributorsBps, s.validatorsBps, s.treasuryBps],
    m.createdAt,
    m.baseShareBps,
  ]);
}

export function decodeModel(bytes: Uint8Array): Model {
  const f = asList(rlpDecode(bytes, 'model'), 'model', 11);
  const s = asList(f[8], 'model.split', 4).map((bps, i) => asSafeInt(bps, `model.split[${i}]`));
  return {
    owner: asAddress(f[0], 'model.owner'),
    name: asText(f[1], 'model.name'),
    metadataURI: asText(f[2], 'model.metadataURI'),
    datanetIds: asIds(f[3], 'model.datanetIds'),
    baseModelId: asBigint(f[4], 'model.baseModelId', 8),
    depth: asSafeInt(f[5], 'model.depth'),
    feePerInference: asBigint(f[6], 'model.feePerInference'),
    feePerKiloByte: asBigint(f[7], 'model.feePerKiloByte'),
    split: { ownerBps: s[0]!, contributorsBps: s[1]!, validatorsBps: s[2]!, treasuryBps: s[3]! },
    createdAt: asSafeInt(f[9], 'model.createdAt'),
    baseShareBps: asSafeInt(f[10], 'model.baseShareBps'),
  };
}

export function encodeModelStats(s: ModelStats): Uint8Array {
  return rlpEncode([s.inferences, s.feesCharged]);
}

export function decodeModelStats(bytes: Uint8Array): ModelStats {
  const f = asList(rlpDecode(bytes, 'model stats'), 'model stats', 2);
  return { inferences: asBigint(f[0], 'inferences', 8), feesCharged: asBigint(f[1], 'feesCharged') };
}

// Payout recipients recur record after record; their bytes are kept rather than re-parsed from hex.
const recipientBytes = new Map<Address, Uint8Array>();

function recipientToBytes(address: Address): Uint8Array {
  let bytes = recipientBytes.get(address);
  if (bytes === undefined) {
    bytes = addressToBytes(address);
    if (recipientBytes.size >= 4_096) recipientBytes.clear();
    recipientBytes.set(address, bytes);
  }
  return bytes;
}

export function encodeInference(r: Inference): Uint8Array {
  return rlpEncode([
    r.modelId,
    recipientToBytes(r.caller),
    r.height,
    r.time,
    r.fee,
    r.outputHash,
    r.outputBytes,
    r.attributedBytes,
    [...r.lineage],
    [...r.datanetIds],
    r.spans.map((s) => [s.contributionId, s.outputStart, s.length, s.attributedBytes]),
    r.payouts.map((p) => [p.role, p.refId, recipientToBytes(p.recipient), p.amount]),
  ]);
}

export function decodeInference(bytes: Uint8Array): Inference {
  const f = asList(rlpDecode(bytes, 'inference'), 'inference', 12);
  return {
    modelId: asBigint(f[0], 'inference.modelId', 8),
    caller: asAddress(f[1], 'inference.caller'),
    height: asSafeInt(f[2], 'inference.height'),
    time: asSafeInt(f[3], 'inference.time'),
    fee: asBigint(f[4], 'inference.fee'),
    outputHash: asBytes(f[5], 'inference.outputHash', 32),
    outputBytes: asSafeInt(f[6], 'inference.outputBytes'),
    attributedBytes: asSafeInt(f[7], 'inference.attributedBytes'),
    lineage: asIds(f[8], 'inference.lineage'),
    datanetIds: asIds(f[9], 'inference.datanetIds'),
    spans: asList(f[10], 'inference.spans').map((item, i) => {
      const s = asList(item, `inference.spans[${i}]`, 4);
      return {
        contributionId: asBigint(s[0], 'contributionId', 8),
        outputStart: asSafeInt(s[1], 'outputStart'),
        length: asSafeInt(s[2], 'length'),
        attributedBytes: asSafeInt(s[3], 'attributedBytes'),
      };
    }),
    payouts: asList(f[11], 'inference.payouts').map((item, i) => {
      const p = asList(item, `inference.payouts[${i}]`, 4);
      return {
        role: asEnum<Role>(p[0], 'role', Role.challenger),
        refId: asBigint(p[1], 'refId', 8),
        recipient: asAddress(p[2], 'recipient'),
        amount: asBigint(p[3], 'amount'),
      };
    }),
  };
}

/** An earnings total (one RLP integer). */
export function encodeAmount(amount: bigint): Uint8Array {
  return rlpEncode(amount);
}

export function decodeAmount(bytes: Uint8Array): bigint {
  // Canonical short forms read directly (earnings totals and counters are read and rewritten by
  // every inference record); anything else, valid or not, goes through the strict decoder.
  const n = bytes.length;
  const first = bytes[0]!;
  if (n === 1 && first > 0 && first < 0x80) return BigInt(first);
  if (n === 1 && first === 0x80) return 0n;
  if (first > 0x80 && first <= 0xa0 && n === first - 0x7f && bytes[1] !== 0 && (n > 2 || bytes[1]! >= 0x80))
    return bytesToBigint(bytes, 1); // no subarray: on a Buffer from the store, a view costs more than the read
  return asBigint(rlpDecode(bytes, 'amount'), 'amount');
}
