// What the node stores per transaction besides the consensus receipt: the facts eth_ RPC needs
// (sender, effective gas price, where the tx's logs start in the block, and why it failed). None of
// it is part of consensus: receiptsRoot commits to [status, cumulativeGasUsed, gasUsed, logs] only,
// as Ethereum's does. The failure code and message are still the same on every node, because
// execution is deterministic and they come from the same thrown error.
import { type Address, addressFromBytes, addressToBytes } from '../../core/address.ts';
import { bytesToUtf8, utf8ToBytes } from '../../core/bytes.ts';
import type { Receipt } from '../../core/receipt.ts';
import { decodeReceipt, encodeReceipt } from '../../core/receipt.ts';
import { asBigint, asBytes, asList, asSafeInt, rlpDecode, rlpEncode } from '../../core/rlp.ts';

export interface StoredReceipt extends Receipt {
  readonly from: Address;
  readonly effectiveGasPrice: bigint;
  /** Index in the block of this tx's first log (eth logIndex is block-wide). */
  readonly firstLogIndex: number;
  /** Why a failed transaction failed; empty on success. */
  readonly error: string;
  /** The failure's stable code (e.g. NOT_JAILED); empty on success. */
  readonly errorCode: string;
}

export function encodeStoredReceipt(r: StoredReceipt): Uint8Array {
  return rlpEncode([
    encodeReceipt(r),
    addressToBytes(r.from),
    r.effectiveGasPrice,
    r.firstLogIndex,
    utf8ToBytes(r.error),
    utf8ToBytes(r.errorCode),
  ]);
}

export function decodeStoredReceipt(bytes: Uint8Array): StoredReceipt {
  const f = asList(rlpDecode(bytes, 'stored receipt'), 'stored receipt', 6);
  return {
    ...decodeReceipt(asBytes(f[0], 'receipt')),
    from: addressFromBytes(asBytes(f[1], 'from', 20)),
    effectiveGasPrice: asBigint(f[2], 'effectiveGasPrice'),
    firstLogIndex: asSafeInt(f[3], 'firstLogIndex'),
    error: bytesToUtf8(asBytes(f[4], 'error')),
    errorCode: bytesToUtf8(asBytes(f[5], 'errorCode')),
  };
}
