// The chain the explorer's browser test looks at, filled through the typed client (openchain/client:
// viem contracts for the modules, open_ actions, the prover) as a user's program would: a Datanet,
// two contributions from two accounts, a base model and a LoRA adapter on it, an inference quoting
// both files, and a delegation to the validator.
import { createPublicClient, createWalletClient, decodeEventLog, type Hex, http, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { expect } from 'vitest';
import {
  ATTRIBUTION_ADDRESS,
  attributionAbi,
  attributionContract,
  govContract,
  openActions,
  prover,
  stakingContract,
} from '../../client/index.ts';
import { DEV_CHAIN_ID } from '../../genesis/defaults.ts';
import { devAccounts } from '../../node/devAccounts.ts';
import { viemChainFor } from '../helpers/node.ts';

type Account = ReturnType<typeof devAccounts>[number];
const [owner, alice, bob, operator] = devAccounts(4) as [Account, Account, Account, Account];

/** Plain prose, so that the output reads as text and each quote is one maximal match. */
const FILES = {
  alice:
    'Attribution means that every answer a model gives can be traced back to the data it learned from. ' +
    'Each contributor registers a file once, and every inference that quotes it pays them a share of the fee. ',
  bob:
    'Validators check the Merkle proof of every quoted span against the root the contributor registered, ' +
    'so a model operator cannot claim data that is not there, and cannot leave out whom it quoted. ',
};
export const QUOTE_A = FILES.alice.slice(0, 98);
const QUOTE_B = FILES.bob.slice(0, 101);
export const OUTPUT = `Q: Who gets paid for this answer?\nA: ${QUOTE_A}\nAnd why can it be trusted? ${QUOTE_B}\n`;

export const PROPOSAL_TITLE = 'Fund the attribution explorer';

export interface Filled {
  readonly ids: {
    datanet: string;
    contributions: string[];
    base: string;
    adapter: string;
    inference: string;
  };
  /** The recordInference transaction. */
  readonly txHash: string;
  readonly blockHash: string;
  /** The validator's operator, to whom alice delegated. */
  readonly operatorAddress: string;
  readonly alice: Account;
  /** Records the same inference again (a new record); resolves with its id once mined. */
  readonly recordAgain: () => Promise<string>;
  /** Records the output as an attested inference with both contributions as candidates; resolves with its id. */
  readonly recordAttested: () => Promise<string>;
}

/** Fills the devnet at `url` (whose genesis funds the dev accounts). */
export async function fillChain(url: string): Promise<Filled> {
  const chain = viemChainFor(DEV_CHAIN_ID, url);
  const reader = createPublicClient({ chain, transport: http(url), pollingInterval: 100 }).extend(
    openActions,
  );
  const as = (who: Account) => {
    const wallet = createWalletClient({
      chain,
      transport: http(url),
      account: privateKeyToAccount(who.privateKey),
    });
    return {
      attribution: attributionContract({ public: reader, wallet }),
      staking: stakingContract({ public: reader, wallet }),
      gov: govContract({ public: reader, wallet }),
    };
  };
  /** Waits for a transaction; returns its hash and the attribution events it emitted. */
  const mined = async (sent: Promise<Hex>) => {
    const hash = await sent;
    const receipt = await reader.waitForTransactionReceipt({ hash, timeout: 60_000 });
    expect(receipt.status).toBe('success');
    const events = receipt.logs
      .filter((l) => l.address.toLowerCase() === ATTRIBUTION_ADDRESS)
      .map((l) => decodeEventLog({ abi: attributionAbi, data: l.data, topics: l.topics }));
    return { hash, events };
  };
  const idOf = (events: { args: unknown }[], key: string) =>
    (events[0]!.args as Record<string, bigint>)[key]!;

  const created = await mined(
    as(owner).attribution.write.createDatanet(['Protocol notes', '', 'CC-BY-4.0', 0, 0n]),
  );
  const datanet = idOf(created.events, 'datanetId');
  const params = await reader.attributionParams();
  const files = [
    [alice, FILES.alice],
    [bob, FILES.bob],
  ] as const;
  const contributions = await Promise.all(
    files.map(async ([who, text]) => {
      // Commit, wait for the chain to draw the chunks the reveal must hold, reveal.
      const call = {
        datanetId: datanet,
        content: new TextEncoder().encode(text),
        chunkSize: params.chunkSize,
      };
      const commit = prover.commitCalldata(call, who.address);
      const wallet = createWalletClient({
        chain,
        transport: http(url),
        account: privateKeyToAccount(who.privateKey),
      });
      await mined(wallet.sendTransaction({ to: ATTRIBUTION_ADDRESS, data: commit.data }));
      let indices: readonly bigint[] | undefined;
      for (let tries = 0; !indices; tries++) {
        try {
          indices = await as(who).attribution.read.possessionIndices([
            commit.commitment,
            BigInt(commit.file.size),
          ]);
        } catch (err) {
          // Until the block after the commit is in the state, the draw is not made yet.
          if (tries > 300) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      const added = await mined(
        wallet.sendTransaction({
          to: ATTRIBUTION_ADDRESS,
          data: prover.revealCalldata(call, commit.salt, indices.map(Number)),
        }),
      );
      return idOf(added.events, 'contributionId');
    }),
  );
  const split = { ownerBps: 5000, contributorsBps: 3000, validatorsBps: 1000, treasuryBps: 1000 };
  const register = async (name: string, base: bigint) =>
    idOf(
      (
        await mined(
          as(owner).attribution.write.registerModel([name, '', [datanet], base, 10n ** 18n, 0n, split]),
        )
      ).events,
      'modelId',
    );
  const base = await register('Base LM', 0n);
  const adapter = await register('Protocol LoRA', base);
  const index = prover.buildIndex(
    files.map(([, text], i) => ({
      id: contributions[i]!,
      content: new TextEncoder().encode(text),
      chunkSize: params.chunkSize,
    })),
  );
  const proved = prover.attribute(index, {
    modelId: adapter,
    output: new TextEncoder().encode(OUTPUT),
    minSpanLength: params.minSpanLength,
    maxSpans: params.maxSpansPerRecord,
  });
  // Only the owner or an authorized operator with an attribution bond may record.
  await mined(as(owner).attribution.write.setOperator([adapter, operator.address, true]));
  await mined(
    as(operator).attribution.write.postAttributionBond([adapter], {
      value: BigInt(params.minAttributionBond),
    }),
  );
  const fee = await as(operator).attribution.read.modelFee([adapter, OUTPUT.length]);
  const operatorAddress = (await reader.getValidators())[0]!.operator.toLowerCase() as Hex;
  const wallet = createWalletClient({
    chain,
    transport: http(url),
    account: privateKeyToAccount(operator.privateKey),
  });
  const record = () =>
    mined(
      wallet.sendTransaction({ to: ATTRIBUTION_ADDRESS, data: proved.calldata, value: fee, gas: 5_000_000n }),
    );
  const inferenceOf = (r: Awaited<ReturnType<typeof record>>) =>
    String(
      idOf(
        r.events.filter((e) => e.eventName === 'InferenceAttributed'),
        'inferenceId',
      ),
    );
  const [recorded] = await Promise.all([
    record(),
    mined(as(alice).staking.write.delegate([operatorAddress], { value: 5n * 10n ** 18n })),
  ]);
  const ids = {
    datanet: String(datanet),
    contributions: contributions.map(String),
    base: String(base),
    adapter: String(adapter),
    inference: inferenceOf(recorded),
  };
  // A proposal in its voting period, with alice's stake voting yes: the governance page's tally.
  const { minDeposit } = await as(alice).gov.read.params();
  await mined(as(alice).gov.write.submitText([PROPOSAL_TITLE, 'A signal.'], { value: minDeposit }));
  await mined(as(alice).gov.write.vote([1n, 1]));
  const blockHash = (await reader.getBlock({ blockNumber: 1n })).hash;
  const recordAgain = async () => inferenceOf(await record());
  const recordAttested = async () => {
    const sent = await mined(
      as(operator).attribution.write.recordAttestedInference(
        [adapter, toHex(OUTPUT), contributions, [6_000, 4_000]],
        { value: fee },
      ),
    );
    return String(
      idOf(
        sent.events.filter((e) => e.eventName === 'AttestedInferenceRecorded'),
        'inferenceId',
      ),
    );
  };
  return { ids, txHash: recorded.hash, blockHash, operatorAddress, alice, recordAgain, recordAttested };
}
