// Parameter values `openchain init` and `openchain devnet` write into new genesis files. They are
// only defaults for new files: a genesis always spells out every parameter (see schema.ts).
import { ZERO_ADDRESS } from '../core/address.ts';
import type { GenesisInput } from './schema.ts';

const OPEN_WEI = (10n ** 18n).toString();

export const DEFAULT_PARAMS: GenesisInput['params'] = {
  // About 47,000 plain transfers per block: room for bursts at one-second blocks.
  blockGasLimit: '1000000000',
  maxTxBytes: 128 * 1024,
  maxBlockTxBytes: 16 * 1024 * 1024,
  minBaseFee: '1000000000',
  baseFeeChangeDenominator: 8,
  elasticityMultiplier: 2,
  baseFeeBurnBps: 10_000,
  treasury: ZERO_ADDRESS,
  evidenceMaxAgeBlocks: 10_000,
  attribution: {
    // 256-byte chunks keep a one-chunk span proof near 700 bytes over a 10,000-chunk contribution.
    chunkSize: 256,
    minSpanLength: 32,
    maxOutputBytes: 16 * 1024,
    maxSpansPerRecord: 64,
    maxLoraDepth: 4,
    loraBaseShareBps: 2_000,
    challengeWindowSeconds: 7 * 86_400,
    revealWindowBlocks: 64,
    possessionSamples: 2,
    // A week of one-second blocks.
    reviewWindowBlocks: 604_800,
    minContributorsBps: 1_000,
    minValidatorsBps: 100,
    minFeePerInference: '1000000000',
    // 10^12 OPEN.
    maxModelFee: (10n ** 30n).toString(),
    // A day of one-second blocks for watchers to prove a better attribution.
    challengeWindowBlocks: 86_400,
    // 10 OPEN per model and recorder; a challenger earns 0.01 OPEN per output byte moved.
    minAttributionBond: (10n * 10n ** 18n).toString(),
    challengeRewardPerByte: (10n ** 16n).toString(),
    uncoveredToDatanets: false,
    // Attested scores: ten blocks to commit, ten to reveal; two thirds of the power must reveal.
    attestationWindowBlocks: 20,
    attestationQuorumBps: 6_667,
    maxCandidates: 16,
    maxMissedAttestations: 100,
  },
};

/** The staking section of new files (docs/staking.md explains each parameter). */
export const DEFAULT_STAKING: GenesisInput['staking'] = {
  params: {
    maxValidators: 100,
    minSelfBond: OPEN_WEI,
    // 1 OPEN of stake = 1 voting power.
    powerReduction: OPEN_WEI,
    // A week of one-second blocks; at least evidenceMaxAgeBlocks, so no offender unbonds before its evidence expires.
    unbondingBlocks: 604_800,
    maxEntries: 7,
    // Jailed after signing fewer than 5% of the last 10,000 blocks (as the Cosmos Hub).
    signedBlocksWindow: 10_000,
    minSignedPerWindowBps: 500,
    downtimeJailBlocks: 600,
    slashFractionDoubleSignBps: 500,
    slashFractionDowntimeBps: 100,
    slashToTreasury: false,
    feesToStakersBps: 5_000,
    maxPowerChangeBps: 3_333,
    blockReward: OPEN_WEI,
    rewardHalvingBlocks: 0,
  },
  rewardsPool: '0',
};

/** The gov section of new files (docs/governance.md explains each parameter). */
export const DEFAULT_GOV: NonNullable<GenesisInput['gov']> = {
  params: {
    // 100 OPEN to bring a proposal to a vote; the submitter brings at least a quarter of it.
    minDeposit: (100n * 10n ** 18n).toString(),
    minInitialDepositBps: 2_500,
    // Two days, then a week, of one-second blocks.
    maxDepositPeriodBlocks: 172_800,
    votingPeriodBlocks: 604_800,
    // The Cosmos Hub's: a third of the bonded stake votes, more than half of it yes, at most a third vetoes.
    quorumBps: 3_340,
    thresholdBps: 5_000,
    vetoThresholdBps: 3_340,
  },
};

export const DEV_CHAIN_ID = 1337;
