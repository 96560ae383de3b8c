// `propose-invalid-attribution` (node/byzantine/invalidAttribution.ts) on a real chain with the
// attribution module: the proposal carries a validly signed record from the mode's funded account
// whose span proof fails, under a header that reports it paid out, and the chain refuses it.
// End to end (honest validators prevote nil, the chain goes on): test/e2e/byzantineValidators.test.ts.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockHash } from '../../../core/block.ts';
import { hexToBytes, utf8ToBytes } from '../../../core/bytes.ts';
import { decodeTx, recoverSender, signTx } from '../../../core/tx.ts';
import {
  byzantineAccount,
  InvalidAttribution,
  withInvalidProof,
} from '../../../node/byzantine/invalidAttribution.ts';
import { attribute, buildIndex } from '../../../prover/index.ts';
import { simulateCall } from '../../../state/execution/simulate.ts';
import { ATTRIBUTION_ADDRESS } from '../../../state/modules/attribution/abi.ts';
import { Policy } from '../../../state/modules/attribution/records.ts';
import {
  AttributionHarness,
  alice,
  bob,
  ETH,
  erin,
  TEST_ATTRIBUTION_PARAMS,
} from '../../state/modules/attribution/helpers.ts';

const log = pino({ level: 'silent' });
const SPLIT = { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 };
const text = utf8ToBytes(
  'Every validator re-checks each span proof against the registered root, byte for byte.',
);
const output = utf8ToBytes(
  `The model said: ${new TextDecoder().decode(text.slice(6, 70))} and nothing else.`,
);

describe('propose-invalid-attribution', () => {
  let h: AttributionHarness;
  let byzantine: InvalidAttribution;
  let record: Uint8Array;
  let fee: bigint;

  const nextInput = () => {
    const height = h.chain.head.header.height + 1;
    return {
      height,
      time: h.chain.head.header.time + 1000,
      proposer: h.chain.validators()[0]!,
      lastCommit: h.chain.blocks.getCommit(height - 1)!,
      evidence: [],
    };
  };
  beforeAll(async () => {
    h = await AttributionHarness.open();
    byzantine = new InvalidAttribution(h.chain, h.t.validatorKey, log);
    // The mode's account is funded by an ordinary transfer.
    const funding = signTx(
      {
        type: 2,
        chainId: h.chain.chainId,
        nonce: 0n,
        maxFeePerGas: 10n ** 10n,
        maxPriorityFeePerGas: 10n ** 9n,
        gasLimit: 21_000n,
        to: byzantine.address,
        value: 10n * ETH,
        data: new Uint8Array(),
        accessList: [],
      },
      alice.privateKey,
    );
    await h.chain.checkTx(funding.raw);
    await h.t.produce();
    const datanet = AttributionHarness.idFrom(
      await h.send(alice, 'createDatanet', ['open', '', '', Policy.open, 0n]),
      'DatanetCreated',
      'datanetId',
    );
    const chunkSize = TEST_ATTRIBUTION_PARAMS.chunkSize;
    const added = await h.contribute(bob, datanet, text);
    const contributionId = AttributionHarness.idFrom(added, 'ContributionAdded', 'contributionId');
    const modelId = AttributionHarness.idFrom(
      await h.send(alice, 'registerModel', ['m', '', [datanet], 0n, 10n ** 15n, 0n, SPLIT]),
      'ModelRegistered',
      'modelId',
    );
    // The honest sender and the byzantine proposer's own account may both record for the model.
    for (const operator of [erin.address, byzantine.address])
      await h.send(alice, 'setOperator', [modelId, operator, true]);
    const proved = attribute(buildIndex([{ id: contributionId, content: text, chunkSize }]), {
      modelId,
      output,
      minSpanLength: TEST_ATTRIBUTION_PARAMS.minSpanLength,
      maxSpans: TEST_ATTRIBUTION_PARAMS.maxSpansPerRecord,
    });
    record = hexToBytes(proved.calldata);
    fee = h.view('modelFee', [modelId, output.length]) as bigint;
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  const simulate = (data: Uint8Array) =>
    simulateCall(
      h.chain.state,
      {
        chainId: h.chain.chainId,
        height: nextInput().height,
        time: nextInput().time,
        params: h.chain.params(),
      },
      h.chain.modules,
      {
        from: byzantine.address,
        to: ATTRIBUTION_ADDRESS,
        value: fee,
        data,
        gasLimit: 5_000_000n,
        accessList: [],
      },
    );

  it('damages only the proof: the same record with its Merkle path altered fails with INVALID_PROOF', () => {
    expect(simulate(record)).toMatchObject({ status: 1, error: '' });
    const bad = withInvalidProof(record);
    expect(bad).not.toEqual(record);
    expect(bad.length).toBe(record.length);
    expect(simulate(bad)).toMatchObject({
      status: 0,
      error: expect.stringMatching(/Merkle path do not hash to contribution \d+'s registered root/),
    });
  });

  it('proposes honestly until the chain has paid out a record it can copy', async () => {
    const block = await byzantine.prepareProposal(h.chain, nextInput());
    expect(block.txs.map((raw) => decodeTx(raw).to)).not.toContain(ATTRIBUTION_ADDRESS);
    expect(await h.chain.processProposal(block)).toBe(blockHash(block.header));
  });

  it('then proposes the record with an invalid proof from its own account, reported as paid out; the chain refuses it', async () => {
    const sent = await h.sendData(erin, record, { value: fee });
    expect(sent.receipt.status).toBe(1);

    const block = await byzantine.prepareProposal(h.chain, nextInput());
    const ours = block.txs.map((raw) => decodeTx(raw)).filter((tx) => tx.to === ATTRIBUTION_ADDRESS);
    expect(ours).toHaveLength(1);
    const tx = ours[0]!;
    expect(tx.nonce).toBe(0n);
    expect(tx.value).toBe(fee);
    expect(tx.data).toEqual(withInvalidProof(record));
    // Validly signed by the mode's account: only the proof is wrong.
    expect(recoverSender(tx)).toBe(byzantineAccount(h.t.validatorKey).address);
    expect(simulate(tx.data)).toMatchObject({
      status: 0,
      error: expect.stringMatching(/Merkle path do not hash to contribution \d+'s registered root/),
    });
    await expect(h.chain.processProposal(block)).rejects.toMatchObject({
      code: 'INVALID_PROPOSAL',
      message: expect.stringMatching(/gasUsed|receiptsRoot|stateRoot/),
    });
  });
});
