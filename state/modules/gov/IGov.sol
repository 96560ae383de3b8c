// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title openchain governance module (docs/governance.md has the rules and parameter bounds)
/// @notice A native module (no EVM) at 0x00000000000000000000000000000000000060f0. Amounts are OPEN base
/// units (18 decimals); periods are in blocks. msg.value of a submit or deposit is the deposit.
interface IGov {
    /// Proposal kind: TEXT = 0, PARAM_CHANGE = 1, TREASURY_SPEND = 2.
    /// Proposal status: DEPOSIT = 0, VOTING = 1, PASSED = 2, REJECTED = 3, VETOED = 4 (deposits burned),
    /// NO_QUORUM = 5 (deposits burned), FAILED = 6 (passed, execution failed: see failure), EXPIRED = 7.
    /// Vote option: YES = 1, ABSTAIN = 2, NO = 3, NO_WITH_VETO = 4.

    struct Params {
        uint256 minDeposit;              // total deposit that starts the voting period
        uint16 minInitialDepositBps;     // the submitter's least deposit, of minDeposit
        uint64 maxDepositPeriodBlocks;
        uint64 votingPeriodBlocks;
        uint16 quorumBps;                // of the bonded stake, abstain included
        uint16 thresholdBps;             // yes of yes + no + noWithVeto
        uint16 vetoThresholdBps;         // noWithVeto of all votes
    }

    /// module: "attribution", "staking" or "gov"; key: the parameter's name as in its Params;
    /// value: a decimal integer, or true/false.
    struct ParamChange {
        string module;
        string key;
        string value;
    }

    struct Tally {
        uint256 yes;
        uint256 abstain;
        uint256 no;
        uint256 noWithVeto;
        uint256 bonded;                  // the bonded stake the quorum is measured against
    }

    struct Proposal {
        uint64 id;
        uint8 kind;
        uint8 status;
        address proposer;
        string title;
        string summary;
        ParamChange[] changes;
        address recipient;               // treasury spends
        uint256 amount;                  // treasury spends
        uint256 totalDeposit;
        uint64 submitHeight;
        uint64 depositEndHeight;
        uint64 votingEndHeight;          // 0 until the deposit reaches minDeposit
        uint32 voters;
        Tally tally;                     // live while VOTING, final after
        string failure;                  // why execution failed (FAILED)
    }

    struct Deposit {
        address depositor;
        uint256 amount;
    }

    struct Vote {
        address voter;
        uint8 option;
    }

    event ProposalSubmitted(uint64 indexed id, address indexed proposer, uint8 kind, string title);
    event DepositAdded(uint64 indexed id, address indexed depositor, uint256 amount, uint256 totalDeposit);
    event VotingStarted(uint64 indexed id, uint64 votingEndHeight);
    event Voted(uint64 indexed id, address indexed voter, uint8 option);
    /// Emitted by the end-of-block step, not by a transaction: served by open_getBlockEvents and
    /// open_subscribe("gov"), not by eth_getLogs (docs/governance.md "Events"). `status` is the
    /// outcome (PASSED 2, REJECTED 3, VETOED 4, NO_QUORUM 5, FAILED 6, EXPIRED 7); `failure` says
    /// why execution failed (FAILED), else it is empty.
    event ProposalEnded(uint64 indexed id, uint8 status, string failure);
    /// End of block: every deposit of the proposal went back to its depositor (total `amount`).
    event DepositsRefunded(uint64 indexed id, uint256 amount);
    /// End of block: the proposal's deposits left the supply (vetoed, or no quorum).
    event DepositsBurned(uint64 indexed id, uint256 amount);

    /// Refused at once (with the reason) if a change names an unknown module or key, has a value of the
    /// wrong type, or leaves a parameter outside its bounds or the parameters inconsistent.
    function submitParamChange(string calldata title, string calldata summary, ParamChange[] calldata changes) external payable;
    /// Pays `amount` from the chain's treasury account to `recipient` if it passes.
    function submitTreasurySpend(string calldata title, string calldata summary, address recipient, uint256 amount) external payable;
    function submitText(string calldata title, string calldata summary) external payable;
    /// During the deposit period only.
    function deposit(uint64 id) external payable;
    /// During the voting period, by an account with a delegation; a second vote replaces the first.
    function vote(uint64 id, uint8 option) external;

    function params() external view returns (Params memory);
    function proposalCount() external view returns (uint64);
    function proposal(uint64 id) external view returns (Proposal memory);
    function tally(uint64 id) external view returns (Tally memory);
    function deposits(uint64 id) external view returns (Deposit[] memory);
    function votes(uint64 id) external view returns (Vote[] memory);
}
