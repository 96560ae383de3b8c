// Staking from the command line: `openchain stake create-validator|delegate|undelegate|redelegate|
// withdraw-rewards|unjail|edit-validator|show`. Each command talks to a node over JSON-RPC through
// moduleClient.ts (views through eth_call, transactions signed locally) and prints JSON; amounts
// are decimal strings of wei. create-validator reads the consensus key from the node's home and
// signs the key binding with it (docs/staking.md, "Binding a consensus key"). A failed transaction
// prints its receipt's reason and exits 1. README, "Staking".
import { type Command, InvalidArgumentError } from 'commander';
import { type Address, parseAddress } from '../core/address.ts';
import { bytesToHex, type Hex } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { validatorAddress } from '../core/validator.ts';
import { namesOf } from '../rpc/records.ts';
import {
  STAKING_ADDRESS,
  signKeyBinding,
  stakingAbi,
  ValidatorStatus,
} from '../state/modules/staking/index.ts';
import { loadConfigFile } from './config.ts';
import { homePaths } from './home.ts';
import { loadValidatorKey, type ValidatorKey } from './keys.ts';
import {
  addressArg,
  amountArg,
  bps,
  calldata,
  connect,
  finish,
  type ModuleTarget,
  moduleView,
  type Node,
  print,
  request,
  type SignerOptions,
  sendAll,
  sendOne as sendModuleCall,
  signerFrom,
  type TxRequest,
  txSummary,
  withRpc,
  withSigner,
} from './moduleClient.ts';

const STAKING: ModuleTarget = { address: STAKING_ADDRESS, abi: stakingAbi };

const STATUS_NAMES = namesOf(ValidatorStatus);

/** Defaults of a new validator's commission: 10 %, at most 20 %, moving at most 1 point a day. */
const DEFAULT_COMMISSION = { rate: 1000, max: 2000, maxChange: 100 };

// ---------------------------------------------------------------------------------------------
// The module's records as the ABI decodes them

interface ValidatorView {
  operator: Address;
  consensusKey: Hex;
  consensusAddress: Address;
  status: number;
  tokens: bigint;
  delegatorShares: bigint;
  selfBond: bigint;
  power: bigint;
  commissionBps: number;
  maxCommissionBps: number;
  maxChangeBps: number;
  commissionChangedAt: bigint;
  jailedUntil: bigint;
  missedBlocks: bigint;
  commission: bigint;
  moniker: string;
  metadata: string;
}

interface DelegationView {
  delegator: Address;
  validator: Address;
  shares: bigint;
  tokens: bigint;
  pendingRewards: bigint;
}

/** A staking view. */
export function stakingView<T>(rpc: Node, name: string, args: readonly unknown[] = []): Promise<T> {
  return moduleView<T>(rpc, STAKING, name, args);
}

/** The validator `operator` runs, or undefined if it has none. */
export async function findValidator(rpc: Node, operator: Address): Promise<ValidatorView | undefined> {
  // The module answers an unknown operator with a revert (UNKNOWN_VALIDATOR).
  try {
    return await stakingView<ValidatorView>(rpc, 'validator', [operator]);
  } catch (err) {
    if (err instanceof OpenchainError && err.code === 'REVERTED') return undefined;
    throw err;
  }
}

async function requireValidator(rpc: Node, operator: Address): Promise<ValidatorView> {
  const v = await findValidator(rpc, operator);
  if (!v) throw new OpenchainError('UNKNOWN_VALIDATOR', `${operator} is not the operator of a validator`);
  return v;
}

/** A validator as people read it: status by name, stake and commission spelled out. */
export function describeValidator(v: ValidatorView) {
  return {
    operator: v.operator,
    moniker: v.moniker,
    status: STATUS_NAMES[v.status] ?? v.status,
    consensusKey: v.consensusKey,
    consensusAddress: v.consensusAddress,
    stake: v.tokens,
    selfBond: v.selfBond,
    delegatorShares: v.delegatorShares,
    power: v.power,
    commission: {
      rateBps: v.commissionBps,
      maxRateBps: v.maxCommissionBps,
      maxChangeBps: v.maxChangeBps,
      changedAt: v.commissionChangedAt,
      accumulated: v.commission,
    },
    missedBlocks: v.missedBlocks,
    jailedUntil: v.jailedUntil,
    metadata: v.metadata,
  };
}

