// Verified contribution content for the attestor. A candidate's bytes come from a local mirror
// (mirror.ts: the directory configured for its Datanet, then the one for every Datanet, "*") or
// else from its registered URI (`file:`, `http:`, `https:`), and are accepted only if they are
// exactly the registered size and their chunk root (core/chunkTree.ts) is the registered root:
// a lying or stale URI yields nothing, never other bytes. Whatever cannot be had is null with
// the reason from every source tried, so the record's candidate scores 0 and the log says why.
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Hex } from '../../core/bytes.ts';
import { chunkFile } from '../../prover/index.ts';
import { fetchCapped } from './fetchCapped.ts';
import type { Mirror } from './mirror.ts';

/** The fields of getContribution(id) the loader needs. */
export interface ContributionRef {
  readonly id: bigint;
  readonly datanetId: bigint;
  readonly chunkRoot: Hex;
  readonly size: bigint;
  readonly chunkSize: number;
  readonly uri: string;
}

export type Loaded =
  | { readonly content: Uint8Array; readonly source: string }
  | { readonly content: null; readonly reason: string };

export interface ContentLoaderOptions {
  /** Mirrors by Datanet id (decimal) or "*" for any Datanet. */
  readonly mirrors: ReadonlyMap<string, Mirror>;
  /** Schemes (without the colon) a registered URI may be fetched with; empty: mirrors only. */
  readonly uriSchemes: readonly ('file' | 'http' | 'https')[];
  /** Bound on fetching one URI. */
  readonly timeoutMs: number;
  /** Contributions registered as larger than this are not loaded at all. */
  readonly maxContentBytes: number;
  /** Verified contents kept by root, least recently used dropped first. */
  readonly cacheBytes: number;
}

export class ContentLoader {
  readonly #options: ContentLoaderOptions;
  /** Verified content by root, chunk size and size, in least-recently-used order. */
  readonly #cache = new Map<string, Uint8Array>();
  #cachedBytes = 0;

  constructor(options: ContentLoaderOptions) {
    this.#options = options;
  }

  async load(c: ContributionRef): Promise<Loaded> {
    const root = c.chunkRoot.toLowerCase() as Hex;
    // The root, chunk size and size a content was verified under: a registration that names a
    // known root with another size or chunk size is not answered from the cache.
    const key = `${root}/${c.chunkSize}/${c.size}`;
    const hit = this.#cache.get(key);
    if (hit) {
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return { content: hit, source: 'cache' };
    }
    if (c.size < 1n || c.size > BigInt(this.#options.maxContentBytes))
      return {
        content: null,
        reason: `registered size ${c.size} is outside [1, ${this.#options.maxContentBytes}] (attestation.maxContentBytes)`,
      };
    const size = Number(c.size);
    const reasons: string[] = [];
    for (const key of [c.datanetId.toString(), '*']) {
      const mirror = this.#options.mirrors.get(key);
      if (!mirror) continue;
      try {
        const content = await mirror.find(root, size, c.chunkSize);
        if (content) return this.#accept(key, content, `mirror ${mirror.dir}`);
        reasons.push(`mirror ${mirror.dir}: no file with the registered root`);
      } catch (err) {
        reasons.push(`mirror ${mirror.dir}: ${(err as Error).message}`);
      }
    }
    try {
      const content = await this.#fromUri(c.uri, size);
      const actual = chunkFile(content, c.chunkSize).chunkRoot;
      if (actual !== root) throw new Error(`its chunk root ${actual} is not the registered ${root}`);
      return this.#accept(key, content, c.uri);
    } catch (err) {
      reasons.push(`uri ${JSON.stringify(c.uri)}: ${(err as Error).message}`);
    }
    return { content: null, reason: reasons.join('; ') };
  }

  /** The bytes at `uri`, exactly `size` of them (the root is checked by the caller). */
  async #fromUri(uri: string, size: number): Promise<Uint8Array> {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new Error(uri === '' ? 'no URI registered' : 'not a URI');
    }
    const scheme = url.protocol.slice(0, -1);
    if (scheme !== 'file' && scheme !== 'http' && scheme !== 'https')
      throw new Error(`unsupported scheme ${url.protocol} (file:, http: and https: are fetched)`);
    if (!this.#options.uriSchemes.includes(scheme))
      throw new Error(
        this.#options.uriSchemes.length === 0
          ? 'URI fetching is off (attestation.uriSchemes is [])'
          : `${url.protocol} is not in attestation.uriSchemes`,
      );
    let content: Uint8Array;
    if (scheme === 'file') {
      const path = fileURLToPath(url);
      // Only a regular file of the registered size is read: never a device, a FIFO or a huge file.
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a regular file');
      if (info.size !== size) throw new Error(`${info.size} bytes, registered ${size}`);
      content = new Uint8Array(await readFile(path));
    } else {
      content = await fetchCapped(uri, {}, { timeoutMs: this.#options.timeoutMs, maxBytes: size });
    }
    if (content.length !== size) throw new Error(`${content.length} bytes, registered ${size}`);
    return content;
  }

  #accept(key: string, content: Uint8Array, source: string): Loaded {
    if (content.length <= this.#options.cacheBytes) {
      this.#cache.set(key, content);
      this.#cachedBytes += content.length;
      for (const [key, value] of this.#cache) {
        if (this.#cachedBytes <= this.#options.cacheBytes) break;
        this.#cache.delete(key);
        this.#cachedBytes -= value.length;
      }
    }
    return { content, source };
  }
}
