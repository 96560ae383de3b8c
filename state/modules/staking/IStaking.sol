// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title openchain staking module (docs/staking.md has the rules, formulas and parameter bounds)
/// @notice A native module (no EVM) at 0x00000000000000000000000000000000000057a4. Amounts are OPEN base
/// units (18 decimals). Heights are block heights. A validator is named by its OPERATOR address (the
/// account that created it); its consensus key is an ed25519 public key.
interface IStaking {
    /// Validator status: ACTIVE = 0 (in the consensus set), INACTIVE = 1 (bonded, outside the set),
    /// JAILED = 2, TOMBSTONED = 3 (jailed forever after double signing).
    /// Slash reason: DOUBLE_SIGN = 1, DOWNTIME = 2.

    struct Params {
        uint32 maxValidators;
        uint256 minSelfBond;
        uint256 powerReduction;          // voting power = bonded tokens / powerReduction
        uint64 unbondingBlocks;          // must be >= the chain's evidenceMaxAgeBlocks
        uint32 maxEntries;               // unbonding / redelegation entries per (delegator, validator)
        uint64 signedBlocksWindow;
        uint16 minSignedPerWindowBps;
        uint64 downtimeJailBlocks;
        uint16 slashFractionDoubleSignBps;
        uint16 slashFractionDowntimeBps;
        bool slashToTreasury;            // false: slashed tokens are burned
        uint16 feesToStakersBps;         // share of the unburned base fee that goes to stakers (rest: treasury)
        uint16 maxPowerChangeBps;        // cap on the voting power that changes in one block (<= 3333)
        uint256 blockReward;             // paid per block from the rewards pool while it lasts
        uint64 rewardHalvingBlocks;      // 0: fixed reward; else the reward halves every this many blocks
    }

    struct Validator {
        address operator;
        bytes32 consensusKey;
        address consensusAddress;
        uint8 status;
        uint256 tokens;                  // bonded stake (self-bond + delegations, after slashes)
        uint256 delegatorShares;
        uint256 selfBond;                // tokens of the operator's own delegation
        uint64 power;
        uint16 commissionBps;
        uint16 maxCommissionBps;
        uint16 maxChangeBps;             // max commission change per 86,400,000 ms of block time
        uint64 commissionChangedAt;      // block time (ms)
        uint64 jailedUntil;              // height
        uint64 missedBlocks;             // in the current signing window
        uint256 commission;              // accumulated, not yet withdrawn
        string moniker;
        string metadata;
    }

    struct Delegation {
        address delegator;
        address validator;
        uint256 shares;
        uint256 tokens;
        uint256 pendingRewards;
    }

    struct Unbonding {
        address delegator;
        address validator;
        uint64 creationHeight;
        uint64 completionHeight;
        uint256 initialBalance;
        uint256 balance;                 // after slashes
    }

    struct Redelegation {
        address delegator;
        address from;
        address to;
        uint64 creationHeight;
        uint64 completionHeight;
        uint256 initialBalance;
        uint256 shares;                  // shares received at `to`
    }

    struct Pool {
        uint256 bonded;                  // tokens of ACTIVE validators
        uint256 notBonded;               // tokens of other validators plus unbonding balances
        uint256 rewardsPool;             // left to pay as block rewards
        uint256 distributed;             // all rewards ever allocated (fees + block rewards)
        uint256 paid;                    // rewards and commission ever withdrawn
        uint256 dust;                    // whole wei of rounding remainders, never lost (kept in the module account)
        uint256 slashed;                 // all tokens ever slashed
        uint64 totalPower;
    }

    event ValidatorCreated(address indexed operator, bytes32 consensusKey, uint256 selfBond, uint16 commissionBps, string moniker);
    event ValidatorEdited(address indexed operator, uint16 commissionBps, string moniker, string metadata);
    event Delegated(address indexed delegator, address indexed validator, uint256 amount, uint256 shares);
    event Undelegated(address indexed delegator, address indexed validator, uint256 amount, uint64 completionHeight);
    event Redelegated(address indexed delegator, address indexed from, address indexed to, uint256 amount, uint64 completionHeight);
    event RewardsWithdrawn(address indexed delegator, address indexed validator, uint256 amount);
    event CommissionWithdrawn(address indexed operator, uint256 amount);
    event Unjailed(address indexed operator);

    /// msg.value is the self-bond. keySignature: ed25519 signature by the consensus key of
    /// keccak256("openchain/staking/bind-key" || uint256 chainId || operator address) (docs/staking.md).
    function createValidator(bytes32 consensusKey, bytes keySignature, uint16 commissionBps, uint16 maxCommissionBps, uint16 maxChangeBps, string moniker, string metadata) external payable;
    function editValidator(uint16 commissionBps, string moniker, string metadata) external;
    function delegate(address validator) external payable;
    function undelegate(address validator, uint256 amount) external;
    function redelegate(address from, address to, uint256 amount) external;
    /// The sender's rewards from `validator`; the validator's commission too if the sender is its operator.
    function withdrawRewards(address validator) external;
    function unjail() external;

    function params() external view returns (Params memory);
    function pool() external view returns (Pool memory);
    function validator(address operator) external view returns (Validator memory);
    /// Every validator that is not removed, ACTIVE first, then by tokens descending, then operator.
    function validators() external view returns (Validator[] memory);
    function delegation(address delegator, address validator) external view returns (Delegation memory);
    function delegations(address delegator) external view returns (Delegation[] memory);
    function unbondings(address delegator) external view returns (Unbonding[] memory);
    function redelegations(address delegator) external view returns (Redelegation[] memory);
    function pendingRewards(address delegator, address validator) external view returns (uint256);
    /// What `recipient` has been paid, in total: delegation rewards (withdrawn, or settled when its
    /// delegation changed) and commission withdrawn.
    function paid(address recipient) external view returns (uint256 rewards, uint256 commission);
}
