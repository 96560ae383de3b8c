// eth_call and eth_estimateGas simulate the block this node would propose next: its time is the
// node's consensus clock (which a test-only offset shifts), at least the head's time + 1 ms, not the
// process's wall clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../consensus/types.ts';
import { bigintToFixedBytes, bytesToBigint, bytesToHex, hexToBytes } from '../../../core/bytes.ts';
import { callMethods } from '../../../rpc/eth/call.ts';
import { ModuleError } from '../../../state/modules/module.ts';
import { openTestChain, type TestChain } from '../../helpers/chain.ts';
import { httpContext } from '../helpers.ts';

const CLOCK_MODULE = '0x000000000000000000000000000000000000c10c';
const DAY_MS = 86_400_000;

/** Its view answers the block time; a call fails unless the block time is past a deadline. */
const clockModule = {
  name: 'clock',
  address: CLOCK_MODULE,
  execute(ctx: { block: { time: number }; useGas(g: bigint): void }, data: Uint8Array) {
    ctx.useGas(1_000n);
    if (ctx.block.time < Number(bytesToBigint(data))) throw new ModuleError('TOO_EARLY', 'too early');
  },
  view: (_state: unknown, block: { time: number }) => bigintToFixedBytes(BigInt(block.time), 32),
} as const;

describe('the block eth_call simulates', () => {
  let t: TestChain;
  beforeAll(async () => {
    t = await openTestChain({ modules: [clockModule] });
    await t.produce();
  });
  afterAll(() => t.close());

  const methods = (clock: Clock) => callMethods(t.chain, clock);
  const timeSeen = async (clock: Clock) =>
    Number(
      bytesToBigint(
        hexToBytes(
          (await methods(clock).eth_call.call([{ to: CLOCK_MODULE, data: '0x' }], httpContext())) as string,
        ),
      ),
    );

  it("is stamped with the node's clock, a day off the wall clock in both directions", async () => {
    const head = t.chain.head.header.time;
    const ahead = Date.now() + DAY_MS;
    expect(await timeSeen({ now: () => ahead })).toBe(ahead);
    // Behind the head (the genesis time is in the past, the node's clock further back): head + 1 ms.
    expect(await timeSeen({ now: () => head - DAY_MS })).toBe(head + 1);
  });

  it('eth_estimateGas runs at that time too: a call valid only after a deadline passes or fails by the clock', async () => {
    const deadline = Date.now() + DAY_MS;
    const data = bytesToHex(bigintToFixedBytes(BigInt(deadline), 8));
    const estimate = (now: number) =>
      methods({ now: () => now }).eth_estimateGas.call([{ to: CLOCK_MODULE, data }], httpContext());
    await expect(estimate(deadline)).resolves.toMatch(/^0x[0-9a-f]+$/);
    await expect(estimate(deadline - 1)).rejects.toThrow(/too early/);
  });
});
