// Node memory comes from shared 64 KB slabs (slab.ts): views that never overlap, always zeroed.
import { describe, expect, it } from 'vitest';
import { allocate } from '../../../state/tree/slab.ts';

const SLAB = 1 << 16;

describe('slab allocation', () => {
  it('carves small allocations side by side from one slab, and fills a slab exactly', () => {
    allocate(SLAB); // whatever came before, this fills a slab: the next allocation starts a new one
    const a = allocate(16);
    const b = allocate(16);
    expect(a.byteOffset).toBe(0);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(16);
    const rest = allocate(SLAB - 32); // exactly what is left
    expect(rest.buffer).toBe(a.buffer);
    expect(rest.byteOffset).toBe(32);
    const next = allocate(1);
    expect(next.buffer).not.toBe(a.buffer);
    expect(next.byteOffset).toBe(0);
    for (const view of [a, b, rest, next]) expect(view.every((byte) => byte === 0)).toBe(true);
  });

  it('gives an allocation larger than a slab its own memory of the full size', () => {
    const big = allocate(SLAB + 1);
    expect(big.length).toBe(SLAB + 1);
    expect(big.byteOffset).toBe(0);
    expect(big.every((byte) => byte === 0)).toBe(true);
  });
});
