// The attribution module's logs over the whole chain. The node keeps no index by Datanet, model or
// contributor, but its logs are: eth_getLogs with indexed topics finds a record's history without
// reading every record. eth_getLogs takes at most 10,000 blocks per query, so the chain is read in
// windows, newest first, several windows to a batch.
import { ATTRIBUTION_ADDRESS, decodeLog } from './attribution.js';
import { unwrap } from './rpc.js';

const WINDOW = 10_000;
const WINDOWS_PER_BATCH = 10;
/** How far back a page looks: a devnet or a young testnet fits; older history would need an index. */
export const LOG_HISTORY_BLOCKS = 500_000;

const hex = (n) => `0x${n.toString(16)}`;

/**
 * The module's logs matching `topics` (as eth_getLogs takes them), decoded, oldest first, with
 * their block number and transaction hash. Stops at `limit` logs (the newest ones) if given.
 */
export async function moduleLogs(rpc, topics, { limit = Number.POSITIVE_INFINITY } = {}) {
  const head = Number(await rpc.call('eth_blockNumber'));
  const oldest = Math.max(0, head - LOG_HISTORY_BLOCKS + 1);
  const found = [];
  let to = head;
  while (to >= oldest && found.length < limit) {
    const windows = [];
    for (let i = 0; i < WINDOWS_PER_BATCH && to >= oldest; i++) {
      const from = Math.max(oldest, to - WINDOW + 1);
      windows.push([from, to]);
      to = from - 1;
    }
    const results = unwrap(
      await rpc.batch(
        windows.map(([from, end]) => [
          'eth_getLogs',
          [{ address: ATTRIBUTION_ADDRESS, fromBlock: hex(from), toBlock: hex(end), topics }],
        ]),
      ),
    );
    for (const logs of results) found.push(...[...logs].reverse());
  }
  return found
    .slice(0, limit)
    .reverse()
    .map((log) => ({
      ...decodeLog(log),
      block: Number(log.blockNumber),
      tx: log.transactionHash,
    }));
}
