// Worker thread of core/senderRecovery.ts: recovers the addresses for a packed batch of requests
// (r, s, y parity, and the signing hash or the raw bytes it is computed from) with the same backend
// selection as the main thread.
import { parentPort } from 'node:worker_threads';
import { addressFromPublicKey, addressToBytes } from './address.ts';
import { secp256k1Backend } from './secp256k1.ts';
import { DYNAMIC_FEE_RAW_FORM, REQUEST_HEAD_BYTES, RESPONSE_BYTES } from './senderRecovery.ts';
import { dynamicFeeSigningHash } from './tx.ts';

parentPort!.on('message', ({ job, count, request }: { job: number; count: number; request: Uint8Array }) => {
  const results = new Uint8Array(count * RESPONSE_BYTES);
  const view = new DataView(request.buffer, request.byteOffset, request.byteLength);
  for (let i = 0, at = 0; i < count; i++) {
    const head = at;
    const body = head + REQUEST_HEAD_BYTES;
    const raw = request[head + 65] === DYNAMIC_FEE_RAW_FORM;
    at = raw ? body + 4 + view.getUint32(body) : body + 32;
    try {
      const hash = raw ? dynamicFeeSigningHash(request.subarray(body + 4, at)) : request.subarray(body, at);
      const publicKey = secp256k1Backend.recover(
        hash,
        request.subarray(head, head + 64),
        request[head + 64]!,
      );
      results[i * RESPONSE_BYTES] = 1;
      results.set(addressToBytes(addressFromPublicKey(publicKey)), i * RESPONSE_BYTES + 1);
    } catch {
      // results[i] stays 0: no key recovers
    }
  }
  parentPort!.postMessage({ job, results }, [results.buffer]);
});
