// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title openchain attribution module
/// @notice A native module (no EVM) at 0x0000000000000000000000000000000000000a77. Send transactions
/// with this calldata from any Ethereum tool; read with eth_call. Write functions return nothing:
/// new ids are in the events. Amounts are OPEN base units (18 decimals). Times are block times in
/// milliseconds. See docs/attribution.md for the rules each call enforces.
interface IAttribution {
    /// Datanet policy: OPEN = 0 (contributions accepted on submission), CURATED = 1 (owner approves).
    /// Contribution status: PENDING = 0, ACCEPTED = 1, REJECTED = 2, FLAGGED = 3, WITHDRAWN = 4, DISPLACED = 5.
    /// Adapter policy mode: CLOSED = 0 (only the base model's owner), OPEN = 1, ALLOW_LIST = 2.
    /// Bond status: NONE = 0, HELD = 1, WITHDRAWN = 2, BURNED = 3.
    /// Flag reason: REDUNDANT = 1, ADVERSARIAL = 2.
    /// Reward role: MODEL_OWNER = 0, BASE_MODEL_OWNER = 1, CONTRIBUTOR = 2, VALIDATOR = 3, TREASURY = 4,
    /// DATANET_OWNER = 5 (the uncovered pool, when params.uncoveredToDatanets), CHALLENGER = 6.

    struct FeeSplit {
        uint16 ownerBps;
        uint16 contributorsBps;
        uint16 validatorsBps;
        uint16 treasuryBps;
    }

    /// output[outputStart : outputStart + length] equals bytes [chunkOffset, chunkOffset + length) of
    /// the concatenation of `chunks`, which are chunks chunkIndex, chunkIndex + 1, ... of the
    /// contribution, each with its Merkle path (sibling hashes from the leaf up).
    struct Span {
        uint64 contributionId;
        uint32 outputStart;
        uint32 length;
        uint64 chunkIndex;
        uint32 chunkOffset;
        bytes[] chunks;
        bytes32[][] paths;
    }

    struct Params {
        uint32 chunkSize;
        uint32 minSpanLength;
        uint32 maxOutputBytes;
        uint32 maxSpansPerRecord;
        uint32 maxLoraDepth;
        uint16 loraBaseShareBps;
        uint64 challengeWindowSeconds;
        uint32 revealWindowBlocks;
        uint8 possessionSamples;
        uint64 reviewWindowBlocks;
        uint16 minContributorsBps;
        uint16 minValidatorsBps;
        uint256 minFeePerInference;
        uint256 maxModelFee;
        uint64 challengeWindowBlocks;
        uint256 minAttributionBond;
        uint256 challengeRewardPerByte;
        bool uncoveredToDatanets;
        uint32 attestationWindowBlocks;
        uint16 attestationQuorumBps;
        uint32 maxCandidates;
        uint32 maxMissedAttestations;
    }

    struct Datanet {
        uint64 id;
        address owner;
        uint8 policy;
        uint256 bond;
        string name;
        string metadataURI;
        string license;
        uint64 createdAt;
        uint256 earned;
    }

    struct Contribution {
        uint64 id;
        uint64 datanetId;
        address contributor;
        bytes32 chunkRoot;
        uint64 size;
        uint32 chunkSize;
        string uri;
        uint8 status;
        uint8 flagReason;
        uint256 bond;
        uint8 bondStatus;
        uint64 submittedAt;
        uint64 acceptedAt;
        uint256 earned;
        uint64 commitHeight;
        uint64 submittedHeight;
        uint64 challengeWindowSeconds;
    }

    struct Model {
        uint64 id;
        address owner;
        string name;
        string metadataURI;
        uint64[] datanetIds;
        uint64 baseModelId;
        uint32 depth;
        uint256 feePerInference;
        uint256 feePerKiloByte;
        FeeSplit split;
        uint64 createdAt;
        uint64 inferences;
        uint256 feesCharged;
        uint16 baseShareBps;
    }

    struct SpanRecord {
        uint64 contributionId;
        uint32 outputStart;
        uint32 length;
        uint32 attributedBytes;
    }

    struct Payout {
        uint8 role;
        uint64 refId;
        address recipient;
        uint256 amount;
    }

    /// A chunk of a contribution being revealed, at an index the chain draws, with its Merkle path.
    struct ChunkSample {
        bytes chunk;
        bytes32[] path;
    }

