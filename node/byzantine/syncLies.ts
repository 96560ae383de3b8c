// TEST-ONLY (README.md). A block source that lies to syncing peers: blocks whose contents or
// commits are wrong (`sync-serve-wrong`), nothing or errors for every blocks request
// (`sync-withhold`), and a status height far above the real head (`false-height`).
import type { Logger } from 'pino';
import { decodeBlock, encodeBlock } from '../../core/block.ts';
import { decodeCommit, encodeCommit } from '../../core/vote.ts';
import type { BlockSource, EncodedBlock } from '../../p2p/sync/types.ts';

/** How far above its head a `false-height` node claims to be. */
export const FALSE_HEIGHT_LEAD = 1_000_000;
const FAKE_HEAD_HASH = `0x${'fa'.repeat(32)}` as const;

export interface SyncLieOptions {
  readonly serveWrong: boolean;
  readonly withhold: boolean;
  readonly falseHeight: boolean;
  readonly log: Logger;
}

export function lyingBlockSource(source: BlockSource, opts: SyncLieOptions): BlockSource {
  const { log } = opts;
  let requests = 0;
  const told = (mode: string, detail: object) => {
    if (requests++ % 20 === 0) log.warn({ mode, ...detail, requests }, 'byzantine: lying to a syncing peer');
  };
  return {
    async status() {
      const real = await source.status();
      if (!opts.falseHeight) return real;
      told('false-height', { height: real.height });
      return { ...real, height: real.height + FALSE_HEIGHT_LEAD, headHash: FAKE_HEAD_HASH };
    },
    async *blocks(from, count) {
      if (opts.withhold) {
        told('sync-withhold', { from, count });
        // Every other request an error (the server answers "server error"), else nothing at all.
        if (requests % 2 === 0) throw new Error('byzantine: withholding blocks');
        return;
      }
      for await (const b of source.blocks(from, count)) {
        if (!opts.serveWrong) {
          yield b;
          continue;
        }
        told('sync-serve-wrong', { from, count });
        yield corrupt(b);
      }
    },
  };
}

/**
 * The block with a wrong state root (its commit then proves a different block), or, for odd
 * heights, the real block with a commit whose first signature is damaged.
 */
function corrupt(b: EncodedBlock): EncodedBlock {
  const block = decodeBlock(b.block);
  if (block.header.height % 2 === 0) {
    const header = { ...block.header, stateRoot: `0x${'5a'.repeat(32)}` as const };
    return { block: encodeBlock({ ...block, header }), commit: b.commit };
  }
  const commit = decodeCommit(b.commit);
  const signatures = commit.signatures.map((s, i) => {
    if (i > 0) return s;
    const signature = Uint8Array.from(s.signature);
    signature[0]! ^= 0xff;
    return { ...s, signature };
  });
  return { block: b.block, commit: encodeCommit({ ...commit, signatures }) };
}
