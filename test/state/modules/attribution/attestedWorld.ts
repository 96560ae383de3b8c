// A real Chain for attested records: four genesis validators operated by test accounts (alice 40,
// bob 30, carol 20, dave 10 of power), erin's model trained on an open Datanet (1) with five
// accepted contributions and a curated one (3) with a pending contribution, and an open Datanet (2)
// outside the model's lineage with one more. Window 8 (TEST_ATTRIBUTION_PARAMS): commits in the 4
// blocks after a record, reveals in the 4 after those.
import { bytesToHex, type Hex, utf8ToBytes } from '../../../../core/bytes.ts';
import type { GenesisInput } from '../../../../genesis/schema.ts';
import { attestationCommitment } from '../../../../state/modules/attribution/attested/commitment.ts';
import { type Account, AttributionHarness, alice, bob, carol, dave, erin, type Sent } from './helpers.ts';

export const ATTESTERS = [
  { account: alice, power: 40n },
  { account: bob, power: 30n },
  { account: carol, power: 20n },
  { account: dave, power: 10n },
] as const;
export const FEE = 1_000_000n;
/** Of FEE: owner 50%, contributors 30%, validators 10%, treasury 10%. */
export const POOL = 300_000n;
export const VALIDATORS_POOL = 100_000n;
export const SPLIT = { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 };

export interface AttestedWorld {
  readonly h: AttributionHarness;
  /** Accepted contributions of Datanet 1, in the model's lineage. */
  readonly accepted: readonly bigint[];
  /** Accepted, of Datanet 2 (outside the lineage). */
  readonly outside: bigint;
  /** Pending review in curated Datanet 3 (in the lineage). */
  readonly pending: bigint;
  readonly modelId: bigint;
}

export async function attestedWorld(
  params: Partial<GenesisInput['params']['attribution']> = {},
): Promise<AttestedWorld> {
  const h = await AttributionHarness.open(
    params,
    ATTESTERS.map((v) => ({ power: v.power, rewardAddress: v.account.address })),
  );
  const datanet = async (policy: number) =>
    AttributionHarness.idFrom(
      await h.send(erin, 'createDatanet', ['d', '', '', policy, 0n]),
      'DatanetCreated',
      'datanetId',
    );
  const [open, other, curated] = [await datanet(0), await datanet(0), await datanet(1)];
  const contribute = async (datanetId: bigint, text: string) =>
    AttributionHarness.idFrom(
      await h.contribute(erin, datanetId, utf8ToBytes(text)),
      'ContributionAdded',
      'contributionId',
    );
  const accepted: bigint[] = [];
  for (let i = 1; i <= 5; i++)
    accepted.push(await contribute(open, `contribution number ${i} of the open datanet`));
  const outside = await contribute(other, 'a contribution to a datanet the model does not use');
  const pending = await contribute(curated, 'a contribution its curator has not reviewed yet');
  const model = await h.send(erin, 'registerModel', ['m', '', [open, curated], 0n, FEE, 0n, SPLIT]);
  return {
    h,
    accepted,
    outside,
    pending,
    modelId: AttributionHarness.idFrom(model, 'ModelRegistered', 'modelId'),
  };
}

export const OUTPUT = utf8ToBytes('an answer that paraphrases several contributions');

/** Records an attested inference by erin; returns its id and the record's receipt. */
export async function recordAttested(
  w: AttestedWorld,
  candidates: readonly bigint[],
  claimed: readonly number[] = candidates.map(() => 5_000),
): Promise<{ id: bigint; sent: Sent }> {
  const sent = await w.h.send(
    erin,
    'recordAttestedInference',
    [w.modelId, bytesToHex(OUTPUT), candidates, claimed],
    {
      value: FEE,
    },
  );
  return { id: AttributionHarness.idFrom(sent, 'AttestedInferenceRecorded', 'inferenceId'), sent };
}

export function saltOf(who: Account): Hex {
  return `0x${who.address.slice(2).padEnd(64, '5')}` as Hex;
}

export function commitmentOf(id: bigint, who: Account, scores: readonly number[], salt = saltOf(who)): Hex {
  return attestationCommitment(id, who.address, scores, salt);
}