    struct Inference {
        uint64 id;
        uint64 modelId;
        address caller;
        uint64 height;
        uint64 time;
        uint256 fee;
        bytes32 outputHash;
        uint32 outputBytes;
        uint32 attributedBytes;
        uint64[] lineage;
        uint64[] datanetIds;
        SpanRecord[] spans;
        Payout[] payouts;
    }

    /// An output range and the contribution the canonical attribution gives it to.
    struct Segment {
        uint32 outputStart;
        uint32 length;
        uint64 contributionId;
    }

    /// An inference's contributors' pool: held until block windowEnd, then paid by `segments`.
    struct Escrow {
        uint64 inferenceId;
        address recorder;
        uint256 pool;
        uint64 windowEnd;
        Segment[] segments;
        uint32 attributedBytes;
        uint32 challenges;
        uint256 slashed;
        bool settled;
        Payout[] payouts;
    }

    struct AttributionBond {
        uint256 amount;
        uint64 withdrawableAt;
    }

    /// An inference attributed by attested scores (docs/attribution.md, "Attested scores"). Ids are
    /// shared with span records (getInference answers for both). Scores are in [0, 10000], one per
    /// candidate in `candidates` order. Validators commit at heights (height, commitEnd], reveal in
    /// (commitEnd, revealEnd]; anyone settles after revealEnd. `pool` (contributors') and
    /// `validatorsPool` (attesters') stay escrowed until then. totalPower is the power of the
    /// validator set at `height`, the only validators that may attest.
    struct AttestedInference {
        uint64 id;
        uint64 modelId;
        address recorder;
        uint64 height;
        bytes32 outputHash;
        uint32 outputBytes;
        uint64[] candidates;
        uint16[] claimedScores;
        uint64 commitEnd;
        uint64 revealEnd;
        uint256 pool;
        uint256 validatorsPool;
        bool settled;
        bool quorumReached;
        uint16[] consensusScores;
        uint256 revealedPower;
        uint256 totalPower;
        Payout[] payouts;
    }

    /// One validator of an attested record's snapshot (validator = its operator address).
    /// clippedScores: min(score, consensus) per candidate, once settled with a quorum.
    struct Attestation {
        address validator;
        uint256 power;
        bool committed;
        bool revealed;
        uint16[] scores;
        uint16[] clippedScores;
        uint256 reward;
    }

    /// A recipient's payouts by role (Payout.role), in total.
    struct Earnings {
        uint256 modelOwner;
        uint256 baseModelOwner;
        uint256 contributor;
        uint256 validator;
        uint256 treasury;
        uint256 datanetOwner;
        uint256 challenger;
    }

    event DatanetCreated(uint64 indexed datanetId, address indexed owner, uint8 policy, uint256 bond, string name);
    event ContributionAdded(
        uint64 indexed contributionId,
        uint64 indexed datanetId,
        address indexed contributor,
        bytes32 chunkRoot,
        uint64 size,
        uint8 status,
        uint256 bond
    );
    event ContributionApproved(uint64 indexed contributionId, uint64 indexed datanetId);
    event ContributionRejected(uint64 indexed contributionId, uint64 indexed datanetId);
    event ContributionFlagged(uint64 indexed contributionId, uint64 indexed datanetId, uint8 reason, uint256 bondBurned);
    event BondWithdrawn(uint64 indexed contributionId, address indexed contributor, uint256 amount);
    event ModelRegistered(
        uint64 indexed modelId,
        address indexed owner,
        uint64 indexed baseModelId,
        uint64[] datanetIds,
        uint256 feePerInference,
        uint256 feePerKiloByte,
        FeeSplit split,
        string name
    );
    event InferenceAttributed(
        uint64 indexed inferenceId,
        uint64 indexed modelId,
        address indexed caller,
        uint256 fee,
        bytes32 outputHash,
        uint32 outputBytes,
        uint32 attributedBytes,
        uint64[] lineage,
        uint64[] datanetIds
    );
    event RewardPaid(uint64 indexed inferenceId, address indexed recipient, uint8 indexed role, uint64 refId, uint256 amount);
    event OperatorSet(uint64 indexed modelId, address indexed operator, bool allowed);
    event AttributionBondPosted(uint64 indexed modelId, address indexed recorder, uint256 amount, uint256 total);
    event AttributionBondUnlocked(uint64 indexed modelId, address indexed recorder, uint64 withdrawableAt);
    event AttributionBondWithdrawn(uint64 indexed modelId, address indexed recorder, uint256 amount);
    event InferenceChallenged(
        uint64 indexed inferenceId,
        address indexed challenger,
        address indexed recorder,
        uint32 bytesMoved,
        uint256 reward,
        uint32 attributedBytes
    );
    event InferenceSettled(uint64 indexed inferenceId, uint32 attributedBytes, uint256 toContributors, uint256 uncovered);
    event ContributionCommitted(bytes32 indexed commitment, address indexed sender, uint64 height);
    event ContributionDisplaced(uint64 indexed contributionId, uint64 indexed byContributionId);
    event ContributionWithdrawn(uint64 indexed contributionId, address indexed contributor, uint256 refund);
    event AdapterPolicySet(uint64 indexed modelId, uint8 mode, uint16 minBaseShareBps);
    event AdapterAllowed(uint64 indexed modelId, address indexed adapterOwner, bool allowed);
    event DatanetModelAllowed(uint64 indexed datanetId, address indexed modelOwner, bool allowed);
    event AttestedInferenceRecorded(uint64 indexed inferenceId, uint64 indexed modelId, address indexed recorder, uint64[] candidates, uint64 commitEnd, uint64 revealEnd);
    event AttestationCommitted(uint64 indexed inferenceId, address indexed validator);
    event AttestationRevealed(uint64 indexed inferenceId, address indexed validator, uint16[] scores);
    event AttestedInferenceSettled(uint64 indexed inferenceId, bool quorum, uint16[] consensusScores, uint256 toContributors, uint256 toAttesters);
    /// A validator reached maxMissedAttestations misses in a row: slashed and jailed as for downtime.
    event AttestationsMissed(address indexed validator, uint32 missed, uint256 slashed);

