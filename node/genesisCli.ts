// Assembling a genesis for a multi-operator chain (docs/genesis.md, "Assembling a genesis"):
// `openchain genesis new | add-account | gentx | add-validator | collect | validate | hash | install`.
// The coordinator holds the file and never a key: each operator signs a statement (gentx) with its
// own consensus and account keys. Every edit is checked in full before the file is rewritten, so a
// refused edit leaves the file as it was.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { Address } from '../core/address.ts';
import { bytesToHex } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { buildGenesisBlock } from '../genesis/build.ts';
import { withAccount, withValidator } from '../genesis/edit.ts';
import { genesisToJson, loadGenesisFile, parseGenesis } from '../genesis/load.ts';
import type { Genesis } from '../genesis/schema.ts';
import { type Statement, StatementError, signStatement, verifyStatement } from '../genesis/statement.ts';
import type { VestingJson } from '../genesis/vesting.ts';
import { loadConfigFile } from './config.ts';
import { homePaths } from './home.ts';
import { installGenesis } from './homeGenesis.ts';
import { genesisInput } from './init.ts';
import { loadValidatorKey } from './keys.ts';
import { addressArg, amountArg, bps, signerFrom } from './moduleClient.ts';

const DEFAULT_FILE = 'genesis.json';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function isoTime(value: string): Date {
  const t = new Date(value);
  if (!/^\d{4}-\d\d-\d\dT/.test(value) || Number.isNaN(t.getTime()))
    throw new InvalidArgumentError('expected an ISO-8601 time, e.g. 2026-06-01T12:00:00Z');
  return t;
}

/** As people write it: no milliseconds when there are none. */
const isoText = (d: Date) => d.toISOString().replace('.000Z', 'Z');

/** `--unlock 2027-01-01T00:00:00Z=100OPEN` */
function unlockArg(value: string): { time: Date; amount: bigint } {
  const at = value.lastIndexOf('=');
  if (at < 0) throw new InvalidArgumentError('expected TIME=AMOUNT, e.g. 2027-01-01T00:00:00Z=100OPEN');
  return { time: isoTime(value.slice(0, at)), amount: amountArg(value.slice(at + 1)) };
}

interface VestingOptions {
  vestingStart?: Date;
  cliff?: Date;
  end?: Date;
  unlock?: { time: Date; amount: bigint }[];
  vestingAmount?: bigint;
}

/** The schedule the add-account options describe, if any; the genesis checks judge it. */
function vestingFromOptions(o: VestingOptions, balance: bigint): VestingJson | undefined {
  const linear = o.vestingStart !== undefined || o.cliff !== undefined || o.end !== undefined;
  if (o.unlock) {
    if (linear || o.vestingAmount !== undefined)
      throw new OpenchainError(
        'USAGE',
        '--unlock (periodic unlocks) cannot be combined with --vesting-start, --cliff, --end or --vesting-amount (linear vesting)',
      );
    return { unlocks: o.unlock.map((u) => ({ time: isoText(u.time), amount: u.amount.toString() })) };
  }
  if (!linear) {
    if (o.vestingAmount !== undefined)
      throw new OpenchainError('USAGE', '--vesting-amount needs --vesting-start and --end');
    return undefined;
  }
  if (!o.vestingStart || !o.end)
    throw new OpenchainError(
      'USAGE',
      'linear vesting needs --vesting-start and --end (and optionally --cliff)',
    );
  return {
    amount: (o.vestingAmount ?? balance).toString(),
    start: isoText(o.vestingStart),
    cliff: isoText(o.cliff ?? o.vestingStart),
    end: isoText(o.end),
  };
}

function writeGenesis(path: string, g: Genesis, flag: 'w' | 'wx' = 'w'): void {
  try {
    writeFileSync(path, `${JSON.stringify(genesisToJson(g), null, 2)}\n`, { flag });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new OpenchainError('FILE_EXISTS', `${path} already exists; choose another --out`);
    throw err;
  }
}

function readStatement(path: string, chainId: number): Statement {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new StatementError(path, `cannot read it: ${(err as Error).message}`);
  }
  return verifyStatement(json, chainId, path);
}

/** Adds each statement in turn; returns the result only if every one was accepted. */
function addStatements(g: Genesis, files: readonly string[]): Genesis {
  return files.reduce((acc, file) => withValidator(acc, readStatement(file, acc.chainId), file), g);
}

function summary(g: Genesis, path: string): string {
  const validators = g.validators.length;
  return `${path}: chain id ${g.chainId}, ${g.alloc.length} allocation(s), ${validators} validator(s)${validators === 0 ? ' (add validators before it can start a chain)' : ''}`;
}

