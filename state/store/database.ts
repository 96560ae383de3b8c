// The node's one LevelDB (classic-level), with binary keys and values. Every write that must be
// atomic (a whole block: its body, receipts, indexes and state changes) goes through one WriteBatch.
import { Level } from 'level';
import { OpenchainError } from '../../core/errors.ts';
import { levelDbFileProblems } from './levelFiles.ts';

export type Bytes = Uint8Array;

export class WriteBatch {
  readonly ops: ({ type: 'put'; key: Bytes; value: Bytes } | { type: 'del'; key: Bytes })[] = [];

  put(key: Bytes, value: Bytes): void {
    this.ops.push({ type: 'put', key, value });
  }

  del(key: Bytes): void {
    this.ops.push({ type: 'del', key });
  }
}

/** LevelDB's files fail their checksums, or LevelDB itself reports corruption when opening them. */
export class StoreCorruptError extends OpenchainError<'STORE_CORRUPT'> {
  readonly problems: readonly string[];
  constructor(path: string, problems: readonly string[]) {
    super('STORE_CORRUPT', `the database ${path} is damaged:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

export class Database {
  readonly #level: Level<Bytes, Bytes>;

  private constructor(level: Level<Bytes, Bytes>) {
    this.#level = level;
  }

  /**
   * Opens (creating if needed) the database at `path` after checking every checksum in its files:
   * LevelDB would otherwise drop damaged log records while opening, and serve flipped table bytes.
   */
  static async open(path: string): Promise<Database> {
    const problems = levelDbFileProblems(path);
    if (problems.length > 0) throw new StoreCorruptError(path, problems);
    const level = new Level<Bytes, Bytes>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      await level.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code === 'LEVEL_CORRUPTION') throw new StoreCorruptError(path, [cause.message ?? 'corrupt']);
      throw err;
    }
    return new Database(level);
  }

  /** Synchronous point read: block execution is synchronous and deterministic (see docs). */
  getSync(key: Bytes): Bytes | undefined {
    return this.#level.getSync(key);
  }

  get(key: Bytes): Promise<Bytes | undefined> {
    return this.#level.get(key);
  }

  /** Single durable writes, for small records outside the block batch (consensus state). */
  async put(key: Bytes, value: Bytes): Promise<void> {
    await this.#level.put(key, value, { sync: true });
  }

  async del(key: Bytes): Promise<void> {
    await this.#level.del(key, { sync: true });
  }

  /** Applies the batch atomically; `sync` fsyncs so that a power loss cannot lose a committed block. */
  async write(batch: WriteBatch, sync = true): Promise<void> {
    if (batch.ops.length === 0) return;
    await this.#level.batch(batch.ops, { sync });
  }

  async *range(
    gte: Bytes,
    lt: Bytes,
    opts: { reverse?: boolean; limit?: number } = {},
  ): AsyncGenerator<[Bytes, Bytes]> {
    yield* this.#level.iterator({ gte, lt, reverse: opts.reverse ?? false, limit: opts.limit ?? -1 });
  }

  async close(): Promise<void> {
    await this.#level.close();
  }
}
