import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../../../core/bytes.ts';
import {
  attribute,
  buildIndex,
  type ContributionFile,
  contributionCommitment,
  findSpans,
  inferenceCalldata,
  proveSpan,
  type SpanProof,
} from '../../../../prover/index.ts';
import { ATTRIBUTION_ADDRESS } from '../../../../state/modules/attribution/abi.ts';
import { FlagReason, Policy, Role } from '../../../../state/modules/attribution/records.ts';
import { splitFees } from '../../../../state/modules/staking/endBlock/fees.ts';
import {
  readBlockIncome,
  readPool,
  readStakingParams,
  readValidator,
  STAKING_ADDRESS,
} from '../../../../state/modules/staking/index.ts';
import { pendingRewards } from '../../../../state/modules/staking/rewards.ts';
import { readDelegation } from '../../../../state/modules/staking/store.ts';
import {
  type Account,
  AttributionHarness,
  alice,
  bob,
  carol,
  dave,
  erin,
  REWARD,
  TREASURY,
} from './helpers.ts';

const texts = {
  a: 'Datanets collect the data that specialised models are trained on, and every contributor keeps a claim on it.',
  b: 'Proof of attribution ties each output span to the contribution it was copied from, byte for byte.',
  c: 'This third file is registered but never quoted, so its contributor must receive nothing at all.',
  d: 'A pending contribution waits for the curator and cannot earn until it has been approved by them.',
  e: 'A rejected contribution was turned down by the curator of its datanet and can never earn a thing.',
  f: 'This contribution sits in a datanet that the model was not trained on, so spans over it are refused.',
  g: 'A flagged contribution was found adversarial within its challenge window and stopped earning then.',
};

const SPLIT = { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 };
const PER_INFERENCE = 10n ** 15n;
const PER_KB = 3n * 10n ** 14n;

let h: AttributionHarness;
const files = new Map<keyof typeof texts, ContributionFile>();

async function contribute(from: Account, datanetId: bigint, key: keyof typeof texts) {
  const content = utf8ToBytes(texts[key]);
  const sent = await h.contribute(from, datanetId, content);
  const id = AttributionHarness.idFrom(sent, 'ContributionAdded', 'contributionId');
  files.set(key, { id, content, chunkSize: 16 });
  return id;
}

beforeAll(async () => {
  h = await AttributionHarness.open();
  await h.send(alice, 'createDatanet', ['open', '', '', Policy.open, 0n]); // 1
  await h.send(alice, 'createDatanet', ['curated', '', '', Policy.curated, 0n]); // 2
  await h.send(erin, 'createDatanet', ['unused', '', '', Policy.open, 0n]); // 3
  await contribute(bob, 1n, 'a'); // 1
  await contribute(carol, 1n, 'b'); // 2
  await contribute(dave, 1n, 'c'); // 3
  await contribute(bob, 2n, 'd'); // 4, stays pending
  await contribute(carol, 2n, 'e'); // 5
  await h.send(alice, 'rejectContribution', [5n]);
  await contribute(dave, 3n, 'f'); // 6
  await contribute(bob, 2n, 'g'); // 7
  await h.send(alice, 'approveContribution', [7n]);
  await h.send(alice, 'flagContribution', [7n, FlagReason.adversarial]);
  // Model 1: a base model on datanets 1 and 2; model 2: erin's LoRA adapter on model 1.
  await h.send(alice, 'registerModel', ['base', '', [1n, 2n], 0n, PER_INFERENCE, PER_KB, SPLIT]);
  await h.send(alice, 'setAdapterPolicy', [1n, 1, 2_000]); // open to adapters, 20% of their fees
  await h.send(erin, 'registerModel', ['adapter', '', [], 1n, PER_INFERENCE, 0n, SPLIT]);
  // Records come from the owners' operators (no bond needed: minAttributionBond is 0 here).
  for (const operator of [erin, dave, carol])
    await h.send(alice, 'setOperator', [1n, operator.address, true]);
  await h.send(erin, 'setOperator', [2n, bob.address, true]);
}, 60_000);
afterAll(async () => {
  await h.close();
});

const quote = (key: keyof typeof texts, from: number, to: number) => texts[key].slice(from, to);
const output = utf8ToBytes(
  `Here is what the model said. ${quote('a', 0, 60)} -- and also -- ${quote('b', 10, 80)} The end, in the model's own words.`,
);

