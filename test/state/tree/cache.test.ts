import { describe, expect, it } from 'vitest';
import { NodeCache } from '../../../state/tree/cache.ts';

const node = (...prefix: number[]) => {
  const hash = new Uint8Array(32);
  hash.set(prefix);
  return { hash };
};

describe('NodeCache', () => {
  it('returns what it holds, and holds at most its size', () => {
    const cache = new NodeCache(4);
    const a = node(1);
    cache.set(a);
    expect(cache.get(a.hash)).toBe(a);
    for (let i = 2; i < 6; i++) cache.set(node(i));
    expect(cache.get(a.hash)).toBeUndefined();
  });

  it('keeps an entry that is read while newer ones arrive', () => {
    const cache = new NodeCache(4);
    const a = node(1);
    cache.set(a);
    for (let i = 2; i < 20; i++) {
      cache.set(node(i));
      expect(cache.get(a.hash)).toBe(a);
    }
  });

  it('does not keep an entry for a read that is not a use', () => {
    const cache = new NodeCache(4);
    const a = node(1);
    cache.set(a);
    cache.set(node(2)); // a and 2 are now the old generation
    expect(cache.get(a.hash, false)).toBe(a);
    cache.set(node(3));
    cache.set(node(4)); // the old generation is dropped
    expect(cache.get(a.hash)).toBeUndefined();
  });

  it('never returns a node for another hash with the same prefix', () => {
    const cache = new NodeCache(8);
    const a = node(7, 7, 7, 7, 1);
    const b = node(7, 7, 7, 7, 2);
    cache.set(a);
    expect(cache.get(b.hash)).toBeUndefined();
    cache.set(b);
    expect(cache.get(b.hash)).toBe(b);
    expect([a, undefined]).toContain(cache.get(a.hash));
  });

  it('rejects a size below one', () => {
    expect(() => new NodeCache(0)).toThrow(RangeError);
  });
});
