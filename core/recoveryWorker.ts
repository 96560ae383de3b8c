// Worker thread of core/senderRecovery.ts: recovers the addresses for a packed batch of
// (signing hash, r, s, y parity) with the same backend selection as the main thread.
import { parentPort } from 'node:worker_threads';
import { addressFromPublicKey, addressToBytes } from './address.ts';
import { secp256k1Backend } from './secp256k1.ts';
import { REQUEST_BYTES, RESPONSE_BYTES } from './senderRecovery.ts';

parentPort!.on('message', ({ job, request }: { job: number; request: Uint8Array }) => {
  const count = request.length / REQUEST_BYTES;
  const results = new Uint8Array(count * RESPONSE_BYTES);
  for (let i = 0; i < count; i++) {
    const at = i * REQUEST_BYTES;
    try {
      const publicKey = secp256k1Backend.recover(
        request.subarray(at, at + 32),
        request.subarray(at + 32, at + 96),
        request[at + 96]!,
      );
      results[i * RESPONSE_BYTES] = 1;
      results.set(addressToBytes(addressFromPublicKey(publicKey)), i * RESPONSE_BYTES + 1);
    } catch {
      // results[i] stays 0: no key recovers
    }
  }
  parentPort!.postMessage({ job, results }, [results.buffer]);
});