function fee(outputBytes: number, perKb = PER_KB) {
  return PER_INFERENCE + (perKb * BigInt(outputBytes) + 999n) / 1000n;
}

function proofs(keys: (keyof typeof texts)[], out = output, minLength = 8): SpanProof[] {
  const index = buildIndex(keys.map((k) => files.get(k)!));
  return findSpans(index, out, minLength).map((s) => proveSpan(index, s));
}

const call = (modelId: bigint, out: Uint8Array, spans: readonly SpanProof[]) =>
  hexToBytes(inferenceCalldata(modelId, out, spans));

describe('recordInference', () => {
  it('verifies the spans and pays contributors by attributed bytes, exactly', async () => {
    const index = buildIndex([...files.values()].filter((f) => f.id <= 3n));
    const result = attribute(index, { modelId: 1n, output, minSpanLength: 8, maxSpans: 8 });
    // Canonical attribution: " contribut" (10 bytes) in the quote of b also occurs in a, which was
    // registered first, so those 10 bytes go to contribution 1: 70 bytes to bob, 60 to carol.
    const shared = ' contribut';
    const at = new TextDecoder().decode(output).indexOf(shared, 60);
    expect(result.spans.map((s) => [s.file.id, s.outputStart, s.length, s.attributedBytes])).toEqual([
      [1n, result.spans[0]!.outputStart, 60, 60],
      [2n, result.spans[1]!.outputStart, 70, 60],
      [1n, at, 10, 10],
    ]);
    expect(result.proofs.some((p) => p.chunks.length > 1)).toBe(true); // spans cross chunk boundaries

    const charged = fee(output.length);
    expect(h.view('modelFee', [1n, output.length])).toBe(charged);
    const before = new Map([bob, carol, dave, alice].map((a) => [a.address, h.balance(a.address)]));
    const poolBefore = readPool(h.chain.state);
    const sent = await h.sendData(erin, hexToBytes(result.calldata), { value: charged });
    expect(sent.receipt.error).toBe('');

    // The validators' share goes to the staking module and, at the end of the block, through the
    // staking reward allocation with the block's fees and reward: all of it to the one signer of the
    // last commit, REWARD's validator (no commission: its delegators, i.e. REWARD itself).
    const toValidators = (charged * 1_000n) / 10_000n;
    const { header } = h.chain.head;
    const stakers = splitFees(
      sent.receipt.gasUsed * header.baseFeePerGas,
      sent.receipt.gasUsed * (sent.receipt.effectiveGasPrice - header.baseFeePerGas),
      h.chain.params().baseFeeBurnBps,
      readStakingParams(h.chain.state).feesToStakersBps,
    ).stakers;
    const reward = poolBefore.rewardsPool - readPool(h.chain.state).rewardsPool;
    expect(readPool(h.chain.state).distributed - poolBefore.distributed).toBe(
      toValidators + stakers + reward,
    );
    expect(readBlockIncome(h.chain.state)).toBe(0n);
    const validator = readValidator(h.chain.state, REWARD)!;
    expect(validator.commission).toBe(0n);
    expect(pendingRewards(validator, readDelegation(h.chain.state, REWARD, REWARD)!)).toBeGreaterThanOrEqual(
      toValidators,
    );

    // Independent arithmetic: 4-way split; the contributors' pool paid by coverage (130 of the
    // output's bytes), then by bytes (70 : 60), largest remainder; the uncovered part to the treasury.
    const owner = (charged * 5_000n) / 10_000n;
    const pool = (charged * 3_000n) / 10_000n;
    const contributors = (pool * 130n) / BigInt(output.length);
    const toBob = (contributors * 70n) / 130n;
    const toCarol = (contributors * 60n) / 130n;
    const left = contributors - toBob - toCarol;
    const bobFirst = (contributors * 70n) % 130n >= (contributors * 60n) % 130n;
    const paidBob = toBob + (left === 1n && bobFirst ? 1n : 0n);
    const paidCarol = toCarol + (left === 1n && !bobFirst ? 1n : 0n);

    expect(h.balance(bob.address) - before.get(bob.address)!).toBe(paidBob);
    expect(h.balance(carol.address) - before.get(carol.address)!).toBe(paidCarol);
    expect(h.balance(dave.address)).toBe(before.get(dave.address));
    expect(h.balance(alice.address) - before.get(alice.address)!).toBe(owner);
    expect(h.balance(ATTRIBUTION_ADDRESS)).toBe(0n);

    const [attributed, ...rest] = sent.events;
    const settledEvent = rest.pop();
    const rewards = rest;
    expect(attributed).toEqual({
      eventName: 'InferenceAttributed',
      args: {
        inferenceId: 1n,
        modelId: 1n,
        caller: expect.stringMatching(new RegExp(erin.address.slice(2), 'i')),
        fee: charged,
        outputHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
        outputBytes: output.length,
        attributedBytes: 130,
        lineage: [1n],
        datanetIds: [1n],
      },
    });
    const paid = rewards.map((e) => [
      e.eventName,
      e.args.role,
      e.args.refId,
      (e.args.recipient as string).toLowerCase(),
      e.args.amount,
    ]);
    expect(paid).toEqual([
      ['RewardPaid', Role.modelOwner, 1n, alice.address, owner],
      ['RewardPaid', Role.validator, 0n, STAKING_ADDRESS, toValidators],
      ['RewardPaid', Role.treasury, 0n, TREASURY, charged - owner - pool - toValidators],
      ['RewardPaid', Role.contributor, 1n, bob.address, paidBob],
      ['RewardPaid', Role.contributor, 2n, carol.address, paidCarol],
      ['RewardPaid', Role.treasury, 0n, TREASURY, pool - contributors],
    ]);
    expect(settledEvent).toEqual({
      eventName: 'InferenceSettled',
      args: {
        inferenceId: 1n,
        attributedBytes: 130,
        toContributors: contributors,
        uncovered: pool - contributors,
      },
    });
    expect(rewards.reduce((sum, e) => sum + (e.args.amount as bigint), 0n)).toBe(charged);

    expect(h.view('getInference', [1n])).toMatchObject({
      id: 1n,
      modelId: 1n,
      fee: charged,
      outputBytes: output.length,
      attributedBytes: 130,
      lineage: [1n],
      datanetIds: [1n],
      spans: [
        { contributionId: 1n, outputStart: result.spans[0]!.outputStart, length: 60, attributedBytes: 60 },
        { contributionId: 2n, outputStart: result.spans[1]!.outputStart, length: 70, attributedBytes: 60 },
        { contributionId: 1n, outputStart: at, length: 10, attributedBytes: 10 },
      ],
    });
    expect(h.view('contributorEarnings', [bob.address])).toBe(paidBob);
    expect(h.view('contributionEarnings', [2n])).toBe(paidCarol);
    expect(h.view('contributionEarnings', [3n])).toBe(0n);
    expect(h.view('datanetEarnings', [1n])).toBe(paidBob + paidCarol);
    expect(h.view('getContribution', [1n])).toMatchObject({ earned: paidBob });
    expect(h.view('getModel', [1n])).toMatchObject({ inferences: 1n, feesCharged: charged });
  });

  it('pays the base model owner its share of a LoRA adapter’s whole fee, out of the owner share', async () => {
    const out = utf8ToBytes(`adapter says: ${quote('a', 20, 90)}`);
    const charged = fee(out.length, 0n);
    const sent = await h.sendData(bob, call(2n, out, proofs(['a'], out)), { value: charged });
    expect(sent.receipt.error).toBe('');
    const ownerShare = (charged * 5_000n) / 10_000n;
    const toBase = (charged * 2_000n) / 10_000n;
    const rewards = sent.events
      .filter((e) => e.eventName === 'RewardPaid')
      .map((e) => [e.args.role, e.args.refId, (e.args.recipient as Address).toLowerCase(), e.args.amount]);
    expect(rewards.slice(0, 2)).toEqual([
      [Role.modelOwner, 2n, erin.address, ownerShare - toBase],
      [Role.baseModelOwner, 1n, alice.address, toBase],
    ]);
    expect(sent.events[0]!.args).toMatchObject({ modelId: 2n, lineage: [2n, 1n], datanetIds: [1n] });
  });

  it('attributes overlapping spans byte by byte to the earlier span', async () => {
    // Two spans over the same contribution sharing 10 output bytes: the second is paid only for the rest.
    const content = files.get('a')!.content;
    const out = content.slice(0, 40);
    const index = buildIndex([files.get('a')!]);
    const span = (outputStart: number, length: number) =>
      proveSpan(index, {
        outputStart,
        length,
        attributedBytes: 0,
        file: files.get('a')!,
        offset: outputStart,
      });
    const sent = await h.sendData(dave, call(1n, out, [span(0, 20), span(10, 30)]), { value: fee(40) });
    expect(sent.receipt.error).toBe('');
    const id = sent.events[0]!.args.inferenceId as bigint;
    expect(h.view('getInference', [id])).toMatchObject({
      attributedBytes: 40,
      spans: [
        { contributionId: 1n, outputStart: 0, length: 20, attributedBytes: 20 },
        { contributionId: 1n, outputStart: 10, length: 30, attributedBytes: 20 },
      ],
    });
  });

  it('sends the contributors share to the treasury when nothing is attributed', async () => {
    const out = utf8ToBytes('entirely original words with no quotes at all');
    const sent = await h.sendData(carol, call(1n, out, []), { value: fee(out.length) });
    expect(sent.receipt.error).toBe('');
    const toTreasury = sent.events
      .filter((e) => e.args.role === Role.treasury)
      .reduce((sum, e) => sum + (e.args.amount as bigint), 0n);
    expect(toTreasury).toBe(fee(out.length) - (fee(out.length) * 6_000n) / 10_000n);
  });
});

