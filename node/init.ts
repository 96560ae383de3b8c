// Creating node homes: keys, genesis and config for `openchain init` and `openchain devnet`.
import { existsSync, readdirSync } from 'node:fs';
import { type Address, parseAddress, ZERO_ADDRESS } from '../core/address.ts';
import { bytesToHex } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { ensurePrivateDir } from '../core/privateFile.ts';
import { validatorAddress } from '../core/validator.ts';
import { DEFAULT_GOV, DEFAULT_PARAMS, DEFAULT_STAKING } from '../genesis/defaults.ts';
import { parseGenesis } from '../genesis/load.ts';
import type { Genesis, GenesisInput } from '../genesis/schema.ts';
import type { VestingJson } from '../genesis/vesting.ts';
import { loadOrCreateNodeKey, nodeKeyPath } from '../p2p/nodeKey.ts';
import { type NodeConfigInput, parseConfig } from './config.ts';
import { homePaths } from './home.ts';
import { recordGenesis } from './homeGenesis.ts';
import { generateValidatorKey, type ValidatorKey, writePrivateJson, writeValidatorKey } from './keys.ts';

export interface GenesisValidatorSpec {
  readonly name: string;
  readonly key: ValidatorKey;
  readonly power: bigint;
  readonly rewardAddress: Address;
}

/** An allocation, with its unlock schedule as the file spells it (docs/vesting.md). */
export interface AllocSpec {
  readonly address: Address;
  readonly balance: bigint;
  readonly vesting?: VestingJson;
}

export interface GenesisSpec {
  readonly chainId: number;
  readonly genesisTime?: Date;
  readonly validators: readonly GenesisValidatorSpec[];
  readonly alloc: readonly AllocSpec[];
  readonly params?: Partial<GenesisInput['params']>;
  /** Receives the treasury's share of fees and attribution payouts (default: the zero address, burned). */
  readonly treasury?: Address;
  readonly staking?: {
    readonly params?: Partial<GenesisInput['staking']['params']>;
    readonly rewardsPool?: bigint;
  };
  readonly gov?: { readonly params?: Partial<NonNullable<GenesisInput['gov']>['params']> };
}

/**
 * Each validator's operator (its rewardAddress) is allocated its self-bond (power × powerReduction)
 * on top of what `alloc` gives it: the genesis moves exactly that into the stake, so the operator's
 * spendable balance is what the spec asked for.
 */
function withSelfBonds(spec: GenesisSpec, powerReduction: bigint): AllocSpec[] {
  const alloc = new Map<Address, AllocSpec>();
  for (const a of spec.alloc) alloc.set(parseAddress(a.address), { ...a, address: parseAddress(a.address) });
  for (const v of spec.validators) {
    const address = parseAddress(v.rewardAddress);
    const a = alloc.get(address) ?? { address, balance: 0n };
    alloc.set(address, { ...a, balance: a.balance + v.power * powerReduction });
  }
  return [...alloc.values()];
}

/** The genesis file a spec describes, with the defaults filled in. */
export function genesisInput(spec: GenesisSpec): GenesisInput {
  const time = spec.genesisTime ?? new Date();
  const stakingParams = { ...DEFAULT_STAKING.params, ...spec.staking?.params };
  return {
    chainId: spec.chainId,
    // Whole seconds: the genesis time is typed by people and compared across machines.
    genesisTime: new Date(Math.floor(time.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    params: { ...DEFAULT_PARAMS, ...spec.params, ...(spec.treasury ? { treasury: spec.treasury } : {}) },
    alloc: withSelfBonds(spec, BigInt(stakingParams.powerReduction)).map((a) => ({
      address: a.address,
      balance: a.balance.toString(),
      ...(a.vesting && { vesting: a.vesting }),
    })),
    validators: spec.validators.map((v) => ({
      name: v.name,
      pubKey: bytesToHex(v.key.pubKey),
      power: v.power.toString(),
      rewardAddress: v.rewardAddress,
    })),
    staking: {
      params: stakingParams,
      rewardsPool: (spec.staking?.rewardsPool ?? BigInt(DEFAULT_STAKING.rewardsPool)).toString(),
    },
    gov: { params: { ...DEFAULT_GOV.params, ...spec.gov?.params } },
  };
}

/** A validated genesis from a spec (throws GenesisError with every problem if the spec is bad). */
export function makeGenesis(spec: GenesisSpec): Genesis {
  return parseGenesis(genesisInput(spec), 'generated genesis');
}

/**
 * Writes a new node home (config, genesis, validator key, libp2p node key) and returns the node's
 * peer id; refuses to touch a directory that already has anything in it.
 */
export async function writeHome(
  root: string,
  files: { genesis: Genesis; config: NodeConfigInput; validatorKey?: ValidatorKey },
): Promise<string> {
  if (existsSync(root) && readdirSync(root).length > 0) {
    throw new OpenchainError('HOME_EXISTS', `${root} is not empty; choose a new directory for the node home`);
  }
  const paths = homePaths(root);
  parseConfig(files.config, 'generated config'); // fail before writing anything unusable
  // Owner-only whatever the umask: config.json may name hosts and tokens, data/ holds the signer's state.
  ensurePrivateDir(root);
  ensurePrivateDir(paths.data);
  writePrivateJson(paths.config, files.config);
  await recordGenesis(root, files.genesis);
  if (files.validatorKey) writeValidatorKey(paths.validatorKey, files.validatorKey);
  return (await loadOrCreateNodeKey(nodeKeyPath(root))).peerId;
}

export interface InitOptions {
  readonly home: string;
  readonly chainId: number;
  readonly moniker: string;
  readonly alloc: readonly AllocSpec[];
  readonly rewardAddress?: Address;
  readonly treasury?: Address;
  readonly genesisTime?: Date;
  readonly config?: NodeConfigInput;
  /** Chain parameters other than the defaults. */
  readonly params?: GenesisSpec['params'];
  /** Governance parameters other than the defaults. */
  readonly gov?: GenesisSpec['gov'];
}

export interface InitResult {
  readonly genesis: Genesis;
  readonly validatorAddress: Address;
  readonly validatorPubKey: string;
  readonly peerId: string;
}

/**
 * `openchain init`: a new home with a new validator key. Without `genesis`, a single-validator chain
 * whose validator is this home; with one, a node joining that chain (its key becomes a validator
 * only if the chain's validator set ever includes it).
 */
export async function initHome(opts: InitOptions & { genesis?: Genesis }): Promise<InitResult> {
  const key = generateValidatorKey();
  const genesis =
    opts.genesis ??
    makeGenesis({
      chainId: opts.chainId,
      genesisTime: opts.genesisTime,
      alloc: opts.alloc,
      treasury: opts.treasury,
      params: opts.params,
      gov: opts.gov,
      validators: [
        {
          name: opts.moniker,
          key,
          power: 10n,
          rewardAddress: opts.rewardAddress ?? opts.alloc[0]?.address ?? ZERO_ADDRESS,
        },
      ],
    });
  const peerId = await writeHome(opts.home, {
    genesis,
    config: { moniker: opts.moniker, ...opts.config },
    validatorKey: key,
  });
  return {
    genesis,
    validatorAddress: validatorAddress(key.pubKey),
    validatorPubKey: bytesToHex(key.pubKey),
    peerId,
  };
}
