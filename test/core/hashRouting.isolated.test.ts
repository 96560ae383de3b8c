// Which implementation hashes what (core/hash.ts): short sha256 inputs go to the WASM build and from
// 512 bytes to node:crypto (OpenSSL's SHA extensions); parts shorter than 512 bytes in all are joined
// and given to the WASM hasher in one update, longer ones part by part. Every route gives the same
// digest (hash.test.ts), so only the calls show the route: both libraries are wrapped to count them.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ sha256Updates: [] as number[], keccakUpdates: [] as number[], native: 0 }));

vi.mock('hash-wasm', async (importOriginal) => {
  const real = await importOriginal<typeof import('hash-wasm')>();
  const counted = (hasher: import('hash-wasm').IHasher, updates: number[]) => ({
    ...hasher,
    update(data: Uint8Array) {
      updates.push(data.length);
      hasher.update(data);
      return this;
    },
  });
  return {
    ...real,
    createSHA256: async () => counted(await real.createSHA256(), calls.sha256Updates),
    createKeccak: async (bits?: 224 | 256 | 384 | 512) =>
      counted(await real.createKeccak(bits), calls.keccakUpdates),
  };
});

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    createHash: (...args: Parameters<typeof real.createHash>) => {
      calls.native++;
      return real.createHash(...args);
    },
  };
});

const { keccak256Concat, sha256, sha256Concat } = await import('../../core/hash.ts');

const bytes = (n: number) => new Uint8Array(n).map((_, i) => i);

beforeEach(() => {
  calls.sha256Updates.length = 0;
  calls.keccakUpdates.length = 0;
  calls.native = 0;
});

describe('hash routes', () => {
  it('sha256: WASM below 512 bytes, node:crypto from 512', () => {
    sha256(bytes(511));
    expect(calls).toMatchObject({ sha256Updates: [511], native: 0 });
    calls.sha256Updates.length = 0;
    sha256(bytes(512));
    expect(calls).toMatchObject({ sha256Updates: [], native: 1 });
  });

  it('sha256Concat: parts below 512 bytes in all are one WASM update; from 512, node:crypto', () => {
    sha256Concat(bytes(1), bytes(255), bytes(255));
    expect(calls).toMatchObject({ sha256Updates: [511], native: 0 });
    calls.sha256Updates.length = 0;
    sha256Concat(bytes(1), bytes(255), bytes(256));
    expect(calls).toMatchObject({ sha256Updates: [], native: 1 });
  });

  it('keccak256Concat: parts below 512 bytes in all are one WASM update; from 512, each part is fed', () => {
    keccak256Concat(bytes(1), bytes(255), bytes(255));
    expect(calls.keccakUpdates).toEqual([511]);
    calls.keccakUpdates.length = 0;
    keccak256Concat(bytes(1), bytes(255), bytes(256));
    expect(calls.keccakUpdates).toEqual([1, 255, 256]);
    expect(calls.native).toBe(0);
  });
});
