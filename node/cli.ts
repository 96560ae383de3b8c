// The `openchain` command line. Each command is a thin layer over node/ library functions, which
// tests call directly; user errors (OpenchainError) print one clear message and exit 1.

import { randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type Address, addressFromPrivateKey, parseAddress } from '../core/address.ts';
import { bytesToHex } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { secp256k1Backend } from '../core/secp256k1.ts';
import { buildGenesisBlock } from '../genesis/build.ts';
import { DEV_CHAIN_ID } from '../genesis/defaults.ts';
import { loadGenesisFile } from '../genesis/load.ts';
import { parseAmount } from './amount.ts';
import { registerAttestCommands } from './attestCli.ts';
import { registerAttributionCommands } from './attributionCli.ts';
import { registerChallengeCommands } from './challengeCli.ts';
import { loadConfigFile, type NodeConfig, parseConfig } from './config.ts';
import { devAccounts } from './devAccounts.ts';
import {
  createDevnet,
  DEVNET_DEFAULTS,
  type DevnetOptions,
  devnetBanner,
  loadDevnet,
  removeDevnet,
  runDevnet,
  testnetInstructions,
} from './devnet.ts';
import { registerEarningsCommand } from './earningsCli.ts';
import { registerGenesisCommands } from './genesisCli.ts';
import { registerGovCommands } from './govCli.ts';
import { homePaths } from './home.ts';
import { initHome } from './init.ts';
import { describeValidatorKey, loadValidatorKey } from './keys.ts';
import { createLogger } from './logger.ts';
import type { OpenchainNode } from './node.ts';
import { resetData } from './resetData.ts';
import { registerStakeCommands } from './stakeCli.ts';
import { VERSION } from './version.ts';

