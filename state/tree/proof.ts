// State proofs (docs/state-tree.md, "Proofs"): the sibling hashes on a key's path down to the first
// subtree that is empty or a single leaf, plus that leaf. verifyProof is pure and standalone so a
// light client can check an RPC answer with nothing but a trusted state root.
import { bytesToHex, type Hex, hexToBytes } from '../../core/bytes.ts';
import { DecodeError } from '../../core/errors.ts';
import { asBytes, asList, rlpDecode, rlpEncode } from '../../core/rlp.ts';
import {
  EMPTY_HASH,
  equalHash,
  HASH_LENGTH,
  internalHash,
  isEmptyHash,
  KEY_BITS,
  KEY_LENGTH,
  keyBit,
  leafHash,
  valueHash,
} from './hash.ts';

export interface ProofLeaf {
  readonly key: Uint8Array;
  readonly valueHash: Uint8Array;
}

export interface StateProof {
  /** Sibling hashes from the root down: siblings[d] is the sibling of the path node at depth d + 1. */
  readonly siblings: readonly Uint8Array[];
  /** The leaf where the path ends, or null if it ends in an empty subtree. */
  readonly leaf: ProofLeaf | null;
}

// A type alias rather than an interface, so that it is assignable to JSON value types.
export type StateProofJson = {
  siblings: Hex[];
  leaf: { key: Hex; valueHash: Hex } | null;
};

/**
 * Whether `proof` shows that, in the tree with this root, `key` holds `value` (inclusion) or, with
 * value undefined, holds nothing (absence). Accepts the proof decoded or as canonical bytes, and
 * returns false for anything malformed: it never throws.
 */
export function verifyProof(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: StateProof | Uint8Array,
): boolean {
  const p = proof instanceof Uint8Array ? tryDecodeProof(proof) : proof;
  if (!isHashBytes(root) || !(key instanceof Uint8Array) || key.length !== KEY_LENGTH) return false;
  if (value !== undefined && !(value instanceof Uint8Array)) return false;
  if (!p || !isWellFormed(p)) return false;
  const { siblings, leaf } = p;
  if (value === undefined) {
    // Absent: the path ends in an empty subtree, or in another key's leaf that sits where ours would.
    if (leaf && (equalHash(leaf.key, key) || !sharesPrefix(leaf.key, key, siblings.length))) return false;
  } else if (!leaf || !equalHash(leaf.key, key) || !equalHash(leaf.valueHash, valueHash(value))) {
    return false;
  }
  let hash = leaf ? leafHash(leaf.key, leaf.valueHash) : EMPTY_HASH;
  for (let depth = siblings.length - 1; depth >= 0; depth--) {
    const sibling = siblings[depth]!;
    hash = keyBit(key, depth) ? internalHash(sibling, hash) : internalHash(hash, sibling);
  }
  return equalHash(hash, root);
}

function isHashBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_LENGTH;
}

// Checks the shape of a proof that may come from untrusted JavaScript, not only from decodeProof.
function isWellFormed(proof: StateProof): boolean {
  if (typeof proof !== 'object' || proof === null) return false;
  const { siblings, leaf } = proof;
  if (!Array.isArray(siblings) || siblings.length > KEY_BITS || !siblings.every(isHashBytes)) return false;
  if (leaf === null) return true;
  return typeof leaf === 'object' && isHashBytes(leaf.key) && isHashBytes(leaf.valueHash);
}

function sharesPrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let depth = 0; depth < bits; depth++) if (keyBit(a, depth) !== keyBit(b, depth)) return false;
  return true;
}

/**
 * Canonical bytes: RLP [siblings, leaf], where each sibling is its 32 bytes or the empty string for
 * an empty subtree, and leaf is [key, valueHash] or the empty list.
 */
export function encodeProof(proof: StateProof): Uint8Array {
  return rlpEncode([
    proof.siblings.map((s) => (isEmptyHash(s) ? new Uint8Array(0) : s)),
    proof.leaf ? [proof.leaf.key, proof.leaf.valueHash] : [],
  ]);
}

/** Inverse of encodeProof; throws DecodeError on anything encodeProof would not produce. */
export function decodeProof(bytes: Uint8Array): StateProof {
  const [rawSiblings, rawLeaf] = asList(rlpDecode(bytes, 'state proof'), 'state proof', 2);
  const siblingItems = asList(rawSiblings, 'state proof siblings');
  if (siblingItems.length > KEY_BITS) throw new DecodeError(`state proof has more than ${KEY_BITS} siblings`);
  const siblings = siblingItems.map((item, i) => {
    const sibling = asBytes(item, `state proof sibling ${i}`);
    if (sibling.length === 0) return new Uint8Array(HASH_LENGTH);
    if (sibling.length !== HASH_LENGTH || isEmptyHash(sibling)) {
      throw new DecodeError(`state proof sibling ${i}: expected 32 bytes or empty (for the empty hash)`);
    }
    return sibling;
  });
  const leafItems = asList(rawLeaf, 'state proof leaf');
  if (leafItems.length === 0) return { siblings, leaf: null };
  if (leafItems.length !== 2) throw new DecodeError('state proof leaf: expected [key, valueHash] or []');
  return {
    siblings,
    leaf: {
      key: asBytes(leafItems[0], 'state proof leaf key', KEY_LENGTH),
      valueHash: asBytes(leafItems[1], 'state proof leaf value hash', HASH_LENGTH),
    },
  };
}

function tryDecodeProof(bytes: Uint8Array): StateProof | undefined {
  try {
    return decodeProof(bytes);
  } catch {
    return undefined;
  }
}

/** The JSON form an RPC method returns: every hash as 0x-prefixed hex, empty ones included. */
export function proofToJson(proof: StateProof): StateProofJson {
  return {
    siblings: proof.siblings.map(bytesToHex),
    leaf: proof.leaf
      ? { key: bytesToHex(proof.leaf.key), valueHash: bytesToHex(proof.leaf.valueHash) }
      : null,
  };
}

/** Parses the JSON form (from an untrusted source); throws DecodeError if it is malformed. */
export function proofFromJson(json: unknown): StateProof {
  if (typeof json !== 'object' || json === null) throw new DecodeError('state proof: expected an object');
  const { siblings, leaf } = json as Record<string, unknown>;
  if (!Array.isArray(siblings) || siblings.length > KEY_BITS) {
    throw new DecodeError(`state proof siblings: expected an array of at most ${KEY_BITS} hashes`);
  }
  let parsedLeaf: ProofLeaf | null = null;
  if (leaf !== null) {
    if (typeof leaf !== 'object') throw new DecodeError('state proof leaf: expected an object or null');
    const fields = leaf as Record<string, unknown>;
    parsedLeaf = {
      key: hash32(fields.key, 'state proof leaf key'),
      valueHash: hash32(fields.valueHash, 'state proof leaf value hash'),
    };
  }
  return { siblings: siblings.map((s, i) => hash32(s, `state proof sibling ${i}`)), leaf: parsedLeaf };
}

function hash32(value: unknown, field: string): Uint8Array {
  let bytes: Uint8Array | undefined;
  try {
    bytes = typeof value === 'string' ? hexToBytes(value) : undefined;
  } catch {
    bytes = undefined;
  }
  if (bytes?.length !== HASH_LENGTH) throw new DecodeError(`${field}: expected 32 bytes of 0x-prefixed hex`);
  return bytes;
}
