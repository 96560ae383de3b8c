// The load generator's parts shared by the benches that drive nodes over JSON-RPC: pre-signed
// EIP-1559 transfers in nonce-major order (each batch then carries consecutive nonces of many
// senders, as a busy chain sees them), JSON-RPC batch bodies, and the posts themselves.
import type { Address } from '../core/address.ts';
import { bytesToHex, type Hex } from '../core/bytes.ts';
import { signTx } from '../core/tx.ts';

/** Transfers go to this many sink accounts (none of them a sender), spread evenly. */
export const SINKS = 100;

export function sinkAddress(i: number): Address {
  return `0x${(0xbe_0000 + i).toString(16).padStart(40, '0')}` as Address;
}

export interface LoadSender {
  readonly key: Uint8Array;
  /** The nonce of the sender's next transfer to sign. */
  nonce: number;
}

export interface SignedTransfer {
  readonly raw: Uint8Array;
  readonly rawHex: Hex;
  readonly hash: Hex;
  /** Index of the sender in the list it was signed from. */
  readonly sender: number;
}

/**
 * Signs `rounds` transfers per sender, round-major: round n holds every sender's next nonce, so any
 * prefix made of whole rounds is valid on its own. Signing is deterministic (RFC 6979): the same
 * senders and nonces give the same bytes, whichever chain they are sent to. Advances each nonce.
 */
export function signTransfers(
  senders: readonly LoadSender[],
  rounds: number,
  chainId: bigint,
): SignedTransfer[] {
  const out: SignedTransfer[] = [];
  for (let n = 0; n < rounds; n++) {
    for (const [s, sender] of senders.entries()) {
      const nonce = sender.nonce + n;
      const tx = signTx(
        {
          type: 2,
          chainId,
          nonce: BigInt(nonce),
          maxFeePerGas: 10n ** 11n,
          maxPriorityFeePerGas: 10n ** 9n,
          gasLimit: 21_000n,
          to: sinkAddress((nonce * senders.length + s) % SINKS),
          value: 1n,
          data: new Uint8Array(),
          accessList: [],
        },
        sender.key,
      );
      out.push({ raw: tx.raw, rawHex: bytesToHex(tx.raw), hash: tx.hash, sender: s });
    }
  }
  for (const sender of senders) sender.nonce += rounds;
  return out;
}

/** One JSON-RPC batch of eth_sendRawTransaction calls. */
export function batchBody(raws: readonly Hex[], firstId = 0): string {
  return JSON.stringify(
    raws.map((raw, j) => ({
      jsonrpc: '2.0',
      id: firstId + j,
      method: 'eth_sendRawTransaction',
      params: [raw],
    })),
  );
}

export async function post<T>(url: string, body: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  } catch (err) {
    // fetch says only "fetch failed"; the reason (refused, reset, closed) is its cause.
    const cause = (err as Error).cause as { code?: string; message?: string } | undefined;
    throw new Error(`POST ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, {
      cause: err,
    });
  }
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as T;
}

export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const reply = await post<{ result?: T; error?: { message: string } }>(
    url,
    JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  );
  if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
  return reply.result as T;
}

/** The node's head height (eth_blockNumber). */
export async function blockNumber(url: string): Promise<number> {
  return Number(await rpc<string>(url, 'eth_blockNumber'));
}

/**
 * Posts a batch of eth_sendRawTransaction; throws if the node rejected any of them. A connection the
 * node reset before answering is tried again (up to `retries` times, none by default): a wallet would resend too, and
 * the transactions of a reset request may or may not have been admitted, so on a retry "already
 * known" counts as accepted. Resolves with the number of retries it took.
 */
export async function sendBatch(url: string, body: string, retries = 0): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    let replies: { error?: { message: string } }[];
    try {
      replies = await post(url, body);
    } catch (err) {
      if (attempt >= retries) throw err;
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const failed = replies.filter((r) => r.error && !(attempt > 0 && r.error.message === 'already known'));
    if (failed.length > 0)
      throw new Error(
        `${failed.length} of ${replies.length} transactions rejected (first: ${failed[0]!.error!.message})`,
      );
    return attempt;
  }
}
