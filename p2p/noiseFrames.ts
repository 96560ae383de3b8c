// Noise transport frames written with one socket write and read without an exception per read.
// @chainsafe/libp2p-noise 17 hands the TCP layer each frame as two buffers (its 2-byte length
// prefix, then the ciphertext), and @libp2p/tcp writes every buffer with a socket write of its
// own: two system calls per frame, and on a validator nearly every gossip message is one frame.
// On the way in, noise's length decoder throws a new RangeError (stack trace captured) whenever
// fewer than two bytes are buffered, which is the end of every read: the decoder catches it as
// "wait for more bytes". Both cost per frame, not per byte; an empty block is a few dozen frames
// per connection (docs/performance.md, "Empty blocks").
//
// The library offers no option for either, so the secured connection it returns is adjusted: its
// `encrypt` (frames for one send, joined into one buffer, so one write) and its decoder's
// `lengthDecoder` (the same 16-bit big-endian length, and a RangeError made once). Both are
// internals; test/p2p/noiseFrames.test.ts counts the socket writes on a real connection and reads
// frames split at every byte, so an upgrade that moves them fails there rather than silently.
import { noise } from '@chainsafe/libp2p-noise';

/** A chunk list as the library passes it (a Uint8ArrayList): its buffers and a contiguous copy. */
interface Chunks extends Iterable<Uint8Array> {
  readonly byteLength: number;
  subarray(): Uint8Array;
}

/** The secured connection's internals this module adjusts (private in the library's types). */
interface NoiseStreamInternals {
  encrypt(chunk: Uint8Array | Chunks): Chunks;
  readonly decoder: { lengthDecoder: typeof frameLength };
}

// Made once: the decoder only asks whether it is a RangeError ("not enough bytes yet").
const NEED_MORE = new RangeError('noise length prefix incomplete');

/** The frame length in the first two bytes, big-endian; NEED_MORE while fewer are buffered. */
export function frameLength(data: Uint8Array | Omit<Chunks, 'subarray'>): number {
  if (data.byteLength < 2) throw NEED_MORE;
  if (data instanceof Uint8Array) return (data[0]! << 8) | data[1]!;
  // A list may hold the two bytes in different (or empty) buffers.
  let value = 0;
  let read = 0;
  for (const buf of data) {
    for (let i = 0; i < buf.length && read < 2; i++, read++) value = (value << 8) | buf[i]!;
    if (read === 2) break;
  }
  return value;
}

/** `encrypt` whose frames (prefix and ciphertext each) come out as one buffer: one socket write. */
function joinFrames(encrypt: NoiseStreamInternals['encrypt']): NoiseStreamInternals['encrypt'] {
  // A list's subarray() joins its buffers (a copy of a few hundred bytes per gossip message, far
  // cheaper than a system call); a plain Uint8Array is what the transport's send takes too.
  return (chunk) => encrypt(chunk).subarray() as unknown as Chunks;
}

function adjust<T extends { connection: unknown }>(secured: T): T {
  const stream = secured.connection as NoiseStreamInternals;
  stream.encrypt = joinFrames(stream.encrypt.bind(stream));
  stream.decoder.lengthDecoder = frameLength;
  return secured;
}

/** `noise(init)` whose secured connections write a frame at once and read without exceptions. */
export function noiseOneWritePerFrame(...init: Parameters<typeof noise>): ReturnType<typeof noise> {
  return (components) => {
    const encrypter = noise(...init)(components);
    const outbound = encrypter.secureOutbound.bind(encrypter);
    const inbound = encrypter.secureInbound.bind(encrypter);
    encrypter.secureOutbound = async (...args) => adjust(await outbound(...args));
    encrypter.secureInbound = async (...args) => adjust(await inbound(...args));
    return encrypter;
  };
}
