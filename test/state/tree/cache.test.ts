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

  it('deletes an entry by its whole hash, from either generation', () => {
    const cache = new NodeCache(8);
    const a = node(1);
    const b = node(2);
    cache.set(a);
    for (let i = 3; i < 7; i++) cache.set(node(i)); // a is now in the old generation
    cache.set(b);
    cache.delete(node(1, 0, 0, 0, 9).hash); // same prefix, another hash: a stays
    cache.delete(node(2, 0, 0, 0, 9).hash); // and b, in the young generation
    expect(cache.get(a.hash, false)).toBe(a);
    expect(cache.get(b.hash, false)).toBe(b);
    cache.delete(a.hash);
    cache.delete(b.hash);
    expect(cache.get(a.hash)).toBeUndefined();
    expect(cache.get(b.hash)).toBeUndefined();
    expect(cache.size).toBe(4);
  });

  it('turns generations over by additions, so a kept entry is still promoted after deletes', () => {
    const promoted: number[] = [];
    const cache = new NodeCache<{ hash: Uint8Array }>(8, (value) => {
      promoted.push(value.hash[0]!);
      return value;
    });
    const a = node(1);
    cache.set(a);
    for (let i = 2; i < 14; i++) {
      cache.set(node(i));
      cache.delete(node(i).hash); // the young generation never holds more than a and one other
      expect(cache.get(a.hash)).toBe(a);
    }
    // A turnover every 4 additions (a's promotion is one), each moving a to the old generation.
    expect(promoted).toEqual([1, 1, 1, 1]);
    expect(cache.size).toBeLessThanOrEqual(2);
  });

  it('rejects a size below one', () => {
    expect(() => new NodeCache(0)).toThrow(new RangeError('cache size must be a positive integer'));
  });
});
