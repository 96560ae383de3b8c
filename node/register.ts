// Registering contributions over JSON-RPC (docs/attribution.md, "Registration"): commit to every
// file, wait until the chain has drawn the chunks each reveal must prove (the possessionIndices
// view answers once block commit+1's hash is in the state), then reveal them with those chunks.
// Used by `openchain contribute` and by tests that drive a node over RPC.
import { OpenchainError } from '../core/errors.ts';
import {
  type ContributionCall,
  type ContributionCommit,
  commitCalldata,
  revealCalldata,
} from '../prover/index.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
import { moduleView, type Node, type SentTx, type Signer, sendAll } from './moduleClient.ts';

const ATTRIBUTION = { address: ATTRIBUTION_ADDRESS, abi: attributionAbi };
const POLL_MS = 200;

export interface Registered {
  readonly commits: readonly ContributionCommit[];
  readonly commitTxs: readonly SentTx[];
  /** The addContribution transactions, in the order of the files. */
  readonly reveals: readonly SentTx[];
}

/** Commits to and then reveals each file (value of each reveal: `bond`). A failed commit stops before any reveal. */
export async function registerContributions(
  rpc: Node,
  signer: Signer,
  files: readonly (ContributionCall & { readonly what: string })[],
  bond: bigint,
  timeoutMs: number,
): Promise<Registered> {
  const deadline = Date.now() + timeoutMs;
  const commits = files.map((f) => commitCalldata(f, signer.address));
  const commitTxs = await sendAll(
    rpc,
    signer,
    ATTRIBUTION,
    commits.map((c, i) => ({ data: c.data, what: `commitment to ${files[i]!.what}` })),
    timeoutMs,
  );
  const failed = commitTxs.findIndex((s) => s.status !== 'success');
  if (failed >= 0) {
    throw new OpenchainError(
      'REVERTED',
      `commitment to ${files[failed]!.what} failed: ${commitTxs[failed]!.failureReason}`,
    );
  }
  const indices: number[][] = [];
  for (const c of commits) indices.push(await drawnIndices(rpc, c, deadline));
  const reveals = await sendAll(
    rpc,
    signer,
    ATTRIBUTION,
    files.map((f, i) => ({
      data: revealCalldata(f, commits[i]!.salt, indices[i]!),
      value: bond,
      what: `contribution of ${f.what}`,
    })),
    Math.max(1, deadline - Date.now()),
  );
  return { commits, commitTxs, reveals };
}

/** The chunk indices the chain drew for a commitment, waiting (bounded) for the seed block. */
async function drawnIndices(rpc: Node, c: ContributionCommit, deadline: number): Promise<number[]> {
  for (;;) {
    try {
      const drawn = await moduleView<readonly bigint[]>(rpc, ATTRIBUTION, 'possessionIndices', [
        c.commitment,
        BigInt(c.file.size),
      ]);
      return drawn.map(Number);
    } catch (err) {
      if (!(err instanceof OpenchainError) || !/REVEAL_TOO_EARLY|sampling seed/.test(err.message)) throw err;
    }
    if (Date.now() > deadline)
      throw new OpenchainError(
        'TIMEOUT',
        `the chain did not reach the reveal block of commitment ${c.commitment} in time`,
      );
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
