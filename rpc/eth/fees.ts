// Fee suggestions and history. The next base fee follows from the head (EIP-1559); the suggested
// tip is a percentile of the tips recently paid, so it is zero on an idle chain and rises under load.
import { z } from 'zod';
import { bigintToHex } from '../../core/bytes.ts';
import type { Chain } from '../../state/chain.ts';
import { nextBaseFee } from '../../state/execution/gas.ts';
import { LruCache } from '../../state/store/lru.ts';
import { ErrorCode, RpcError } from '../errors.ts';
import { blockNumberOrTag, uint64 } from '../params.ts';
import { method } from '../registry.ts';
import { pause } from '../work.ts';
import { resolveHeight } from './blocks.ts';

const MAX_HISTORY_BLOCKS = 1024;
const SUGGESTION_BLOCKS = 20;
const SUGGESTION_PERCENTILE = 60;

interface TipSample {
  readonly tip: bigint;
  readonly gas: bigint;
}

/** Pure RPC arithmetic, not consensus: percentiles are only reported, never executed. */
function percentileTip(samples: readonly TipSample[], gasUsed: bigint, percentile: number): bigint {
  if (samples.length === 0) return 0n;
  const threshold = (gasUsed * BigInt(Math.round(percentile * 100))) / 10_000n;
  let cumulative = 0n;
  for (const s of samples) {
    cumulative += s.gas;
    if (cumulative >= threshold) return s.tip;
  }
  return samples[samples.length - 1]!.tip;
}

/**
 * The block count, like geth's math.HexOrDecimal64: a hex quantity, a decimal string or a JSON
 * integer. Some clients send `4` or `"4"` rather than `"0x4"`, and geth accepts all three.
 */
const blockCount = z.unknown().transform((value, ctx): bigint => {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^[0-9]{1,20}$/.test(value) && BigInt(value) < 2n ** 64n)
    return BigInt(value);
  if (typeof value === 'string') {
    const hex = uint64.safeParse(value);
    if (hex.success) return hex.data;
  }
  ctx.addIssue({
    code: 'custom',
    message: `expected a block count (hex quantity or non-negative integer), got ${JSON.stringify(value)?.slice(0, 70)}`,
    input: value,
  });
  return z.NEVER;
});

const percentiles = z
  .array(z.number().min(0).max(100), { error: 'reward percentiles must be an array of numbers in [0, 100]' })
  .max(100)
  .refine((a) => a.every((p, i) => i === 0 || p >= a[i - 1]!), 'reward percentiles must be ascending');

export function feeMethods(chain: Chain) {
  // Blocks are immutable once committed, so their tip samples can be cached by height.
  const tipCache = new LruCache<number, TipSample[]>(2 * MAX_HISTORY_BLOCKS);

  async function tipsOf(height: number): Promise<TipSample[]> {
    let samples = tipCache.get(height);
    if (!samples) {
      const baseFee = chain.blocks.getHeader(height)!.header.baseFeePerGas;
      samples = (await chain.blocks.getReceipts(height))
        .map((r) => ({ tip: r.effectiveGasPrice - baseFee, gas: r.gasUsed }))
        .sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
      tipCache.set(height, samples);
    }
    return samples;
  }

  async function suggestedTip(): Promise<bigint> {
    const head = chain.head.header.height;
    const all: TipSample[] = [];
    let gas = 0n;
    for (let h = Math.max(1, head - SUGGESTION_BLOCKS + 1); h <= head; h++) {
      for (const s of await tipsOf(h)) {
        all.push(s);
        gas += s.gas;
      }
    }
    all.sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
    return percentileTip(all, gas, SUGGESTION_PERCENTILE);
  }

  const pendingBaseFee = () => nextBaseFee(chain.head.header, chain.params());

  return {
    eth_gasPrice: method(z.tuple([]), async () => bigintToHex(pendingBaseFee() + (await suggestedTip()))),
    eth_maxPriorityFeePerGas: method(z.tuple([]), async () => bigintToHex(await suggestedTip())),
    eth_feeHistory: method(
      z.tuple([blockCount, blockNumberOrTag, percentiles.optional()]),
      async ([count, newestRef, rewardPercentiles], ctx) => {
        const newest = resolveHeight(chain, newestRef);
        if (newest === undefined) throw new RpcError(ErrorCode.ServerError, 'header not found');
        const blocks = Number(count > BigInt(MAX_HISTORY_BLOCKS) ? BigInt(MAX_HISTORY_BLOCKS) : count);
        // geth answers a zero count with oldestBlock 0 and empty arrays.
        const oldest = blocks === 0 ? 0 : Math.max(0, newest - blocks + 1);
        // Each block costs a header, and with percentiles its receipts and one answer per percentile.
        const read = blocks === 0 ? 0 : newest - oldest + 1;
        const percentileCount = rewardPercentiles?.length ?? 0;
        ctx.budget.charge(
          read * Math.max(1, percentileCount),
          `eth_feeHistory of ${read} blocks with ${percentileCount} reward percentiles`,
        );
        const baseFeePerGas: string[] = [];
        const gasUsedRatio: number[] = [];
        const reward: string[][] = [];
        if (blocks > 0) {
          for (let h = oldest; h <= newest; h++) {
            await pause(ctx.signal);
            const { header } = chain.blocks.getHeader(h)!;
            baseFeePerGas.push(bigintToHex(header.baseFeePerGas));
            // A float, as in geth: gas figures are far below 2^53, so the conversion is exact.
            gasUsedRatio.push(Number(header.gasUsed) / Number(header.gasLimit));
            if (rewardPercentiles) {
              const samples = await tipsOf(h);
              reward.push(
                rewardPercentiles.map((p) => bigintToHex(percentileTip(samples, header.gasUsed, p))),
              );
            }
          }
          // The base fee of the block after `newest`, as EIP-1559 clients expect.
          const { header } = chain.blocks.getHeader(newest)!;
          baseFeePerGas.push(bigintToHex(nextBaseFee(header, chain.params())));
        }
        return {
          oldestBlock: bigintToHex(BigInt(oldest)),
          baseFeePerGas,
          gasUsedRatio,
          ...(rewardPercentiles ? { reward } : {}),
        };
      },
    ),
  };
}