describe('recordInference refuses', () => {
  const good = () => proofs(['a', 'b']);
  const tamper = (spans: SpanProof[], k: number, change: Partial<SpanProof>): SpanProof[] =>
    spans.map((s, i) => (i === k ? { ...s, ...change } : s));
  const flip = (bytes: Uint8Array, at: number) => {
    const copy = bytes.slice();
    copy[at]! ^= 1;
    return copy;
  };
  const refuses = (
    spans: SpanProof[],
    error: RegExp,
    opts: { out?: Uint8Array; modelId?: bigint; value?: bigint } = {},
  ) => {
    const out = opts.out ?? output;
    return h.fails(erin, call(opts.modelId ?? 1n, out, spans), [], error, {
      value: opts.value ?? fee(out.length),
    });
  };

  it('a forged Merkle path', async () => {
    const spans = good();
    const paths = spans[0]!.paths.map((p, j) =>
      j === 0 ? p.map((node, n) => (n === 1 ? flip(node, 5) : node)) : p,
    );
    await refuses(
      tamper(spans, 0, { paths }),
      /span 0: chunk \d+ and its Merkle path do not hash to contribution 1's registered root/,
    );
    const short = spans[1]!.paths.map((p) => p.slice(1));
    await refuses(tamper(spans, 1, { paths: short }), /span 1: chunk \d+ and its Merkle path do not hash/);
  });

  it('chunk bytes that do not hash to the leaf, even when they match the output', async () => {
    const spans = good();
    const s = spans[0]!;
    const at = s.chunkOffset + 3;
    const chunks = s.chunks.map((c, j) => (j === 0 ? flip(c, at) : c));
    const out = output.slice();
    out[s.outputStart + 3]! ^= 1;
    await refuses(tamper(spans, 0, { chunks }), /span 0: chunk \d+ and its Merkle path do not hash/, { out });
  });

  it('an output range that does not match the chunk bytes', async () => {
    const spans = good();
    const out = output.slice();
    out[spans[1]!.outputStart + 20]! ^= 0x20;
    await refuses(spans, /span 1: output bytes \[\d+, \d+\) differ from contribution 2's bytes/, { out });
    await refuses(
      tamper(spans, 0, { outputStart: spans[0]!.outputStart + 1 }),
      /span 0: output bytes .* differ/,
    );
  });

  it('a span below the minimum length, or outside the output or its chunks', async () => {
    const spans = good();
    await refuses(tamper(spans, 0, { length: 7 }), /span 0: length 7 is below the minimum span length 8/);
    await refuses(
      tamper(spans, 1, { outputStart: output.length - 10 }),
      /span 1: output range \[\d+, \d+\) exceeds the \d+-byte output/,
    );
    await refuses(
      tamper(spans, 0, { chunkOffset: 16 }),
      /span 0: chunk range \[16, \d+\) must start in the first chunk/,
    );
    await refuses(
      tamper(spans, 0, { chunks: spans[0]!.chunks.slice(0, 1), paths: spans[0]!.paths.slice(0, 1) }),
      /span 0: chunk range .* end in the last/,
    );
  });

  it('chunks of the wrong size or beyond the contribution', async () => {
    const spans = good();
    const s = spans[0]!;
    await refuses(
      tamper(spans, 0, { chunks: [s.chunks[0]!.subarray(0, 15), ...s.chunks.slice(1)] }),
      /span 0: chunk \d+ has 15 bytes, expected 16/,
    );
    await refuses(
      tamper(spans, 0, { chunkIndex: 100n }),
      /span 0: chunks 100\.\.\d+ exceed contribution 1's 7 chunks/,
    );
    await refuses(
      tamper(spans, 0, { paths: s.paths.slice(1) }),
      /span 0: needs at least one chunk and one path per chunk/,
    );
  });

  it('spans on pending, rejected or flagged contributions, or on a datanet the model does not use', async () => {
    const on = (key: keyof typeof texts) => {
      const out = utf8ToBytes(`quoting ${texts[key].slice(5, 45)}`);
      return { out, spans: proofs([key], out) };
    };
    for (const [key, why] of [
      ['d', /span 0: contribution 4 is pending, not accepted/],
      ['e', /span 0: contribution 5 is rejected, not accepted/],
      ['g', /span 0: contribution 7 is flagged, not accepted/],
      ['f', /span 0: contribution 6 belongs to datanet 3, which the model does not use/],
    ] as const) {
      const { out, spans } = on(key);
      expect(spans.length).toBe(1);
      await refuses(spans, why, { out });
    }
  });

  it('spans out of canonical order or repeated', async () => {
    const spans = good();
    await refuses([spans[1]!, spans[0]!], /span 1: spans must be ordered by outputStart ascending/);
    await refuses([spans[0]!, spans[0]!], /span 1: spans must be ordered/);
  });

  it('an output above the size cap and too many spans', async () => {
    await refuses([], /output is 2049 bytes, limit 2048/, { out: new Uint8Array(2_049).fill(97) });
    const nine = Array.from({ length: 9 }, () => good()[0]!);
    await refuses(nine, /9 spans, limit 8/);
  });

  it('unknown ids and a wrong fee', async () => {
    await refuses(good(), /unknown model 9/, { modelId: 9n });
    await refuses(tamperId(good(), 99n), /span 0: unknown contribution 99/);
    await refuses(
      good(),
      new RegExp(
        `model 1 charges ${fee(output.length)} for ${output.length} output bytes, but ${fee(output.length) - 1n} was sent`,
      ),
      {
        value: fee(output.length) - 1n,
      },
    );
    await h.fails(erin, 'getInference', [1n], /getInference is a view/);
  });

  it('no contribution of an absurd size: its reveal cannot prove chunks nobody holds', async () => {
    const root = `0x${'5a'.repeat(32)}`;
    const salt = `0x${'01'.repeat(32)}`;
    const commitment = contributionCommitment(hexToBytes(root), 2n ** 52n, dave.address, hexToBytes(salt));
    await h.send(dave, 'commitContribution', [bytesToHex(commitment)]);
    await h.advance(2);
    const fake = { chunk: bytesToHex(output.slice(0, 16)), path: [bytesToHex(new Uint8Array(32).fill(9))] };
    await h.fails(
      dave,
      'addContribution',
      [1n, root, 2n ** 52n, '', salt, [fake, fake]],
      /BAD_POSSESSION_PROOF|sample 0 does not prove chunk/,
    );
  });

  it('calldata that does not decode', async () => {
    const data = call(1n, output, good());
    await h.fails(
      erin,
      data.subarray(0, data.length - 64),
      [],
      /cannot decode calldata of recordInference: paths: 3 elements do not fit in the calldata/,
      {
        value: fee(output.length),
      },
    );
  });
});

function tamperId(spans: SpanProof[], id: bigint): SpanProof[] {
  return spans.map((s, i) => (i === 0 ? { ...s, contributionId: id } : s));
}

describe('views', () => {
  it('revert with a reason for unknown ids and state-changing functions', () => {
    expect(() => h.view('getInference', [999n])).toThrow(/unknown inference 999/);
    expect(() => h.view('getDatanet', [999n])).toThrow(/unknown datanet 999/);
    expect(() => h.view('contributionEarnings', [999n])).toThrow(/unknown contribution 999/);
    expect(() => h.view('withdrawBond', [1n])).toThrow(
      /withdrawBond changes state: send it as a transaction/,
    );
    expect(h.view('params')).toMatchObject({
      chunkSize: 16,
      minSpanLength: 8,
      maxSpansPerRecord: 8,
      challengeWindowSeconds: 60n,
    });
  });
});