    /// Creates a Datanet owned by the sender. `bond` is what each contribution must send with it.
    function createDatanet(string calldata name, string calldata metadataURI, string calldata license, uint8 policy, uint256 bond) external;

    /// Reveals a commitment (commitContribution) 3 to revealWindowBlocks blocks after it: registers
    /// content by its chunk-tree root and size (chunked with the current params.chunkSize), proving
    /// possession with the chunks at possessionIndices(commitment, size). msg.value must equal the
    /// Datanet's bond. A root held by a registration with an earlier (or the same) commit height is
    /// refused; one held by a later commit is displaced (docs/attribution.md, "Registration").
    function addContribution(
        uint64 datanetId,
        bytes32 chunkRoot,
        uint64 size,
        string calldata uri,
        bytes32 salt,
        ChunkSample[] calldata samples
    ) external payable;

    /// Curated Datanets only, by the Datanet owner, for a pending contribution.
    function approveContribution(uint64 contributionId) external;
    function rejectContribution(uint64 contributionId) external;

    /// Curated Datanets only, by the Datanet owner, for an accepted contribution within the
    /// challenge window after its acceptance. Burns the bond; the contribution stops earning.
    function flagContribution(uint64 contributionId, uint8 reason) external;

    /// By the contributor: a rejected, withdrawn or displaced contribution's bond at once, an accepted
    /// one's after the challenge window in force at its acceptance.
    function withdrawBond(uint64 contributionId) external;

    /// Registers a model (or a LoRA adapter when baseModelId != 0) owned by the sender.
    function registerModel(
        string calldata name,
        string calldata metadataURI,
        uint64[] calldata datanetIds,
        uint64 baseModelId,
        uint256 feePerInference,
        uint256 feePerKiloByte,
        FeeSplit calldata split
    ) external;

    /// Records an inference of `modelId` with span proofs; msg.value must equal modelFee(modelId, output.length).
    /// Spans are in canonical order: outputStart ascending, then length descending, then contributionId ascending.
    /// Only the model's owner or an operator it authorized, holding an attribution bond of at least
    /// params.minAttributionBond for the model. The contributors' share is escrowed (getEscrow).
    function recordInference(uint64 modelId, bytes calldata output, Span[] calldata spans) external payable;

    /// By the model's owner: allows or disallows `operator` to record the model's inferences.
    function setOperator(uint64 modelId, address operator, bool allowed) external;

    /// Adds msg.value to the sender's attribution bond for the model (and cancels an unlock).
    function postAttributionBond(uint64 modelId) external payable;

    /// Starts withdrawing the sender's bond: no recording from now; withdrawable after the challenge
    /// window of its last record (at AttributionBond.withdrawableAt); challenges can still take it.
    function unlockAttributionBond(uint64 modelId) external;
    function withdrawAttributionBond(uint64 modelId) external;

    /// By anyone, within the inference's challenge window: more span proofs over its output (which
    /// must hash to the recorded output hash). Fails with ATTRIBUTION_UNCHANGED unless the canonical
    /// attribution changes; else pays the sender challengeRewardPerByte per byte moved from the
    /// recorder's attribution bond (at most the bond).
    function challengeInference(uint64 inferenceId, bytes calldata output, Span[] calldata spans) external;

