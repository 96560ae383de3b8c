// The watch over a validator's own precommits, on real blocks of a real 4-validator Chain whose
// commits leave out the watched validator's signature when the test says so.
import { afterEach, describe, expect, it } from 'vitest';
import type { Address } from '../../core/address.ts';
import { validatorAddress } from '../../core/validator.ts';
import { SigningWatch } from '../../node/signingWatch.ts';
import { openTestChain, type TestChain } from '../helpers/chain.ts';

let t: TestChain | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
});

interface Logged {
  readonly level: 'warn' | 'info';
  readonly fields: Record<string, unknown>;
  readonly msg: string;
}

async function setUp(intervalMs: number, watched: 'member' | 'stranger' = 'member') {
  t = await openTestChain({
    validators: [1, 2, 3, 4].map((i) => ({
      power: 10n,
      rewardAddress: `0x00000000000000000000000000000000000fee0${i}` as Address,
    })),
  });
  const chain = t.chain;
  const member = validatorAddress(t.validatorKeys[3]!.pubKey);
  const address: Address = watched === 'member' ? member : '0x00000000000000000000000000000000000000aa';
  const logged: Logged[] = [];
  const log = {
    warn: (fields: Record<string, unknown>, msg: string) => void logged.push({ level: 'warn', fields, msg }),
    info: (fields: Record<string, unknown>, msg: string) => void logged.push({ level: 'info', fields, msg }),
  };
  const watch = new SigningWatch({
    address,
    intervalMs,
    isValidator: () => chain.validators().some((v) => v.address === address),
    log: log as never,
    warnAfter: 4,
  });
  chain.onCommit((info) => watch.observe(info.block));
  let time = chain.head.header.time;
  const produce = async (count: number, gapMs: number, absent: boolean) => {
    for (let i = 0; i < count; i++) {
      time += gapMs;
      await t!.produce({ time, absent: absent ? [member] : [] });
    }
  };
  return { watch, logged, produce };
}

describe('SigningWatch', () => {
  it('warns once, naming both intervals, when a slow commit timeout keeps our precommits out', async () => {
    const { watch, logged, produce } = await setUp(1000);
    await produce(2, 300, false);
    expect(watch.missed).toBe(0);
    // Block n's commit lacks us; block n+1 carries it, so the count lags one block.
    await produce(4, 300, true);
    expect(watch.missed).toBe(3);
    expect(logged).toEqual([]);
    await produce(4, 300, true);
    expect(watch.missed).toBe(7);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe('warn');
    expect(logged[0]!.fields).toMatchObject({ missed: 4, intervalMs: 1000, chainBlockGapMs: 300 });
    expect(logged[0]!.msg).toMatch(
      /missing from the last 4 commits: its block.intervalMs \(1000 ms\) is longer than the chain's block gap \(about 300 ms\)/,
    );
    // Back in the commits: one line saying so, and the count starts again.
    await produce(2, 300, false);
    expect(watch.missed).toBe(0);
    expect(logged.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(logged[1]!.fields).toMatchObject({ missed: 8 });
  });

  it('points at the clock, load and connections when the interval is not the cause', async () => {
    const { logged, produce } = await setUp(1000);
    await produce(6, 1000, true);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.fields).toMatchObject({ chainBlockGapMs: 1000 });
    expect(logged[0]!.msg).toMatch(/check its clock, its load and its connections/);
  });

  it('says nothing for a node that is not in the validator set, nor for a short lapse', async () => {
    const stranger = await setUp(1000, 'stranger');
    await stranger.produce(8, 300, true);
    expect(stranger.watch.missed).toBe(0);
    expect(stranger.logged).toEqual([]);
    await t!.close();
    t = undefined;
    const member = await setUp(1000);
    await member.produce(3, 300, true);
    await member.produce(2, 300, false);
    await member.produce(3, 300, true);
    expect(member.logged).toEqual([]);
  });

  it('takes the median of the recent gaps, not one outlier', async () => {
    const { watch, produce } = await setUp(1000);
    expect(watch.medianGapMs()).toBeNull();
    await produce(5, 250, false);
    await produce(1, 9000, false);
    expect(watch.medianGapMs()).toBe(250);
  });
});
