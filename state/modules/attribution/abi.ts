// The attribution module's ABI: the same interface as IAttribution.sol (test/state/modules/attribution
// /abi.test.ts holds them equal), as human-readable signatures that ox and viem parse at the type
// level too. `attributionAbi` is the JSON ABI for tools (viem's readContract/decodeEventLog, ethers).
import { Abi } from 'ox';
import type { Address } from '../../../core/address.ts';

/** The module's reserved address ("a77" for attribution). */
export const ATTRIBUTION_ADDRESS: Address = '0x0000000000000000000000000000000000000a77';

export const attributionSignatures = [
  'struct FeeSplit { uint16 ownerBps; uint16 contributorsBps; uint16 validatorsBps; uint16 treasuryBps; }',
  'struct Span { uint64 contributionId; uint32 outputStart; uint32 length; uint64 chunkIndex; uint32 chunkOffset; bytes[] chunks; bytes32[][] paths; }',
  'struct Params { uint32 chunkSize; uint32 minSpanLength; uint32 maxOutputBytes; uint32 maxSpansPerRecord; uint32 maxLoraDepth; uint16 loraBaseShareBps; uint64 challengeWindowSeconds; uint32 revealWindowBlocks; uint8 possessionSamples; uint64 reviewWindowBlocks; uint16 minContributorsBps; uint16 minValidatorsBps; uint256 minFeePerInference; uint256 maxModelFee; uint64 challengeWindowBlocks; uint256 minAttributionBond; uint256 challengeRewardPerByte; bool uncoveredToDatanets; }',
  'struct Datanet { uint64 id; address owner; uint8 policy; uint256 bond; string name; string metadataURI; string license; uint64 createdAt; uint256 earned; }',
  'struct Contribution { uint64 id; uint64 datanetId; address contributor; bytes32 chunkRoot; uint64 size; uint32 chunkSize; string uri; uint8 status; uint8 flagReason; uint256 bond; uint8 bondStatus; uint64 submittedAt; uint64 acceptedAt; uint256 earned; uint64 commitHeight; uint64 submittedHeight; uint64 challengeWindowSeconds; }',
  'struct Model { uint64 id; address owner; string name; string metadataURI; uint64[] datanetIds; uint64 baseModelId; uint32 depth; uint256 feePerInference; uint256 feePerKiloByte; FeeSplit split; uint64 createdAt; uint64 inferences; uint256 feesCharged; uint16 baseShareBps; }',
  'struct SpanRecord { uint64 contributionId; uint32 outputStart; uint32 length; uint32 attributedBytes; }',
  'struct Payout { uint8 role; uint64 refId; address recipient; uint256 amount; }',
  'struct ChunkSample { bytes chunk; bytes32[] path; }',
  'struct Inference { uint64 id; uint64 modelId; address caller; uint64 height; uint64 time; uint256 fee; bytes32 outputHash; uint32 outputBytes; uint32 attributedBytes; uint64[] lineage; uint64[] datanetIds; SpanRecord[] spans; Payout[] payouts; }',

  'struct Segment { uint32 outputStart; uint32 length; uint64 contributionId; }',
  'struct Escrow { uint64 inferenceId; address recorder; uint256 pool; uint64 windowEnd; Segment[] segments; uint32 attributedBytes; uint32 challenges; uint256 slashed; bool settled; Payout[] payouts; }',
  'struct AttributionBond { uint256 amount; uint64 withdrawableAt; }',

  'event DatanetCreated(uint64 indexed datanetId, address indexed owner, uint8 policy, uint256 bond, string name)',
  'event ContributionAdded(uint64 indexed contributionId, uint64 indexed datanetId, address indexed contributor, bytes32 chunkRoot, uint64 size, uint8 status, uint256 bond)',
  'event ContributionApproved(uint64 indexed contributionId, uint64 indexed datanetId)',
  'event ContributionRejected(uint64 indexed contributionId, uint64 indexed datanetId)',
  'event ContributionFlagged(uint64 indexed contributionId, uint64 indexed datanetId, uint8 reason, uint256 bondBurned)',
  'event BondWithdrawn(uint64 indexed contributionId, address indexed contributor, uint256 amount)',
  'event ModelRegistered(uint64 indexed modelId, address indexed owner, uint64 indexed baseModelId, uint64[] datanetIds, uint256 feePerInference, uint256 feePerKiloByte, FeeSplit split, string name)',
  'event InferenceAttributed(uint64 indexed inferenceId, uint64 indexed modelId, address indexed caller, uint256 fee, bytes32 outputHash, uint32 outputBytes, uint32 attributedBytes, uint64[] lineage, uint64[] datanetIds)',
  'event RewardPaid(uint64 indexed inferenceId, address indexed recipient, uint8 indexed role, uint64 refId, uint256 amount)',
  'event OperatorSet(uint64 indexed modelId, address indexed operator, bool allowed)',
  'event AttributionBondPosted(uint64 indexed modelId, address indexed recorder, uint256 amount, uint256 total)',
  'event AttributionBondUnlocked(uint64 indexed modelId, address indexed recorder, uint64 withdrawableAt)',
  'event AttributionBondWithdrawn(uint64 indexed modelId, address indexed recorder, uint256 amount)',
  'event InferenceChallenged(uint64 indexed inferenceId, address indexed challenger, address indexed recorder, uint32 bytesMoved, uint256 reward, uint32 attributedBytes)',
  'event InferenceSettled(uint64 indexed inferenceId, uint32 attributedBytes, uint256 toContributors, uint256 uncovered)',
  'event ContributionCommitted(bytes32 indexed commitment, address indexed sender, uint64 height)',
  'event ContributionDisplaced(uint64 indexed contributionId, uint64 indexed byContributionId)',
  'event ContributionWithdrawn(uint64 indexed contributionId, address indexed contributor, uint256 refund)',
  'event AdapterPolicySet(uint64 indexed modelId, uint8 mode, uint16 minBaseShareBps)',
  'event AdapterAllowed(uint64 indexed modelId, address indexed adapterOwner, bool allowed)',
  'event DatanetModelAllowed(uint64 indexed datanetId, address indexed modelOwner, bool allowed)',

  'function createDatanet(string name, string metadataURI, string license, uint8 policy, uint256 bond) external',
  'function addContribution(uint64 datanetId, bytes32 chunkRoot, uint64 size, string uri, bytes32 salt, ChunkSample[] samples) external payable',
  'function approveContribution(uint64 contributionId) external',
  'function rejectContribution(uint64 contributionId) external',
  'function flagContribution(uint64 contributionId, uint8 reason) external',
  'function withdrawBond(uint64 contributionId) external',
  'function registerModel(string name, string metadataURI, uint64[] datanetIds, uint64 baseModelId, uint256 feePerInference, uint256 feePerKiloByte, FeeSplit split) external',
  'function recordInference(uint64 modelId, bytes output, Span[] spans) external payable',
  'function setOperator(uint64 modelId, address operator, bool allowed) external',
  'function postAttributionBond(uint64 modelId) external payable',
  'function unlockAttributionBond(uint64 modelId) external',
  'function withdrawAttributionBond(uint64 modelId) external',
  'function challengeInference(uint64 inferenceId, bytes output, Span[] spans) external',
  'function settleInference(uint64 inferenceId) external',
  'function commitContribution(bytes32 commitment) external',
  'function withdrawContribution(uint64 contributionId) external',
  'function setAdapterPolicy(uint64 modelId, uint8 mode, uint16 minBaseShareBps) external',
  'function setAdapterAllowed(uint64 modelId, address adapterOwner, bool allowed) external',
  'function setDatanetModelAllowed(uint64 datanetId, address modelOwner, bool allowed) external',

  'function params() external view returns (Params)',
  'function counts() external view returns (uint64 datanets, uint64 contributions, uint64 models, uint64 inferences)',
  'function getDatanet(uint64 datanetId) external view returns (Datanet)',
  'function getContribution(uint64 contributionId) external view returns (Contribution)',
  'function contributionByRoot(bytes32 chunkRoot) external view returns (uint64 contributionId)',
  'function getModel(uint64 modelId) external view returns (Model)',
  'function modelFee(uint64 modelId, uint32 outputBytes) external view returns (uint256 fee)',
  'function getInference(uint64 inferenceId) external view returns (Inference)',
  'function contributorEarnings(address contributor) external view returns (uint256)',
  'function contributionEarnings(uint64 contributionId) external view returns (uint256)',
  'function datanetEarnings(uint64 datanetId) external view returns (uint256)',
  'function isOperator(uint64 modelId, address operator) external view returns (bool)',
  'function attributionBond(uint64 modelId, address recorder) external view returns (AttributionBond)',
  'function getEscrow(uint64 inferenceId) external view returns (Escrow)',
  'function commitmentHeight(bytes32 commitment) external view returns (uint64 height)',
  'function possessionIndices(bytes32 commitment, uint64 size) external view returns (uint64[] indices)',
  'function adapterPolicy(uint64 modelId) external view returns (uint8 mode, uint16 minBaseShareBps)',
  'function adapterAllowed(uint64 modelId, address adapterOwner) external view returns (bool)',
  'function datanetModelAllowed(uint64 datanetId, address modelOwner) external view returns (bool)',
] as const;

export const attributionAbi = Abi.from(attributionSignatures);
