// Binary heap whose items remember their own position, so an item whose key changed can be moved
// (or removed) in O(log n) without a search. Used for eviction (one item per sender, re-keyed on
// every change) and for block selection (one cursor per sender, re-keyed as it advances).

export interface HeapItem {
  /** Position in the heap, -1 when not in one. Owned by the heap. */
  heapIndex: number;
}

export class IndexedHeap<T extends HeapItem> {
  private readonly items: T[] = [];
  /** True when `a` must come out before `b`; must be a strict total order for deterministic output. */
  private readonly before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.before = before;
  }

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  /** Restores the order after `item`'s key changed. */
  update(item: T): void {
    if (!this.up(item.heapIndex)) this.down(item.heapIndex);
  }

  remove(item: T): void {
    const i = item.heapIndex;
    const last = this.items.pop()!;
    item.heapIndex = -1;
    if (last === item) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.update(last);
  }

  /** Returns whether the item moved. */
  private up(i: number): boolean {
    const items = this.items;
    const item = items[i]!;
    let at = i;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = items[parentAt]!;
      if (!this.before(item, parent)) break;
      items[at] = parent;
      parent.heapIndex = at;
      at = parentAt;
    }
    items[at] = item;
    item.heapIndex = at;
    return at !== i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    let at = i;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(items[child + 1]!, items[child]!)) child++;
      const next = items[child]!;
      if (!this.before(next, item)) break;
      items[at] = next;
      next.heapIndex = at;
      at = child;
    }
    items[at] = item;
    item.heapIndex = at;
  }
}
