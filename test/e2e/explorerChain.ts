// The chain the explorer's browser test looks at, filled over viem as a user's wallet would (the
// prover makes the proofs): a Datanet, two contributions from two accounts, a base model and a LoRA
// adapter on it, an inference quoting both files, and a delegation to the validator.
import {
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  encodeFunctionData,
  type Hex,
  http,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { expect } from 'vitest';
import { DEV_CHAIN_ID } from '../../genesis/defaults.ts';
import { devAccounts } from '../../node/devAccounts.ts';
import { attribute, buildIndex, contributionCalldata } from '../../prover/index.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import { STAKING_ADDRESS, stakingAbi } from '../../state/modules/staking/abi.ts';
import { viemChainFor } from '../helpers/node.ts';
import { rpc } from './cli.ts';

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
}

/** Fills the devnet at `url` (whose genesis funds the dev accounts). */
export async function fillChain(url: string): Promise<Filled> {
  const chain = viemChainFor(DEV_CHAIN_ID, url);
  const reader = createPublicClient({ chain, transport: http(url), pollingInterval: 100 });
  /** Sends a module call from `who`, waits for it, and returns its receipt's decoded attribution events. */
  const send = async (who: Account, to: Hex, data: Hex, value = 0n) => {
    const wallet = createWalletClient({
      chain,
      transport: http(url),
      account: privateKeyToAccount(who.privateKey),
    });
    const hash = await wallet.sendTransaction({ to, data, value, gas: 5_000_000n });
    const receipt = await reader.waitForTransactionReceipt({ hash, timeout: 60_000 });
    expect(receipt.status).toBe('success');
    const events = receipt.logs
      .filter((l) => l.address.toLowerCase() === ATTRIBUTION_ADDRESS)
      .map((l) => decodeEventLog({ abi: attributionAbi, data: l.data, topics: l.topics }));
    return { hash, events, block: receipt.blockNumber };
  };
  const call = (name: string, args: unknown[]) =>
    encodeFunctionData({ abi: attributionAbi, functionName: name as never, args: args as never });
  const idOf = (events: { args: unknown }[], key: string) =>
    (events[0]!.args as Record<string, bigint>)[key]!;

  const datanet = idOf(
    (
      await send(
        owner,
        ATTRIBUTION_ADDRESS,
        call('createDatanet', ['Protocol notes', '', 'CC-BY-4.0', 0, 0n]),
      )
    ).events,
    'datanetId',
  );
  const params = await rpc<{ chunkSize: number; minSpanLength: number; maxSpansPerRecord: number }>(
    url,
    'open_attributionParams',
  );
  const files = [
    [alice, FILES.alice],
    [bob, FILES.bob],
  ] as const;
  const contributions = await Promise.all(
    files.map(async ([who, text]) => {
      const { data } = contributionCalldata({
        datanetId: datanet,
        content: new TextEncoder().encode(text),
        chunkSize: params.chunkSize,
      });
      return idOf((await send(who, ATTRIBUTION_ADDRESS, data)).events, 'contributionId');
    }),
  );
  const register = async (name: string, base: bigint) =>
    idOf(
      (
        await send(
          owner,
          ATTRIBUTION_ADDRESS,
          call('registerModel', [
            name,
            '',
            [datanet],
            base,
            10n ** 18n,
            0n,
            { ownerBps: 5000, contributorsBps: 3000, validatorsBps: 1000, treasuryBps: 1000 },
          ]),
        )
      ).events,
      'modelId',
    );
  const base = await register('Base LM', 0n);
  const adapter = await register('Protocol LoRA', base);
  const index = buildIndex(
    files.map(([, text], i) => ({
      id: contributions[i]!,
      content: new TextEncoder().encode(text),
      chunkSize: params.chunkSize,
    })),
  );
  const proved = attribute(index, {
    modelId: adapter,
    output: new TextEncoder().encode(OUTPUT),
    minSpanLength: params.minSpanLength,
    maxSpans: params.maxSpansPerRecord,
  });
  const fee = BigInt(
    await reader.readContract({
      address: ATTRIBUTION_ADDRESS,
      abi: attributionAbi,
      functionName: 'modelFee',
      args: [adapter, OUTPUT.length],
    }),
  );
  const validators = await rpc<{ operator: string }[]>(url, 'open_getValidators');
  const operatorAddress = validators[0]!.operator.toLowerCase();
  const [recorded] = await Promise.all([
    send(operator, ATTRIBUTION_ADDRESS, proved.calldata, fee),
    send(
      alice,
      STAKING_ADDRESS,
      encodeFunctionData({ abi: stakingAbi, functionName: 'delegate', args: [operatorAddress as Hex] }),
      5n * 10n ** 18n,
    ),
  ]);
  const recordedEvent = recorded.events.find((e) => e.eventName === 'InferenceAttributed')!;
  const ids = {
    datanet: String(datanet),
    contributions: contributions.map(String),
    base: String(base),
    adapter: String(adapter),
    inference: String((recordedEvent.args as { inferenceId: bigint }).inferenceId),
  };
  const blockHash = (await rpc<{ hash: string }>(url, 'eth_getBlockByNumber', ['0x1', false])).hash;
  return { ids, txHash: recorded.hash, blockHash, operatorAddress, alice };
}
