import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toChecksumAddress } from '../../core/address.ts';
import { buildGenesisBlock } from '../../genesis/build.ts';
import { genesisToJson, parseGenesis, parseGenesisText } from '../../genesis/load.ts';
import { genesisProblems } from './problems.ts';

// A genesis checked into the repository with its hash: if encoding, state layout or the tree ever
// change, this test fails, because nodes of different versions would no longer agree on genesis.
const vector = JSON.parse(readFileSync(new URL('./vectors/genesis.json', import.meta.url), 'utf8')) as {
  genesis: unknown;
  hash: string;
  stateRoot: string;
};

function withChange(path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(vector.genesis) as Record<string, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

describe('genesis', () => {
  it('hashes the checked-in vector to its recorded hash and state root', async () => {
    const block = await buildGenesisBlock(parseGenesis(vector.genesis));
    expect(block.hash).toBe(vector.hash);
    expect(block.header.stateRoot).toBe(vector.stateRoot);
  });

  it('is independent of key order and address case in the file', async () => {
    const g = vector.genesis as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(g).reverse());
    const upper = JSON.parse(
      JSON.stringify(reordered).replace(/0x[0-9a-f]{40}/g, (a) => `0x${a.slice(2).toUpperCase()}`),
    );
    expect((await buildGenesisBlock(parseGenesis(upper))).hash).toBe(vector.hash);
  });

  it('round-trips through the JSON that init writes', async () => {
    const parsed = parseGenesis(vector.genesis);
    expect((await buildGenesisBlock(parseGenesis(genesisToJson(parsed)))).hash).toBe(vector.hash);
  });

  it('changes hash when any allocation changes', async () => {
    const changed = withChange(['alloc', 0, 'balance'], '1');
    expect((await buildGenesisBlock(parseGenesis(changed))).hash).not.toBe(vector.hash);
  });

  it('names the field and the reason for each problem', () => {
    expect(genesisProblems(withChange(['chainId'], '1337'))).toEqual([
      expect.stringMatching(/^genesis\.chainId: /),
    ]);
    expect(genesisProblems(withChange(['alloc', 0, 'address'], '0x1234'))).toEqual([
      expect.stringMatching(/^genesis\.alloc\[0\]\.address: expected a 0x-prefixed 20-byte hex address/),
    ]);
    expect(genesisProblems(withChange(['alloc', 0, 'balance'], 1000))).toEqual([
      expect.stringMatching(/^genesis\.alloc\[0\]\.balance: expected balance as a decimal string/),
    ]);
    expect(genesisProblems(withChange(['alloc', 0, 'balance'], '-5'))).toEqual([
      expect.stringMatching(/^genesis\.alloc\[0\]\.balance: .*decimal integer/),
    ]);
    expect(genesisProblems(withChange(['params', 'minBaseFee'], undefined))).toEqual([
      expect.stringMatching(/^genesis\.params\.minBaseFee: /),
    ]);
    expect(genesisProblems(withChange(['params', 'baseFeeBurnBps'], 10_001))).toEqual([
      expect.stringMatching(/^genesis\.params\.baseFeeBurnBps: /),
    ]);
    expect(genesisProblems(withChange(['validators'], []))).toEqual([
      expect.stringMatching(/^genesis\.validators: at least one validator/),
    ]);
    expect(genesisProblems(withChange(['validators', 0, 'pubKey'], '0xabcd'))).toEqual([
      expect.stringMatching(
        /^genesis\.validators\[0\]\.pubKey: expected a 0x-prefixed 32-byte hex ed25519 public key/,
      ),
    ]);
    expect(genesisProblems(withChange(['validators', 0, 'power'], '0'))).toEqual([
      expect.stringMatching(/^genesis\.validators\[0\]\.power: power must be positive/),
    ]);
    expect(genesisProblems(withChange(['genesisTime'], 'yesterday'))).toEqual([
      expect.stringMatching(/^genesis\.genesisTime: expected an ISO-8601 UTC time/),
    ]);
    expect(genesisProblems(withChange(['extra'], 1))).toEqual([
      expect.stringMatching(/^genesis: Unrecognized key: "extra"/),
    ]);
  });

  it('holds the chain parameters to the declaration governance checks changes against', () => {
    // A bound, with its reason; a rule between two parameters of the set.
    expect(genesisProblems(withChange(['params', 'maxTxBytes'], 3 * 1024 * 1024 + 1))).toEqual([
      'genesis.params.maxTxBytes: maxTxBytes is 3145729, above its maximum 3145728: a transaction must fit one gossip message (gossipsub frames at most 4 MiB)',
    ]);
    expect(genesisProblems(withChange(['params', 'blockGasLimit'], '100000'))).toEqual([
      expect.stringMatching(
        /^genesis\.params\.blockGasLimit: chain params\.blockGasLimit: 100000 is below one transaction: a transaction of maxTxBytes \(\d+\) bytes may need \d+ gas/,
      ),
    ]);
    // The treasury: lower case, upper case or its EIP-55 checksum; a mixed-case typo is refused.
    const treasury = '0x00000000000000000000000000000000000bee01' as const;
    for (const ok of [treasury, treasury.toUpperCase().replace('0X', '0x'), toChecksumAddress(treasury)])
      expect(parseGenesis(withChange(['params', 'treasury'], ok)).params.treasury).toBe(treasury);
    expect(
      genesisProblems(withChange(['params', 'treasury'], '0x00000000000000000000000000000000000bEE01')),
    ).toEqual([
      'genesis.params.treasury: expected treasury as a 0x-prefixed 20-byte hex address, lower case or EIP-55 checksummed',
    ]);
  });

  it('reports duplicates and every problem at once', () => {
    const g = structuredClone(vector.genesis) as {
      alloc: { address: string }[];
      validators: { pubKey: string }[];
    };
    g.alloc.push({ ...g.alloc[0]!, address: g.alloc[0]!.address.toUpperCase().replace('0X', '0x') });
    g.validators.push({ ...g.validators[0]! });
    const found = genesisProblems(g);
    expect(found).toContainEqual(
      expect.stringMatching(/^genesis\.alloc\[\d\]\.address: duplicate of alloc\[0\]/),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/^genesis\.validators\[2\]\.pubKey: same key as validators\[0\]/),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/^genesis\.validators\[2\]\.name: same name as validators\[0\]/),
    );
  });

  it('reports the cross-field problems next to a type error elsewhere in the file', () => {
    const g = structuredClone(vector.genesis) as {
      chainId: unknown;
      alloc: { address: string; balance: unknown }[];
      validators: { name: string }[];
      params: { maxBlockTxBytes: number };
    };
    g.chainId = '4242';
    g.alloc.push({ ...g.alloc[0]! }, { address: `0x${'11'.repeat(20)}`, balance: 7 });
    g.validators.push({ ...g.validators[0]!, pubKey: 5 } as never);
    g.params.maxBlockTxBytes = 1024;
    const found = genesisProblems(g);
    const expected = [
      /^genesis\.chainId: .*expected number/,
      /^genesis\.alloc\[4\]\.address: duplicate of alloc\[0\]/,
      /^genesis\.alloc\[5\]\.balance: expected balance as a decimal string/,
      /^genesis\.validators\[2\]\.pubKey: expected a 0x-prefixed/,
      /^genesis\.validators\[2\]\.name: same name as validators\[0\]/,
      /^genesis\.validators\[2\]\.rewardAddress: same rewardAddress \(the validator's operator\) as validators\[0\]/,
      /^genesis\.params\.maxBlockTxBytes: chain params\.maxBlockTxBytes: 1024 is below maxTxBytes \(131072\)/,
    ];
    for (const re of expected) expect(found).toContainEqual(expect.stringMatching(re));
    expect(found).toHaveLength(expected.length);
    // Cross-field checks still run, without crashing, on values of the wrong shape.
    for (const bad of [null, [], 'x', { alloc: 'x', validators: [null, 3], params: [] }]) {
      expect(genesisProblems(bad).length).toBeGreaterThan(0);
    }
  });

  it('bounds the total supply, allocations plus rewards pool, by 2^256-1 (each balance fitting is not enough)', () => {
    const max = 2n ** 256n - 1n;
    const g = structuredClone(vector.genesis) as {
      alloc: { balance: string }[];
      staking: { rewardsPool: string };
    };
    const rest = g.alloc.slice(1).reduce((sum, a) => sum + BigInt(a.balance), 0n);
    const pool = BigInt(g.staking.rewardsPool);
    g.alloc[0]!.balance = (max - rest - pool).toString();
    expect(parseGenesis(g).alloc[0]!.balance).toBe(max - rest - pool);
    g.staking.rewardsPool = (pool + 1n).toString();
    expect(genesisProblems(g)).toEqual([
      expect.stringMatching(
        /^genesis\.alloc: the balances and the rewards pool sum to \d+, above the largest total supply 2\^256-1/,
      ),
    ]);
    g.staking.rewardsPool = pool.toString();
    g.alloc[1]!.balance = (BigInt(g.alloc[1]!.balance) + 1n).toString();
    expect(genesisProblems(g)).toHaveLength(1);
  });

  it('rejects a file that is not JSON with the parser message', () => {
    expect(() => parseGenesisText('{"chainId": 1,', 'g.json')).toThrow(
      /invalid genesis \(g\.json\):\n {2}not valid JSON/,
    );
  });
});