/** A delegator's delegations, unbonding entries, redelegations and pending rewards. */
async function describeDelegator(rpc: Node, who: Address) {
  const [delegations, unbondings, redelegations] = await Promise.all([
    stakingView<readonly DelegationView[]>(rpc, 'delegations', [who]),
    stakingView<readonly Record<string, unknown>[]>(rpc, 'unbondings', [who]),
    stakingView<readonly Record<string, unknown>[]>(rpc, 'redelegations', [who]),
  ]);
  return {
    delegations: delegations.map((d) => ({
      validator: d.validator,
      shares: d.shares,
      stake: d.tokens,
      pendingRewards: d.pendingRewards,
    })),
    pendingRewards: delegations.reduce((sum, d) => sum + d.pendingRewards, 0n),
    unbondings,
    redelegations,
  };
}

// ---------------------------------------------------------------------------------------------
// Arguments and sending

function positive(amount: string): bigint {
  const value = amountArg(amount);
  if (value === 0n) throw new InvalidArgumentError('the amount must be more than zero');
  return value;
}

function homeKey(home: string): ValidatorKey {
  return loadValidatorKey(homePaths(home).validatorKey);
}

const sendOne = (opts: SignerOptions, request: TxRequest) => sendModuleCall(opts, STAKING, request);

// ---------------------------------------------------------------------------------------------
// Commands

