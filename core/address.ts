// Ethereum-style 20-byte account addresses. Internally an Address is the lowercase 0x hex string:
// it is a cheap Map key and serialises as is; checksums (EIP-55) are for display only.
import { bytesToHex, hexToBytes, utf8ToBytes } from './bytes.ts';
import { keccak256 } from './hash.ts';
import { publicKeyFromPrivate } from './secp256k1.ts';

export type Address = `0x${string}`;

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

export const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';

export function isAddress(value: unknown): value is Address {
  return typeof value === 'string' && ADDRESS_RE.test(value);
}

/** Accepts any case (checksums are not enforced, as most nodes do); throws on anything else. */
export function parseAddress(value: string): Address {
  if (!ADDRESS_RE.test(value)) throw new RangeError(`not a 20-byte hex address: ${JSON.stringify(value)}`);
  return value.toLowerCase() as Address;
}

export function addressFromBytes(bytes: Uint8Array): Address {
  if (bytes.length !== 20) throw new RangeError(`address must be 20 bytes, got ${bytes.length}`);
  return bytesToHex(bytes) as Address;
}

export function addressToBytes(address: Address): Uint8Array {
  return hexToBytes(address);
}

/** Last 20 bytes of keccak256 of the 64-byte uncompressed public key (without the 0x04 prefix). */
export function addressFromPublicKey(uncompressed65: Uint8Array): Address {
  if (uncompressed65.length !== 65 || uncompressed65[0] !== 4)
    throw new RangeError('expected a 65-byte uncompressed key');
  return addressFromBytes(keccak256(uncompressed65.subarray(1)).subarray(12));
}

export function addressFromPrivateKey(privateKey: Uint8Array): Address {
  return addressFromPublicKey(publicKeyFromPrivate(privateKey));
}

export function toChecksumAddress(address: Address): string {
  const lower = address.slice(2).toLowerCase();
  const hash = bytesToHex(keccak256(utf8ToBytes(lower))).slice(2);
  let out = '0x';
  for (let i = 0; i < 40; i++) out += Number.parseInt(hash[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i];
  return out;
}
