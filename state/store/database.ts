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

/**
 * A write was refused because an earlier one failed. LevelDB appends the next record after the torn
 * one a failed log write leaves behind, and drops everything after the tear when it next opens
 * (acknowledged, fsynced writes included): so after one failure this handle writes nothing more.
 * Reopening (restarting the node) recovers: LevelDB drops the torn tail, and the consensus WAL
 * replays the block whose commit failed.
 */
export class StoreWriteFailedError extends OpenchainError<'STORE_WRITE_FAILED'> {
  constructor(path: string, first: Error) {
    super(
      'STORE_WRITE_FAILED',
      `the database ${path} refused a write (${first.message}); it accepts no more writes until the node restarts (free disk space or descriptors first)`,
      { cause: first },
    );
  }
}

export class Database {
  readonly #level: Level<Bytes, Bytes>;
  readonly #path: string;
  /** Set by the first failed write: every later write is refused with it. */
  #failed: StoreWriteFailedError | undefined;

  private constructor(level: Level<Bytes, Bytes>, path: string) {
    this.#level = level;
    this.#path = path;
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
    return new Database(level, path);
  }

  /** Synchronous point read: block execution is synchronous and deterministic (see docs). */
  getSync(key: Bytes): Bytes | undefined {
    return this.#level.getSync(key);
  }

  get(key: Bytes): Promise<Bytes | undefined> {
    return this.#level.get(key);
  }

  /** Single durable writes, for small records outside the block batch (consensus state). */
  put(key: Bytes, value: Bytes): Promise<void> {
    return this.#guarded(() => this.#level.put(key, value, { sync: true }));
  }

  del(key: Bytes): Promise<void> {
    return this.#guarded(() => this.#level.del(key, { sync: true }));
  }

  /**
   * Applies the batch atomically; `sync` fsyncs so that a power loss cannot lose a committed block.
   * The operations go through LevelDB's chained batch, one native call each: the array form reads
   * every operation's fields by name through N-API first, which cost the main thread 36 ms against
   * 14 for a block's 22,500 operations (bench/blockPathsCompare.ts; docs/performance.md).
   */
  async write(batch: WriteBatch, sync = true): Promise<void> {
    if (batch.ops.length === 0) return;
    await this.#guarded(async () => {
      const chained = this.#level.batch();
      try {
        for (const op of batch.ops) {
          if (op.type === 'put') chained.put(op.key, op.value);
          else chained.del(op.key);
        }
      } catch (err) {
        await chained.close();
        throw err;
      }
      await chained.write({ sync });
    });
  }

  async #guarded(write: () => Promise<void>): Promise<void> {
    if (this.#failed) throw this.#failed;
    try {
      await write();
    } catch (err) {
      this.#failed = new StoreWriteFailedError(this.#path, err as Error);
      throw this.#failed;
    }
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
