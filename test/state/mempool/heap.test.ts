import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexedHeap } from '../../../state/mempool/heap.ts';

interface Item {
  heapIndex: number;
  key: number;
  readonly id: number;
}

const before = (a: Item, b: Item) => (a.key !== b.key ? a.key < b.key : a.id < b.id);

describe('IndexedHeap', () => {
  it('always yields the least item while items are pushed, re-keyed and removed', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), key: fc.integer({ min: 0, max: 20 }) }),
      fc.record({
        kind: fc.constant('rekey' as const),
        pick: fc.nat(),
        key: fc.integer({ min: 0, max: 20 }),
      }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const heap = new IndexedHeap<Item>(before);
        const live: Item[] = [];
        let nextId = 0;
        for (const step of ops) {
          if (step.kind === 'push') {
            const item = { heapIndex: -1, key: step.key, id: nextId++ };
            live.push(item);
            heap.push(item);
          } else if (live.length > 0) {
            const item = live[step.pick % live.length]!;
            if (step.kind === 'rekey') {
              item.key = step.key;
              heap.update(item);
            } else {
              heap.remove(item);
              live.splice(live.indexOf(item), 1);
              expect(item.heapIndex).toBe(-1);
            }
          }
          expect(heap.size).toBe(live.length);
          const least = [...live].sort((a, b) => (before(a, b) ? -1 : 1))[0];
          expect(heap.peek()).toBe(least);
        }
      }),
    );
  });
});