export function registerGenesisCommands(program: Command): void {
  const genesis = program
    .command('genesis')
    .description('write, check and install genesis files (docs/genesis.md)');

  genesis
    .command('new')
    .description('start a genesis with default parameters, no accounts and no validators yet')
    .requiredOption('--chain-id <id>', 'EIP-155 chain id', positiveInt)
    .option('--out <file>', 'where to write it (must not exist)', DEFAULT_FILE)
    .option('--genesis-time <time>', 'time of block 0, ISO-8601 UTC (default: now)', isoTime)
    .action((opts: { chainId: number; out: string; genesisTime?: Date }) => {
      const g = parseGenesis(
        genesisInput({ chainId: opts.chainId, genesisTime: opts.genesisTime, alloc: [], validators: [] }),
        'new genesis',
        { draft: true },
      );
      writeGenesis(opts.out, g, 'wx');
      console.log(summary(g, opts.out));
    });

  genesis
    .command('add-account <address> <amount>')
    .description(
      'allocate AMOUNT (wei, or e.g. 1000OPEN) to ADDRESS, optionally under an unlock schedule (docs/vesting.md)',
    )
    .option('--genesis <file>', 'genesis file', DEFAULT_FILE)
    .option('--vesting-start <time>', 'linear vesting: its start, ISO-8601 UTC', isoTime)
    .option('--cliff <time>', 'linear vesting: nothing vests before it (default: the start)', isoTime)
    .option('--end <time>', 'linear vesting: everything has vested from it', isoTime)
    .option(
      '--unlock <time=amount>',
      'periodic unlocks instead: AMOUNT unlocks at TIME (repeat for each unlock)',
      (value: string, list: { time: Date; amount: bigint }[] = []) => [...list, unlockArg(value)],
    )
    .option('--vesting-amount <amount>', 'how much of AMOUNT vests linearly (default: all of it)', amountArg)
    .action((who: string, amount: string, opts: { genesis: string } & VestingOptions) => {
      const address: Address = addressArg(who);
      const balance = amountArg(amount);
      const g = withAccount(
        loadGenesisFile(opts.genesis, { draft: true }),
        address,
        balance,
        opts.genesis,
        vestingFromOptions(opts, balance),
      );
      writeGenesis(opts.genesis, g);
      console.log(summary(g, opts.genesis));
    });

  genesis
    .command('gentx')
    .description(
      "sign a statement asking to be a genesis validator: the home's consensus key and the operator account both sign it",
    )
    .requiredOption('--home <dir>', 'node home whose consensus key the validator uses')
    .requiredOption('--amount <amount>', 'self-bond, wei or e.g. 100OPEN (a whole number of OPEN)', amountArg)
    .requiredOption('--operator-key <hex>', "the operator account's secp256k1 private key")
    .option(
      '--commission <bps>',
      'commission in basis points (at most 1000 for a genesis validator)',
      bps('--commission'),
      0,
    )
    .option('--moniker <name>', "validator name (default: the home's moniker)")
    .option('--chain-id <id>', "chain id (default: the home's genesis)", positiveInt)
    .option('--out <file>', 'where to write the statement (default: HOME/gentx.json)')
    .action(
      (opts: {
        home: string;
        amount: bigint;
        operatorKey: string;
        commission: number;
        moniker?: string;
        chainId?: number;
        out?: string;
      }) => {
        const paths = homePaths(opts.home);
        const key = loadValidatorKey(paths.validatorKey);
        const chainId = opts.chainId ?? loadGenesisFile(paths.genesis).chainId;
        const statement = signStatement(
          {
            chainId,
            moniker: opts.moniker ?? loadConfigFile(paths.config).moniker,
            consensusKey: bytesToHex(key.pubKey),
            selfBond: opts.amount,
            commissionBps: opts.commission,
          },
          key.secretKey,
          signerFrom(opts.operatorKey).privateKey,
        );
        // The statement's own checks (moniker length, commission bound) before anyone receives it.
        verifyStatement(JSON.parse(statementJson(statement)), chainId, 'just signed');
        const out = opts.out ?? join(opts.home, 'gentx.json');
        writeFileSync(out, statementJson(statement));
        console.log(out);
      },
    );

  genesis
    .command('add-validator <statement>')
    .description('add the validator a gentx statement asks for, after checking both signatures')
    .option('--genesis <file>', 'genesis file', DEFAULT_FILE)
    .action((file: string, opts: { genesis: string }) => {
      const g = addStatements(loadGenesisFile(opts.genesis, { draft: true }), [file]);
      writeGenesis(opts.genesis, g);
      console.log(summary(g, opts.genesis));
    });

  genesis
    .command('collect <dir>')
    .description('add the validators of every statement (*.json) in DIR, in file-name order; all or none')
    .option('--genesis <file>', 'genesis file', DEFAULT_FILE)
    .action((dir: string, opts: { genesis: string }) => {
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(dir, f));
      if (files.length === 0) throw new OpenchainError('USAGE', `no statements (*.json) in ${dir}`);
      const g = addStatements(loadGenesisFile(opts.genesis, { draft: true }), files);
      writeGenesis(opts.genesis, g);
      console.log(summary(g, opts.genesis));
    });

  genesis
    .command('validate <file>')
    .description('validate a genesis file, listing every problem')
    .action(async (file: string) => {
      const g = loadGenesisFile(file);
      const block = await buildGenesisBlock(g);
      console.log(
        `valid: chain id ${g.chainId}, ${g.validators.length} validator(s), ${g.alloc.length} allocation(s), genesis hash ${block.hash}`,
      );
    });

  genesis
    .command('hash <file>')
    .description('print the genesis hash (every node loading this file computes the same)')
    .action(async (file: string) => {
      console.log((await buildGenesisBlock(loadGenesisFile(file))).hash);
    });

  genesis
    .command('install <file>')
    .description("make FILE the genesis of a home that has no chain yet (records its hash; see 'start')")
    .requiredOption('--home <dir>', 'node home directory')
    .action(async (file: string, opts: { home: string }) => {
      const hash = await installGenesis(opts.home, loadGenesisFile(file));
      console.log(`${homePaths(opts.home).genesis}: genesis hash ${hash}`);
    });
}

function statementJson(s: Statement): string {
  return `${JSON.stringify(s, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}