    /// By anyone, after the challenge window: pays the escrowed pool by the canonical attribution.
    function settleInference(uint64 inferenceId) external;
    /// commitment = keccak256(abi.encode(chunkRoot, size, msg.sender, salt)) of the later reveal.
    function commitContribution(bytes32 commitment) external;

    /// By the contributor, for a contribution pending more than reviewWindowBlocks: refunds the whole
    /// bond and frees the root.
    function withdrawContribution(uint64 contributionId) external;

    /// By a model's owner: who may register adapters on it, and the share of the whole fee they pass on.
    function setAdapterPolicy(uint64 modelId, uint8 mode, uint16 minBaseShareBps) external;
    function setAdapterAllowed(uint64 modelId, address adapterOwner, bool allowed) external;

    /// By a curated Datanet's owner: whose models may name the Datanet.
    function setDatanetModelAllowed(uint64 datanetId, address modelOwner, bool allowed) external;

    /// Records an inference attributed by attested scores: 1..maxCandidates distinct accepted
    /// contributions of the lineage's Datanets, with the recorder's claimed score for each. Same
    /// recorders, fee (msg.value = modelFee) and output cap as recordInference; the contributors'
    /// and validators' shares are escrowed until settleAttestedInference.
    function recordAttestedInference(uint64 modelId, bytes calldata output, uint64[] calldata candidates, uint16[] calldata claimedScores) external payable;
    /// By a validator of the record's snapshot, in the commit half of the window (a later commit replaces the earlier):
    /// commitment = keccak256(abi.encode(uint64 inferenceId, address validator, uint16[] scores, bytes32 salt)),
    /// validator = msg.sender.
    function commitAttestation(uint64 inferenceId, bytes32 commitment) external;
    /// In the reveal half: opens the sender's commitment.
    function revealAttestation(uint64 inferenceId, uint16[] calldata scores, bytes32 salt) external;
    /// By anyone after revealEnd: consensus scores, payouts (or a refund without quorum), missed counts.
    function settleAttestedInference(uint64 inferenceId) external;

    function params() external view returns (Params memory);
    function counts() external view returns (uint64 datanets, uint64 contributions, uint64 models, uint64 inferences);
    function getDatanet(uint64 datanetId) external view returns (Datanet memory);
    function getContribution(uint64 contributionId) external view returns (Contribution memory);
    /// The contribution registered with this chunk root (the chain's content hash), or 0.
    function contributionByRoot(bytes32 chunkRoot) external view returns (uint64 contributionId);
    function getModel(uint64 modelId) external view returns (Model memory);
    function modelFee(uint64 modelId, uint32 outputBytes) external view returns (uint256 fee);
    function getInference(uint64 inferenceId) external view returns (Inference memory);
    function contributorEarnings(address contributor) external view returns (uint256);
    function contributionEarnings(uint64 contributionId) external view returns (uint256);
    function datanetEarnings(uint64 datanetId) external view returns (uint256);
    /// What `recipient` has been paid in each role, in total (validator: the staking module's
    /// account, which pays the validators' share with its block income).
    function earningsOf(address recipient) external view returns (Earnings memory);
    function isOperator(uint64 modelId, address operator) external view returns (bool);
    function attributionBond(uint64 modelId, address recorder) external view returns (AttributionBond memory);
    function getEscrow(uint64 inferenceId) external view returns (Escrow memory);
    /// The height a live commitment was made at, or 0.
    function commitmentHeight(bytes32 commitment) external view returns (uint64 height);
    /// The chunk indices a reveal of the commitment must prove, once block commit+1's hash is known.
    function possessionIndices(bytes32 commitment, uint64 size) external view returns (uint64[] memory indices);
    function adapterPolicy(uint64 modelId) external view returns (uint8 mode, uint16 minBaseShareBps);
    function adapterAllowed(uint64 modelId, address adapterOwner) external view returns (bool);
    function datanetModelAllowed(uint64 datanetId, address modelOwner) external view returns (bool);
    function getAttestedInference(uint64 inferenceId) external view returns (AttestedInference memory);
    /// One entry per validator of the record's snapshot, in the set's order.
    function getAttestations(uint64 inferenceId) external view returns (Attestation[] memory);
    /// Attested records `validator` missed in a row (counted at settlement).
    function missedAttestations(address validator) external view returns (uint32);
}