export function registerStakeCommands(program: Command): void {
  const stake = program
    .command('stake')
    .description('stake OPEN: run a validator, delegate, collect rewards (the staking module)');

  withSigner(
    stake
      .command('create-validator')
      .description(
        "make the signing account the operator of a new validator whose consensus key is the home's (the key signs the binding)",
      )
      .requiredOption('--home <dir>', 'home of the node that will validate (its keys/validator.json)')
      .requiredOption('--amount <amount>', 'self-bond, in wei or e.g. 1000OPEN', positive)
      .option(
        '--commission <bps>',
        'commission rate in basis points',
        bps('--commission'),
        DEFAULT_COMMISSION.rate,
      )
      .option(
        '--max-commission <bps>',
        'the highest rate ever allowed (fixed)',
        bps('--max-commission'),
        DEFAULT_COMMISSION.max,
      )
      .option(
        '--max-change <bps>',
        'the most the rate may move per day (fixed)',
        bps('--max-change'),
        DEFAULT_COMMISSION.maxChange,
      )
      .option('--moniker <name>', "validator name (default: the home's moniker)")
      .option('--metadata <text>', 'website, contact or description', ''),
  ).action(
    async (
      opts: SignerOptions & {
        home: string;
        amount: bigint;
        commission: number;
        maxCommission: number;
        maxChange: number;
        moniker?: string;
        metadata: string;
      },
    ) => {
      const key = homeKey(opts.home);
      const moniker = opts.moniker ?? loadConfigFile(homePaths(opts.home).config).moniker;
      const rpc = connect(opts.rpc);
      const signer = signerFrom(opts.privateKey);
      const chainId = BigInt(await request(rpc, (node) => node.getChainId()));
      const signature = signKeyBinding(chainId, signer.address, key.secretKey);
      const data = calldata(STAKING, 'createValidator', [
        bytesToHex(key.pubKey),
        bytesToHex(signature),
        opts.commission,
        opts.maxCommission,
        opts.maxChange,
        moniker,
        opts.metadata,
      ]);
      const [sent] = await sendAll(
        rpc,
        signer,
        STAKING,
        [{ data, value: opts.amount, what: 'createValidator' }],
        opts.timeout * 1000,
      );
      finish(
        {
          operator: signer.address,
          consensusKey: bytesToHex(key.pubKey),
          consensusAddress: validatorAddress(key.pubKey),
          moniker,
          selfBond: opts.amount,
          commissionBps: opts.commission,
          ...txSummary(sent!),
        },
        [sent!],
      );
    },
  );

  withSigner(
    stake
      .command('delegate')
      .description('bond tokens to a validator')
      .requiredOption('--validator <address>', "the validator's operator address", addressArg)
      .requiredOption('--amount <amount>', 'in wei or e.g. 100OPEN', positive),
  ).action(async (opts: SignerOptions & { validator: Address; amount: bigint }) => {
    const data = calldata(STAKING, 'delegate', [opts.validator]);
    const { sent, from } = await sendOne(opts, { data, value: opts.amount, what: 'delegate' });
    finish({ delegator: from, validator: opts.validator, amount: opts.amount, ...txSummary(sent) }, [sent]);
  });

  withSigner(
    stake
      .command('undelegate')
      .description('start unbonding tokens from a validator; they return after the unbonding period')
      .requiredOption('--validator <address>', "the validator's operator address", addressArg)
      .requiredOption('--amount <amount>', 'in wei or e.g. 100OPEN', positive),
  ).action(async (opts: SignerOptions & { validator: Address; amount: bigint }) => {
    const data = calldata(STAKING, 'undelegate', [opts.validator, opts.amount]);
    const { sent, from } = await sendOne(opts, { data, what: 'undelegate' });
    const event = sent.events.find((e) => e.event === 'Undelegated');
    finish(
      {
        delegator: from,
        validator: opts.validator,
        amount: opts.amount,
        ...(event ? { completionHeight: event.args['completionHeight'] } : {}),
        ...txSummary(sent),
      },
      [sent],
    );
  });

  withSigner(
    stake
      .command('redelegate')
      .description('move bonded tokens from one validator to another at once')
      .requiredOption('--from <address>', 'source validator (operator address)', addressArg)
      .requiredOption('--to <address>', 'destination validator (operator address)', addressArg)
      .requiredOption('--amount <amount>', 'in wei or e.g. 100OPEN', positive),
  ).action(async (opts: SignerOptions & { from: Address; to: Address; amount: bigint }) => {
    const data = calldata(STAKING, 'redelegate', [opts.from, opts.to, opts.amount]);
    const { sent, from } = await sendOne(opts, { data, what: 'redelegate' });
    finish({ delegator: from, from: opts.from, to: opts.to, amount: opts.amount, ...txSummary(sent) }, [
      sent,
    ]);
  });

  withSigner(
    stake
      .command('withdraw-rewards')
      .description(
        "collect rewards from one validator, or from every validator delegated to (a validator's operator also collects its commission)",
      )
      .option('--validator <address>', "one validator's operator address", addressArg),
  ).action(async (opts: SignerOptions & { validator?: Address }) => {
    const rpc = connect(opts.rpc);
    const signer = signerFrom(opts.privateKey);
    let targets: Address[];
    if (opts.validator) targets = [opts.validator];
    else {
      const delegations = await stakingView<readonly DelegationView[]>(rpc, 'delegations', [signer.address]);
      targets = delegations.map((d) => d.validator);
      const own = await findValidator(rpc, signer.address);
      if (own && own.commission > 0n && !targets.includes(signer.address)) targets.push(signer.address);
      if (targets.length === 0)
        throw new OpenchainError(
          'NOTHING_TO_WITHDRAW',
          `${signer.address} has no delegations and no commission`,
        );
    }
    const sent = await sendAll(
      rpc,
      signer,
      STAKING,
      targets.map((v) => ({
        data: calldata(STAKING, 'withdrawRewards', [v]),
        what: `withdrawRewards from ${v}`,
      })),
      opts.timeout * 1000,
    );
    finish(
      {
        delegator: signer.address,
        withdrawals: sent.map((s, i) => ({
          validator: targets[i],
          rewards: s.events
            .filter((e) => e.event === 'RewardsWithdrawn')
            .reduce((sum, e) => sum + (e.args['amount'] as bigint), 0n),
          commission: s.events
            .filter((e) => e.event === 'CommissionWithdrawn')
            .reduce((sum, e) => sum + (e.args['amount'] as bigint), 0n),
          ...txSummary(s),
        })),
      },
      sent,
    );
  });

  withSigner(
    stake
      .command('unjail')
      .description("bring the signing account's jailed validator back once its jail time is over")
      .option('--home <dir>', "the validator's node home: checked to hold the validator's consensus key"),
  ).action(async (opts: SignerOptions & { home?: string }) => {
    const rpc = connect(opts.rpc);
    const signer = signerFrom(opts.privateKey);
    const v = await requireValidator(rpc, signer.address);
    if (opts.home !== undefined) {
      // Unjailing a validator whose node runs another key would only get it jailed again.
      const pubKey = bytesToHex(homeKey(opts.home).pubKey);
      if (pubKey !== v.consensusKey.toLowerCase())
        throw new OpenchainError(
          'WRONG_HOME',
          `${opts.home} holds consensus key ${pubKey}, but validator ${signer.address} is bound to ${v.consensusKey}`,
        );
    }
    const [sent] = await sendAll(
      rpc,
      signer,
      STAKING,
      [{ data: calldata(STAKING, 'unjail'), what: 'unjail' }],
      opts.timeout * 1000,
    );
    finish({ operator: signer.address, ...txSummary(sent!) }, [sent!]);
  });

  withSigner(
    stake
      .command('edit-validator')
      .description(
        "change the signing account's validator: commission (within its bounds), moniker, metadata",
      )
      .option('--commission <bps>', 'new commission rate in basis points', bps('--commission'))
      .option('--moniker <name>', 'new validator name')
      .option('--metadata <text>', 'new website, contact or description'),
  ).action(async (opts: SignerOptions & { commission?: number; moniker?: string; metadata?: string }) => {
    if (opts.commission === undefined && opts.moniker === undefined && opts.metadata === undefined)
      throw new OpenchainError('USAGE', 'edit-validator: give --commission, --moniker or --metadata');
    const rpc = connect(opts.rpc);
    const signer = signerFrom(opts.privateKey);
    // The module sets all three at once: what is not given stays as it is.
    const v = await requireValidator(rpc, signer.address);
    const next = {
      commissionBps: opts.commission ?? v.commissionBps,
      moniker: opts.moniker ?? v.moniker,
      metadata: opts.metadata ?? v.metadata,
    };
    const data = calldata(STAKING, 'editValidator', [next.commissionBps, next.moniker, next.metadata]);
    const [sent] = await sendAll(
      rpc,
      signer,
      STAKING,
      [{ data, what: 'editValidator' }],
      opts.timeout * 1000,
    );
    finish({ operator: signer.address, ...next, ...txSummary(sent!) }, [sent!]);
  });

  withRpc(
    stake
      .command('show [address]')
      .description(
        'a validator (status, stake, commission, missed blocks) and/or a delegator (delegations, unbonding entries, pending rewards); without ADDRESS every validator, the pool and the parameters',
      ),
  ).action(async (raw: string | undefined, opts: { rpc: string }) => {
    const rpc = connect(opts.rpc);
    if (raw === undefined) {
      const [params, pool, validators] = await Promise.all([
        stakingView(rpc, 'params'),
        stakingView(rpc, 'pool'),
        stakingView<readonly ValidatorView[]>(rpc, 'validators'),
      ]);
      print({ params, pool, validators: validators.map(describeValidator) });
      return;
    }
    let who: Address;
    try {
      who = parseAddress(raw);
    } catch (err) {
      throw new OpenchainError('USAGE', `stake show: ${(err as Error).message}`);
    }
    const [validator, delegator] = await Promise.all([findValidator(rpc, who), describeDelegator(rpc, who)]);
    print({ address: who, ...(validator ? { validator: describeValidator(validator) } : {}), ...delegator });
  });
}