function integer(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

function allocation(value: string, previous: { address: Address; balance: bigint }[] = []) {
  const [who, amount, ...rest] = value.split('=');
  if (!who || !amount || rest.length > 0)
    throw new InvalidArgumentError('expected ADDRESS=AMOUNT, e.g. 0xabc…=1000OPEN');
  try {
    return [...previous, { address: parseAddress(who), balance: parseAmount(amount) }];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function address(value: string): Address {
  try {
    return parseAddress(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** Runs until SIGINT/SIGTERM, then stops cleanly; a second signal exits at once. */
function untilSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`\n${signal} received, shutting down…\n`);
    stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function ipv4List(value: string): string[] {
  const hosts = value.split(',').map((h) => h.trim());
  const bad = hosts.filter((h) => !isIPv4(h));
  if (bad.length > 0)
    throw new InvalidArgumentError(
      `expected IPv4 addresses (the nodes listen on and dial them): ${bad.map((h) => `"${h}"`).join(', ')}`,
    );
  return hosts;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The options `devnet` and `dev` share: where the homes go, how many, and their ports. */
function withDevnetOptions(command: Command, dir = 'devnet'): Command {
  return command
    .option('--dir <dir>', 'directory of the homes', dir)
    .option(
      '--validators <n>',
      'number of validators (when creating)',
      integer(1, 32),
      DEVNET_DEFAULTS.validators,
    )
    .option(
      '--base-port <port>',
      'RPC port of node0; node i uses base + i',
      integer(1, 65000),
      DEVNET_DEFAULTS.basePort,
    )
    .option('--p2p-base-port <port>', 'p2p port of node0', integer(1, 65000), DEVNET_DEFAULTS.p2pBasePort)
    .option(
      '--metrics-base-port <port>',
      'metrics port of node0',
      integer(1, 65000),
      DEVNET_DEFAULTS.metricsBasePort,
    )
    .option(
      '--block-interval <ms>',
      'block interval: the commit timeout after a block before the next one for waiting transactions (when creating)',
      integer(10, 600_000),
      DEVNET_DEFAULTS.blockIntervalMs,
    );
}

function devnetOptions(opts: Record<string, unknown>): DevnetOptions {
  return {
    dir: opts['dir'] as string,
    validators: opts['validators'] as number,
    basePort: opts['basePort'] as number,
    p2pBasePort: opts['p2pBasePort'] as number,
    metricsBasePort: opts['metricsBasePort'] as number,
    blockIntervalMs: opts['blockInterval'] as number,
  };
}

function applyStartFlags(config: NodeConfig, flags: Record<string, unknown>): NodeConfig {
  const merged = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  const set = (section: string, key: string, value: unknown) => {
    if (value !== undefined) merged[section]![key] = value;
  };
  set('rpc', 'host', flags['rpcHost']);
  set('rpc', 'port', flags['rpcPort']);
  set('block', 'intervalMs', flags['blockInterval']);
  if (flags['emptyBlocks'] === false) set('block', 'createEmptyBlocks', false);
  set('block', 'emptyBlocksIntervalMs', flags['emptyBlocksInterval']);
  set('metrics', 'port', flags['metricsPort']);
  if (flags['metricsPort'] !== undefined) set('metrics', 'enabled', true);
  if (flags['p2pPort'] !== undefined) set('p2p', 'listen', [`/ip4/0.0.0.0/tcp/${flags['p2pPort']}`]);
  if (flags['bootstrap'])
    set('p2p', 'bootstrap', [
      ...(merged['p2p']!['bootstrap'] as string[]),
      ...(flags['bootstrap'] as string[]),
    ]);
  set('log', 'level', flags['logLevel']);
  set('log', 'format', flags['logFormat']);
  return parseConfig(merged, 'config with command-line flags');
}

export function buildProgram(): Command {
  const program = new Command('openchain')
    .description(
      'openchain node: an AI-attribution app-chain with Tendermint-style BFT and Ethereum JSON-RPC',
    )
    .version(VERSION)
    // A hint, not the whole usage text: the error itself says what was wrong.
    .showHelpAfterError('(add --help for usage)');

  program
    .command('init')
    .description(
      'create a node home: a new validator key and either a new single-validator chain or --genesis to join one',
    )
    .requiredOption('--home <dir>', 'node home directory (must be new or empty)')
    .option('--genesis <file>', 'join the chain this genesis file defines instead of creating one')
    .option('--chain-id <id>', 'chain id of a new chain', integer(1, Number.MAX_SAFE_INTEGER), DEV_CHAIN_ID)
    .option('--moniker <name>', 'node and validator name', 'node0')
    .option(
      '--alloc <address=amount>',
      'fund an account in a new genesis (repeatable); amount in wei or e.g. 1000OPEN',
      allocation,
    )
    .option(
      '--dev-accounts <n>',
      'also fund the first n well-known dev accounts with 10000 OPEN',
      integer(0, 1000),
      0,
    )
    .option(
      '--reward-address <address>',
      "the validator's operator account: its self-bond and fees (default: first allocation)",
      address,
    )
    .option(
      '--treasury <address>',
      "account receiving the treasury's share of fees and attribution payouts (default: the operator account)",
      address,
    )
    .option('--p2p-port <port>', 'p2p listen port (TCP, all interfaces)', integer(0, 65535))
    .option(
      '--bootstrap <multiaddr>',
      'a peer to connect to, /ip4/…/tcp/…/p2p/<peer id> (repeatable)',
      collect,
    )
    .action(async (opts) => {
      const dev = devAccounts(opts.devAccounts);
      const alloc = [
        ...(opts.alloc ?? []),
        ...dev.map((a) => ({ address: a.address, balance: DEVNET_DEFAULTS.balance })),
      ];
      const joined = opts.genesis ? loadGenesisFile(opts.genesis) : undefined;
      if (joined && (alloc.length > 0 || opts.rewardAddress || opts.treasury)) {
        throw new OpenchainError(
          'USAGE',
          '--alloc, --dev-accounts, --reward-address and --treasury define a new genesis; they cannot be used with --genesis',
        );
      }
      const operator: Address | undefined = opts.rewardAddress ?? alloc[0]?.address;
      if (!joined && !operator) {
        throw new OpenchainError(
          'USAGE',
          "a new chain needs an operator account for its validator's self-bond and fees: give --reward-address, --alloc or --dev-accounts",
        );
      }
      const p2p = {
        ...(opts.p2pPort !== undefined ? { listen: [`/ip4/0.0.0.0/tcp/${opts.p2pPort}`] } : {}),
        ...(opts.bootstrap ? { bootstrap: opts.bootstrap } : {}),
      };
      const result = await initHome({
        home: opts.home,
        chainId: opts.chainId,
        moniker: opts.moniker,
        alloc,
        rewardAddress: operator,
        treasury: opts.treasury ?? operator,
        genesis: joined,
        config: { p2p },
      });
      const block = await buildGenesisBlock(result.genesis);
      console.log(
        JSON.stringify(
          {
            home: opts.home,
            chainId: result.genesis.chainId,
            genesisHash: block.hash,
            validatorAddress: result.validatorAddress,
            validatorPubKey: result.validatorPubKey,
            peerId: result.peerId,
            ...(joined ? {} : { operator, treasury: result.genesis.params.treasury }),
            ...(dev.length > 0 ? { devAccounts: dev } : {}),
          },
          null,
          2,
        ),
      );
    });

  program
    .command('start')
    .description('run a node from its home')
    .requiredOption('--home <dir>', 'node home directory')
    .option('--rpc-host <host>', 'JSON-RPC listen address')
    .option('--rpc-port <port>', 'JSON-RPC port (0 = any free port)', integer(0, 65535))
    .option('--p2p-port <port>', 'p2p listen port on 0.0.0.0 (0 = any free port)', integer(0, 65535))
    .option(
      '--bootstrap <multiaddr>',
      'a peer to connect to, in addition to the config (repeatable)',
      collect,
    )
    .option('--block-interval <ms>', 'target block interval (the commit timeout)', integer(10, 600_000))
    .option('--no-empty-blocks', 'do not propose blocks while the mempool is empty')
    .option(
      '--empty-blocks-interval <ms>',
      'with --no-empty-blocks, still make an empty block after this long without transactions (0 = never)',
      integer(0, 3_600_000),
    )
    .option('--metrics-port <port>', 'serve Prometheus metrics on this port', integer(0, 65535))
    .addOption(
      new Option('--log-level <level>').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .addOption(new Option('--log-format <format>').choices(['json', 'pretty']))
    .action(async (opts) => {
      const config = applyStartFlags(loadConfigFile(homePaths(opts.home).config), opts);
      const logger = createLogger(config.log, config.moniker);
      let started: OpenchainNode | undefined;
      // Loaded here, not at the top: the node (libp2p, consensus, RPC) is most of the modules a
      // command would load, and every other command starts without them.
      const { OpenchainNode } = await import('./node.ts');
      const node = await OpenchainNode.start({
        home: opts.home,
        config,
        logger,
        // EX_IOERR: the store needs a restart (docs/reliability.md, "disk full").
        onFatal: () => {
          void Promise.resolve(started?.stop()).finally(() => process.exit(74));
        },
      });
      started = node;
      logger.info(
        { ...node.endpoints, peerId: node.host.peerId, secp256k1: secp256k1Backend.name },
        'node running',
      );
      untilSignal(() => node.stop());
    });

  withDevnetOptions(
    program
      .command('devnet')
      .description(
        'write the homes of a local devnet: N validators, one genesis, funded dev accounts, peers and ports',
      ),
  ).action(async (opts) => {
    const manifest = await createDevnet(devnetOptions(opts));
    console.log(JSON.stringify(manifest, null, 2));
  });

  withDevnetOptions(
    program
      .command('testnet')
      .description(
        'write the homes of a testnet across machines: N validators spread round-robin over --hosts, one genesis, each bootstrapping from the others at their host addresses',
      ),
    'testnet',
  )
    .requiredOption(
      '--hosts <list>',
      'comma-separated IPv4 addresses of the machines, e.g. 10.0.0.1,10.0.0.2',
      ipv4List,
    )
    .action(async (opts) => {
      const hosts = opts.hosts as string[];
      const options = devnetOptions(opts);
      const n = options.validators ?? DEVNET_DEFAULTS.validators;
      const manifest = await createDevnet({
        ...options,
        hosts: Array.from({ length: n }, (_, i) => hosts[i % hosts.length]!),
      });
      console.log(testnetInstructions(manifest, options.dir));
    });

  withDevnetOptions(
    program
      .command('dev')
      .description(
        'create (if needed) and run a local devnet, each node its own process, printing RPC URLs and funded dev keys',
      ),
  )
    .option('--fresh', 'delete an existing devnet in the directory first')
    .action(async (opts) => {
      if (opts.fresh) removeDevnet(opts.dir);
      if (!loadDevnet(opts.dir)) await createDevnet(devnetOptions(opts));
      let stopping = false;
      const devnet = await runDevnet(opts.dir, (name, code) => {
        if (!stopping) console.error(`${name} exited with code ${code}; its log is in its home (node.log)`);
      });
      console.log(devnetBanner(devnet.manifest));
      untilSignal(async () => {
        stopping = true;
        await devnet.stop();
      });
    });

  program
    .command('reset-data')
    .description(
      'move the chain database and consensus WAL aside so the node resyncs from peers (keeps the keys and the double-sign guard)',
    )
    .requiredOption('--home <dir>', 'node home directory')
    .action((opts) => {
      const moved = resetData(opts.home);
      console.log(
        moved.length === 0
          ? 'nothing to reset: no database or WAL in the home'
          : `moved aside (delete once no longer needed):\n  ${moved.join('\n  ')}\nstart the node to resync from its peers`,
      );
    });

  const keys = program.command('keys').description('generate and inspect keys');
  keys
    .command('new')
    .description('generate a new account key (secp256k1) and print its address and private key')
    .action(() => {
      const privateKey = randomBytes(32);
      console.log(
        JSON.stringify(
          { address: addressFromPrivateKey(privateKey), privateKey: bytesToHex(privateKey) },
          null,
          2,
        ),
      );
    });
  keys
    .command('show')
    .description("print the home's validator address and public key")
    .requiredOption('--home <dir>', 'node home directory')
    .action((opts) => {
      console.log(
        JSON.stringify(describeValidatorKey(loadValidatorKey(homePaths(opts.home).validatorKey)), null, 2),
      );
    });

  // Genesis tooling: new, add-account, gentx, add-validator, collect, validate, hash, install (node/genesisCli.ts).
  registerGenesisCommands(program);
  // Proof of Attribution: datanet, contribute, model, attribute (node/attributionCli.ts); earnings
  // in every role (node/earningsCli.ts).
  registerAttributionCommands(program);
  registerAttestCommands(program);
  registerChallengeCommands(program);
  registerEarningsCommand(program);
  // Staking: stake create-validator, delegate, undelegate, ... (node/stakeCli.ts).
  registerStakeCommands(program);
  // Governance: gov submit, deposit, vote, show, list (node/govCli.ts).
  registerGovCommands(program);

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof OpenchainError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
