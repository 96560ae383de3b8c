// Committed blocks served to syncing peers, each with the commit certificate that proves it.
import { encodeBlock } from '../core/block.ts';
import { encodeCommit } from '../core/vote.ts';
import type { BlockSource, EncodedBlock } from '../p2p/sync/types.ts';
import type { Chain } from '../state/chain.ts';

export function blockSource(chain: Chain): BlockSource {
  return {
    status: () => {
      const height = chain.head.header.height;
      const commit = height > 0 ? chain.blocks.getCommit(height) : undefined;
      return {
        height,
        headHash: chain.head.hash,
        baseHeight: 1,
        headCommit: commit ? encodeCommit(commit) : new Uint8Array(0),
      };
    },
    async *blocks(from: number, count: number): AsyncGenerator<EncodedBlock> {
      const last = Math.min(from + count - 1, chain.head.header.height);
      for (let height = Math.max(from, 1); height <= last; height++) {
        const block = await chain.blocks.getBlock(height);
        const commit = chain.blocks.getCommit(height);
        if (!block || !commit) return;
        yield { block: encodeBlock(block), commit: encodeCommit(commit) };
      }
    },
  };
}
