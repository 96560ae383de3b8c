// Read and write views of the state. Execution is synchronous: reads come from a write overlay, then
// a cache, then LevelDB (classic-level's getSync), so a block executes without yielding and its
// result cannot depend on the interleaving of other work.
import { compareBytes } from '../core/bytes.ts';

export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
}

export interface StateChange {
  readonly key: Uint8Array;
  /** null deletes the key. */
  readonly value: Uint8Array | null;
}

// Latin-1 maps each byte to one UTF-16 unit: the cheapest exact string form of a key for a Map.
// State keys are short arrays built just before the lookup, which V8 keeps on its heap: wrapping
// one in a Buffer reads `.buffer` and moves it off the heap first, several times the cost of
// building the same string from the bytes.
export function mapKey(key: Uint8Array): string {
  if (key.length <= 64) return String.fromCharCode.apply(null, key as unknown as number[]);
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

function fromMapKey(key: string): Uint8Array {
  return new Uint8Array(Buffer.from(key, 'latin1'));
}

/** Copy-on-write layer over a parent state with a journal for reverting a failed transaction. */
export class StateOverlay implements StateReader {
  readonly #parent: StateReader;
  readonly #writes = new Map<string, Uint8Array | null>();
  readonly #journal: { key: string; previous: Uint8Array | null | undefined }[] = [];

  constructor(parent: StateReader) {
    this.#parent = parent;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const written = this.#writes.get(mapKey(key));
    if (written !== undefined) return written ?? undefined;
    return this.#parent.get(key);
  }

  set(key: Uint8Array, value: Uint8Array | null): void {
    const k = mapKey(key);
    this.#journal.push({ key: k, previous: this.#writes.get(k) });
    this.#writes.set(k, value);
  }

  /** A point to revert to; cheap (the journal length). */
  snapshot(): number {
    return this.#journal.length;
  }

  revert(snapshot: number): void {
    while (this.#journal.length > snapshot) {
      const { key, previous } = this.#journal.pop()!;
      if (previous === undefined) this.#writes.delete(key);
      else this.#writes.set(key, previous);
    }
  }

  /** Every written key once, sorted by key bytes, so commits are independent of write order. */
  changes(): StateChange[] {
    const out: StateChange[] = [];
    for (const [k, value] of this.#writes) out.push({ key: fromMapKey(k), value });
    return out.sort((a, b) => compareBytes(a.key, b.key));
  }
}
