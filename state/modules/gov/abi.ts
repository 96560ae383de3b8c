// The governance module's ABI: the same interface as IGov.sol (test/state/modules/gov/abi.test.ts holds
// them equal), as human-readable signatures that ox and viem parse at the type level too.
import { Abi } from 'ox';
import type { Address } from '../../../core/address.ts';

/** The module's reserved address ("60f0" for governance). */
export const GOV_ADDRESS: Address = '0x00000000000000000000000000000000000060f0';

export const govSignatures = [
  'struct Params { uint256 minDeposit; uint16 minInitialDepositBps; uint64 maxDepositPeriodBlocks; uint64 votingPeriodBlocks; uint16 quorumBps; uint16 thresholdBps; uint16 vetoThresholdBps; }',
  'struct ParamChange { string module; string key; string value; }',
  'struct Tally { uint256 yes; uint256 abstain; uint256 no; uint256 noWithVeto; uint256 bonded; }',
  'struct Proposal { uint64 id; uint8 kind; uint8 status; address proposer; string title; string summary; ParamChange[] changes; address recipient; uint256 amount; uint256 totalDeposit; uint64 submitHeight; uint64 depositEndHeight; uint64 votingEndHeight; uint32 voters; Tally tally; string failure; }',
  'struct Deposit { address depositor; uint256 amount; }',
  'struct Vote { address voter; uint8 option; }',

  'event ProposalSubmitted(uint64 indexed id, address indexed proposer, uint8 kind, string title)',
  'event DepositAdded(uint64 indexed id, address indexed depositor, uint256 amount, uint256 totalDeposit)',
  'event VotingStarted(uint64 indexed id, uint64 votingEndHeight)',
  'event Voted(uint64 indexed id, address indexed voter, uint8 option)',
  'event ProposalEnded(uint64 indexed id, uint8 status, string failure)',
  'event DepositsRefunded(uint64 indexed id, uint256 amount)',
  'event DepositsBurned(uint64 indexed id, uint256 amount)',

  'function submitParamChange(string title, string summary, ParamChange[] changes) external payable',
  'function submitTreasurySpend(string title, string summary, address recipient, uint256 amount) external payable',
  'function submitText(string title, string summary) external payable',
  'function deposit(uint64 id) external payable',
  'function vote(uint64 id, uint8 option) external',

  'function params() external view returns (Params)',
  'function proposalCount() external view returns (uint64)',
  'function proposal(uint64 id) external view returns (Proposal)',
  'function tally(uint64 id) external view returns (Tally)',
  'function deposits(uint64 id) external view returns (Deposit[])',
  'function votes(uint64 id) external view returns (Vote[])',
] as const;

export const govAbi = Abi.from(govSignatures);
