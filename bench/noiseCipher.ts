// The cost of one noise transport frame, sealed and opened, with libp2p-noise's default ciphers
// (node:crypto handed the raw key bytes from 1,200 bytes on) against p2p/noiseCrypto.ts (the key as
// a KeyObject), alternating per round on this thread's CPU clock. Every gossip message, sync answer
// and yamux frame a validator sends or receives pays this once per frame.
//
//   node bench/noiseCipher.ts [--rounds 4] [--frames 5000]
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { ICryptoInterface } from '@chainsafe/libp2p-noise';
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import { noiseCrypto } from '../p2p/noiseCrypto.ts';

const SIZES = [1_500, 16_000, 65_519];

/** µs of this thread's CPU per frame sealed and opened again. */
function frameUs(crypto: ICryptoInterface, size: number, frames: number): number {
  const k = new Uint8Array(randomBytes(32));
  const nonce = new Uint8Array(12);
  const ad = new Uint8Array(0);
  const plain = new Uint8Array(randomBytes(size));
  const start = process.threadCpuUsage();
  for (let i = 0; i < frames; i++) {
    const sealed = crypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k);
    crypto.chaCha20Poly1305Decrypt(sealed.subarray(), nonce, ad, k);
  }
  const used = process.threadCpuUsage(start);
  return (used.user + used.system) / frames;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, frames: { type: 'string' } } });
  const rounds = Number(values.rounds ?? 4);
  const frames = Number(values.frames ?? 5000);
  console.log(`noise frame seal+open, µs of thread CPU; load ${loadavg()[0]!.toFixed(2)}`);
  for (const size of SIZES) {
    frameUs(defaultCrypto, size, 500);
    frameUs(noiseCrypto, size, 500);
    const a: string[] = [];
    const b: string[] = [];
    for (let r = 0; r < rounds; r++) {
      a.push(frameUs(defaultCrypto, size, frames).toFixed(1));
      b.push(frameUs(noiseCrypto, size, frames).toFixed(1));
    }
    console.log(`${size} bytes: default ${a.join(' / ')}; KeyObject ${b.join(' / ')}`);
  }
  console.log(`load ${loadavg()[0]!.toFixed(2)}`);
}
