// The block explorer: served by the RPC server on GET next to JSON-RPC on POST, only from its
// allow-list of files; and its browser modules (plain JS, imported here as they are served): exact
// OPEN formatting, search and route parsing, inference outputs, and the ABI codec (the ox bundle
// that `npm install` builds) against the modules' ABIs and a running node.
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { extname } from 'node:path';
import { AbiFunction, AbiItem } from 'ox';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributionAbi,
  ATTRIBUTION_ADDRESS as MODULE_ADDRESS,
} from '../../state/modules/attribution/abi.ts';
import { GOV_ADDRESS, ProposalStatus, VoteOption } from '../../state/modules/gov/index.ts';
import { stakingAbi } from '../../state/modules/staking/abi.ts';
import { STAKING_ADDRESS, ValidatorStatus } from '../../state/modules/staking/index.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

// --- the browser modules, loaded as plain ES modules -------------------------------------------------

type Quantity = bigint | number | string;
interface Decoded {
  name: string;
  inputs: { name: string; type: string }[];
  args: Record<string, unknown> | null;
  error?: string;
}
interface FormatModule {
  formatOpen(wei: bigint): string;
  formatUnits(value: bigint, decimals: number, options?: { group?: boolean }): string;
  formatGwei(wei: bigint): string;
  toBigInt(value: Quantity): bigint;
  percent(part: bigint, total: bigint): string;
  formatBps(bps: bigint | number | string): string;
  averageBlockTime(timestamps: number[]): number | null;
  parseSearch(text: string): { kind: string; id: string } | null;
  parseRoute(hash: string): { view: string; id?: string; text?: string };
}
interface AttributionModule {
  ATTRIBUTION_ADDRESS: string;
  decodeCall(to: string | null, input: string): Decoded | null;
  decodeLog(log: { address: string; topics: string[]; data: string }): Decoded | null;
  decodeResult(name: string, hex: string): unknown;
  encodeCall(name: string, args?: unknown[]): string;
  eventTopic(name: string): string;
  topicOf(value: bigint | number | string): string;
}

interface StakingModule {
  STAKING_ADDRESS: string;
  VALIDATOR_STATUS_KIND: Record<string, string>;
  STAKING_CALLS: [string, unknown[]?][];
  stakingOf(answers: unknown[]): {
    validators: unknown[] | null;
    pool: Record<string, string> | null;
    params: Record<string, string> | null;
  };
  uptimeBps(
    validator: { missedBlocks: string },
    params: { signedBlocksWindow: string } | null,
  ): number | null;
}

interface VestingModule {
  curvePath(
    points: { time: number; vesting: string }[],
    total: bigint,
    now: number,
  ): { d: string; nowX: number | null };
}

interface SpansModule {
  hexToBytes(hex: string): Uint8Array;
  isText(bytes: Uint8Array): boolean;
  showBytes(bytes: Uint8Array, text: boolean): string;
  segments(
    length: number,
    spans: { outputStart: number; length: number }[],
  ): { start: number; end: number; span: number | null }[];
  huesOf(ids: bigint[]): Map<string, number>;
  HUES: number;
}

interface GovernanceModule {
  GOV_ADDRESS: string;
  PROPOSAL_STATUS_KIND: Record<string, string>;
  VOTE_OPTIONS: [string, string, string][];
  GOV_CALLS: [string, unknown[]?][];
  governanceOf(answers: unknown[]): { proposals: unknown[] | null; params: Record<string, unknown> | null };
  tallyParts(tally: Record<string, string>): [string, bigint, string][];
}

const explorerUrl = (file: string) => new URL(`../../explorer/${file}`, import.meta.url);
// A computed specifier: these are browser files without type declarations.
const load = (file: string) => import(explorerUrl(file).href);
const fmt: FormatModule = await load('format.js');
const abi: AttributionModule = await load('attribution.js');
const staking: StakingModule = await load('staking.js');
const governance: GovernanceModule = await load('governance.js');
const spans: SpansModule = await load('spans.js');

// --- HTTP helpers --------------------------------------------------------------------------------

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode();
});
afterAll(async () => {
  await t?.stop();
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request whose path goes on the wire exactly as written (fetch would normalize "..", "%2e"...). */
function raw(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const reply = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (reply.error) throw new Error(reply.error.message);
  return reply.result;
}

/** Every page file in explorer/ (not its README or the bundle's sources), typed by extension: each must be served. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const ASSETS: Record<string, string> = Object.fromEntries(
  readdirSync(explorerUrl(''), { withFileTypes: true })
    .filter((e) => e.isFile() && TYPES[extname(e.name)] !== undefined)
    .map((e) => [e.name, TYPES[extname(e.name)]!]),
);

// --- serving -------------------------------------------------------------------------------------

describe('serving the explorer', () => {
  it('GET / is the page, as HTML with a strict content security policy', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toBe(readFileSync(explorerUrl('index.html'), 'utf8'));
    expect(html).toContain('<script type="module" src="/explorer/app.js"></script>');
  });

  it.each(['/explorer', '/explorer/', '/?utm=x'])('GET %s is the page too', async (path) => {
    const res = await raw(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it.each(Object.entries(ASSETS))('serves /explorer/%s as %s, byte for byte', async (file, type) => {
    const res = await fetch(`${t.url}/explorer/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(readFileSync(explorerUrl(file)));
  });

  it('serves every file the page and its modules refer to', async () => {
    const html = readFileSync(explorerUrl('index.html'), 'utf8');
    const referenced = new Set([...html.matchAll(/(?:src|href)="\/explorer\/([^"]+)"/g)].map((m) => m[1]!));
    for (const file of Object.keys(ASSETS).filter((f) => f.endsWith('.js'))) {
      const source = readFileSync(explorerUrl(file), 'utf8');
      for (const m of source.matchAll(/from '\.\/([^']+)'/g)) referenced.add(m[1]!);
    }
    expect(referenced.size).toBeGreaterThan(3);
    for (const file of referenced) {
      expect(ASSETS, `${file} is referenced but not allow-listed`).toHaveProperty([file]);
      expect((await raw(`/explorer/${file}`)).status).toBe(200);
    }
  });

  it('answers HEAD with the headers only, and a matching If-None-Match with 304', async () => {
    const head = await raw('/explorer/app.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBe(readFileSync(explorerUrl('app.js')).length);
    const etag = head.headers['etag'] as string;
    expect(etag).toMatch(/^".+"$/);
    const cached = await raw('/explorer/app.js', 'GET', { 'If-None-Match': etag });
    expect(cached.status).toBe(304);
    expect(cached.body).toBe('');
  });

  const packageJson = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');

  it.each([
    '/explorer/../package.json',
    '/explorer/%2e%2e/package.json',
    '/explorer/%2E%2E/package.json',
    '/explorer/..%2fpackage.json',
    '/explorer/%2e%2e%2fpackage.json',
    '/explorer/..%5cpackage.json',
    '/explorer/..\\package.json',
    '/explorer/%252e%252e/package.json',
    '/explorer/....//package.json',
    '/explorer//etc/passwd',
    '/explorer/../rpc/http.ts',
    '/explorer/./app.js',
    '/explorer/app.js/',
    '/explorer/APP.JS',
    '/explorer/app.js%00.html',
    '/explorer/README.md',
    '/explorer/constructor',
    '/explorer/__proto__',
    '/explorer/nope.js',
  ])('GET %s is 404 and reveals nothing', async (path) => {
    const res = await raw(path);
    expect(res.status).toBe(404);
    expect(res.body).toBe('not found\n');
    expect(res.body).not.toContain(packageJson.slice(0, 20));
  });

  it('a traversal that a client normalizes away leaves the explorer and gets the usual 405', async () => {
    // fetch turns /explorer/../package.json into /package.json: not an explorer path.
    const res = await fetch(`${t.url}/explorer/../package.json`);
    expect(res.status).toBe(405);
    expect(await res.text()).not.toContain('"devDependencies"');
    expect((await raw('/../package.json')).status).toBe(405);
  });

  it('keeps POST as JSON-RPC on the same port, on any path', async () => {
    expect(await rpc('eth_chainId')).toBe('0x539');
    const res = await raw('/explorer/app.js', 'POST');
    // POST never serves a file: an empty body is a JSON-RPC parse error, as on every path before.
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
  });

  it('keeps GET /health and the 405 for other paths and methods', async () => {
    const health = await raw('/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    for (const [method, path] of [
      ['GET', '/rpc'],
      ['GET', '/index.html'],
      ['GET', '/explorerx/app.js'],
      ['PUT', '/'],
      ['DELETE', '/explorer/app.js'],
    ] as const) {
      const res = await raw(path, method);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers['allow']).toBe('POST, OPTIONS');
      expect(JSON.parse(res.body)).toMatchObject({ id: null, error: { code: -32600 } });
    }
  });
});

// --- formatting ----------------------------------------------------------------------------------

describe('explorer formatting (format.js)', () => {
  it('formats wei as OPEN exactly, with no floating point anywhere', () => {
    expect(fmt.formatOpen(0n)).toBe('0 OPEN');
    expect(fmt.formatOpen(1n)).toBe('0.000000000000000001 OPEN');
    expect(fmt.formatOpen(10n ** 18n)).toBe('1 OPEN');
    expect(fmt.formatOpen(1_500_000_000_000_000_000n)).toBe('1.5 OPEN');
    expect(fmt.formatOpen(10n ** 22n)).toBe('10,000 OPEN');
    // 2^53 + 1 wei, and an amount far past what a double holds, to the last digit.
    expect(fmt.formatOpen(9_007_199_254_740_993n)).toBe('0.009007199254740993 OPEN');
    expect(fmt.formatOpen(123_456_789n * 10n ** 18n + 1n)).toBe('123,456,789.000000000000000001 OPEN');
    expect(fmt.formatOpen(2n ** 256n - 1n)).toBe(
      `${fmt.formatUnits((2n ** 256n - 1n) / 10n ** 18n, 0)}.${((2n ** 256n - 1n) % 10n ** 18n).toString().padStart(18, '0')} OPEN`,
    );
    expect(fmt.formatUnits(-1_234_500n, 3, { group: false })).toBe('-1234.5');
    expect(fmt.formatGwei(1_200_000_000n)).toBe('1.2 gwei');
    expect(() => fmt.formatOpen(1 as unknown as bigint)).toThrow(TypeError);
  });

  it('reads quantities as hex, decimal or numbers', () => {
    expect(fmt.toBigInt('0xa')).toBe(10n);
    expect(fmt.toBigInt('10')).toBe(10n);
    expect(fmt.toBigInt(-1)).toBe(-1n);
    expect(() => fmt.toBigInt('1e3')).toThrow();
  });

  it('computes shares and block times', () => {
    expect(fmt.percent(2n, 3n)).toBe('66.7%');
    expect(fmt.percent(58_264n, 1_000_000_000n)).toBe('<0.1%');
    expect(fmt.percent(0n, 0n)).toBe('0%');
    expect(fmt.averageBlockTime([10, 14, 12])).toBe(2);
    expect(fmt.averageBlockTime([10])).toBeNull();
  });

  it('shows basis points as exact percentages', () => {
    expect(fmt.formatBps(1000)).toBe('10%');
    expect(fmt.formatBps('0x41a')).toBe('10.5%');
    expect(fmt.formatBps(1)).toBe('0.01%');
    expect(fmt.formatBps(0)).toBe('0%');
    expect(fmt.formatBps(10_000n)).toBe('100%');
  });

  it('parses search entries', () => {
    const hash = `0x${'Ab'.repeat(32)}`;
    expect(fmt.parseSearch(' 42 ')).toEqual({ kind: 'block', id: '42' });
    expect(fmt.parseSearch('#7')).toEqual({ kind: 'block', id: '7' });
    expect(fmt.parseSearch('0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266')).toEqual({
      kind: 'address',
      id: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266',
    });
    expect(fmt.parseSearch(hash)).toEqual({ kind: 'hash', id: hash.toLowerCase() });
    expect(fmt.parseSearch('inference 3')).toEqual({ kind: 'inference', id: '3' });
    expect(fmt.parseSearch('Model:02')).toEqual({ kind: 'model', id: '2' });
    expect(fmt.parseSearch('datanet #1')).toEqual({ kind: 'datanet', id: '1' });
    expect(fmt.parseSearch('contributions 9')).toEqual({ kind: 'contribution', id: '9' });
    for (const bad of [
      '',
      'latest',
      '0x123',
      `${hash}0`,
      '-1',
      '1.5',
      '<script>',
      'model',
      'model x',
      'model -1',
    ]) {
      expect(fmt.parseSearch(bad)).toBeNull();
    }
  });

  it('parses routes, and rejects malformed arguments instead of passing them on', () => {
    const hash = `0x${'cd'.repeat(32)}`;
    expect(fmt.parseRoute('')).toEqual({ view: 'overview' });
    expect(fmt.parseRoute('#/')).toEqual({ view: 'overview' });
    expect(fmt.parseRoute('#/block/12')).toEqual({ view: 'block', id: '12' });
    expect(fmt.parseRoute(`#/block/${hash}`)).toEqual({ view: 'block', id: hash });
    expect(fmt.parseRoute(`#/tx/${hash}`)).toEqual({ view: 'tx', id: hash });
    expect(fmt.parseRoute(`#/address/0x${'EE'.repeat(20)}`)).toEqual({
      view: 'address',
      id: `0x${'ee'.repeat(20)}`,
    });
    expect(fmt.parseRoute('#/attribution')).toEqual({ view: 'attribution' });
    for (const kind of ['datanet', 'contribution', 'model', 'inference']) {
      expect(fmt.parseRoute(`#/${kind}/007`)).toEqual({ view: kind, id: '7' });
    }
    for (const bad of [
      '#/tx/0x12',
      '#/address/<img>',
      '#/block/-1',
      '#/block/1e3',
      '#/unknown',
      '#/model/0',
      '#/inference/0x1',
      '#/datanet/1.5',
      `#/contribution/${'9'.repeat(16)}`,
    ]) {
      expect(fmt.parseRoute(bad).view).toBe('invalid');
    }
  });
});

// --- inference output ----------------------------------------------------------------------------

describe('explorer inference output (spans.js)', () => {
  it('cuts the output at every span boundary; overlapping bytes belong to the earlier span', () => {
    expect(spans.segments(10, [])).toEqual([{ start: 0, end: 10, span: null }]);
    expect(
      spans.segments(12, [
        { outputStart: 2, length: 4 },
        { outputStart: 4, length: 4 },
        { outputStart: 10, length: 9 },
      ]),
    ).toEqual([
      { start: 0, end: 2, span: null },
      { start: 2, end: 6, span: 0 },
      { start: 6, end: 8, span: 1 },
      { start: 8, end: 10, span: null },
      { start: 10, end: 12, span: 2 },
    ]);
    expect(spans.segments(4, [{ outputStart: 0, length: 4 }])).toEqual([{ start: 0, end: 4, span: 0 }]);
  });

  it('shows UTF-8 text as text and anything else as hex bytes', () => {
    const text = new TextEncoder().encode('héllo\tworld\n');
    expect(spans.isText(text)).toBe(true);
    expect(spans.showBytes(text, true)).toBe('héllo\tworld\n');
    for (const binary of ['0xff00', '0x00', '0x61620763', '0xc3']) {
      expect(spans.isText(spans.hexToBytes(binary)), binary).toBe(false);
    }
    expect(spans.showBytes(spans.hexToBytes('0x00ff10'), false)).toBe('00 ff 10');
    expect(() => spans.hexToBytes('0x123')).toThrow();
    expect(() => spans.hexToBytes('12')).toThrow();
  });

  it('gives each contribution one colour, in order of appearance, cycling through the palette', () => {
    const ids = [5n, 3n, 5n, ...Array.from({ length: spans.HUES }, (_, i) => BigInt(100 + i))];
    const hues = spans.huesOf(ids);
    expect(hues.get('5')).toBe(0);
    expect(hues.get('3')).toBe(1);
    expect(hues.get('100')).toBe(2);
    expect(hues.get(String(100 + spans.HUES - 2))).toBe(0);
    expect(hues.size).toBe(2 + spans.HUES);
  });
});

// --- governance ----------------------------------------------------------------------------------

describe('explorer governance (governance.js)', () => {
  it('uses the module address, a badge for every proposal status, a bar part for every option', () => {
    expect(governance.GOV_ADDRESS).toBe(GOV_ADDRESS);
    expect(Object.keys(governance.PROPOSAL_STATUS_KIND).sort()).toEqual(Object.keys(ProposalStatus).sort());
    expect(governance.VOTE_OPTIONS.map(([field]) => field).sort()).toEqual(Object.keys(VoteOption).sort());
  });

  it("reads the node's proposals and parameters as the page does; a refused call reads as null", async () => {
    const answers = await Promise.all(
      governance.GOV_CALLS.map(([method, params]) => rpc(method, params ?? [])),
    );
    const read = governance.governanceOf(answers);
    expect(read.proposals).toEqual([]);
    expect(read.params).toMatchObject({ quorumBps: 3_340 });
    expect(governance.governanceOf([new Error('off'), new Error('off')])).toEqual({
      proposals: null,
      params: null,
    });
    expect(
      governance.tallyParts({ yes: '0x3', abstain: '0x0', no: '0x1', noWithVeto: '0x2', bonded: '0x9' }),
    ).toEqual([
      ['Yes', 3n, 'hue-2'],
      ['Abstain', 0n, 'hue-4'],
      ['No', 1n, 'hue-0'],
      ['No with veto', 2n, 'hue-3'],
    ]);
  });
});

// --- staking -------------------------------------------------------------------------------------

describe('explorer staking (staking.js)', () => {
  it('uses the module address and has a badge for every validator status', () => {
    expect(staking.STAKING_ADDRESS).toBe(STAKING_ADDRESS);
    expect(Object.keys(staking.VALIDATOR_STATUS_KIND).sort()).toEqual(Object.keys(ValidatorStatus).sort());
  });

  it("reads the node's staking the way the overview does; a refused call reads as null", async () => {
    const answers = await Promise.all(
      staking.STAKING_CALLS.map(([method, params]) => rpc(method, params ?? [])),
    );
    const read = staking.stakingOf(answers);
    const genesisOperator = t.accounts[0]!.address.toLowerCase();
    expect(read.validators).toContainEqual(
      expect.objectContaining({ operator: genesisOperator, status: 'active' }),
    );
    expect(BigInt(read.pool!['bonded']!)).toBeGreaterThan(0n);
    expect(BigInt(read.params!['signedBlocksWindow']!)).toBeGreaterThan(0n);
    const refused = new Error('no staking');
    expect(staking.stakingOf([refused, refused, refused])).toEqual({
      validators: null,
      pool: null,
      params: null,
    });
  });

  it('gives uptime as the signed share of the signing window, in basis points', () => {
    const window = { signedBlocksWindow: '0x64' };
    expect(staking.uptimeBps({ missedBlocks: '0x0' }, window)).toBe(10_000);
    expect(staking.uptimeBps({ missedBlocks: '0x3' }, window)).toBe(9_700);
    expect(staking.uptimeBps({ missedBlocks: '0x64' }, window)).toBe(0);
    expect(staking.uptimeBps({ missedBlocks: '0x0' }, null)).toBeNull();
  });
});

// --- attribution ---------------------------------------------------------------------------------

describe('explorer unlock schedules (vesting.js)', () => {
  it('draws what is still vesting over time, scaled to the total, with the latest block marked', async () => {
    const { curvePath } = (await load('vesting.js')) as VestingModule;
    // 136 of 136 vesting until t=999, half at 1000, none from 2000 (the chart is 600 × 140).
    const points = [
      { time: 999, vesting: '0x88' },
      { time: 1000, vesting: '0x44' },
      { time: 1999, vesting: '0x44' },
      { time: 2000, vesting: '0x0' },
    ];
    expect(curvePath(points, 136n, 1500)).toEqual({
      d: 'M0.0,4 L0.6,72 L599.4,72 L600.0,140',
      nowX: (501 / 1001) * 600,
    });
    expect(curvePath(points, 136n, 5000).nowX).toBeNull();
    expect(curvePath([], 0n, 0)).toEqual({ d: '', nowX: null });
  });
});

describe("explorer ABI codec (abi.js, bundled with ox from the modules' ABIs)", () => {
  it("is built, uses the module addresses, and knows the modules' functions and events", () => {
    expect(abi.ATTRIBUTION_ADDRESS).toBe(MODULE_ADDRESS);
    for (const item of attributionAbi) {
      if (item.type === 'event') expect(abi.eventTopic(item.name)).toBe(AbiItem.getSignatureHash(item));
    }
    const delegate = AbiFunction.encodeData(AbiFunction.fromAbi(stakingAbi, 'delegate'), [
      '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
    ]);
    expect(abi.decodeCall(STAKING_ADDRESS, delegate)).toMatchObject({
      name: 'delegate',
      args: { validator: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' },
    });
    expect(abi.topicOf(2)).toBe(`0x${'2'.padStart(64, '0')}`);
    expect(abi.topicOf('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')).toBe(
      `0x${'70997970c51812dc3a010c7d01b50e0d17dc79c8'.padStart(64, '0')}`,
    );
  });

  it('decodes what the node encodes: nested tuples, arrays, strings and bytes', () => {
    const model = {
      id: 9n,
      owner: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
      name: 'modèle ✓ <b>',
      metadataURI: '',
      datanetIds: [1n, 2n, 3n],
      baseModelId: 4n,
      depth: 1,
      feePerInference: 10n ** 16n,
      feePerKiloByte: 2n ** 255n,
      split: { ownerBps: 5000, contributorsBps: 3000, validatorsBps: 1500, treasuryBps: 500 },
      createdAt: 1_700_000_000_000n,
      inferences: 0n,
      feesCharged: 0n,
      baseShareBps: 2_000,
    } as const;
    const encoded = AbiFunction.encodeResult(AbiFunction.fromAbi(attributionAbi, 'getModel'), model);
    expect(abi.decodeResult('getModel', encoded)).toEqual(model);

    const recordInference = AbiFunction.fromAbi(attributionAbi, 'recordInference');
    const span = {
      contributionId: 3n,
      outputStart: 0,
      length: 40,
      chunkIndex: 1n,
      chunkOffset: 8,
      chunks: ['0x01020304', '0x'],
      paths: [[`0x${'11'.repeat(32)}`], [], [`0x${'22'.repeat(32)}`, `0x${'33'.repeat(32)}`]],
    } as const;
    const input = AbiFunction.encodeData(recordInference, [7n, '0xdeadbeef', [span, span]]);
    const call = abi.decodeCall(MODULE_ADDRESS, input)!;
    expect(call.name).toBe('recordInference');
    expect(call.inputs.map((p) => `${p.name}:${p.type}`)).toEqual([
      'modelId:uint64',
      'output:bytes',
      'spans:tuple[]',
    ]);
    expect(call.args).toEqual({ modelId: 7n, output: '0xdeadbeef', spans: [span, span] });
  });

  it('refuses malformed data with an error instead of throwing or reading past it', () => {
    const getDatanet = abi.encodeCall('getDatanet', [1n]);
    expect(abi.decodeCall(MODULE_ADDRESS, '0x12345678')).toBeNull();
    expect(abi.decodeCall('0x0000000000000000000000000000000000001234', getDatanet)).toBeNull();
    expect(abi.decodeCall(null, getDatanet)).toBeNull();
    expect(abi.decodeCall(MODULE_ADDRESS, getDatanet.slice(0, 20))?.error).toMatch(
      /too small|out of bounds/i,
    );
    // A string whose length is 2^255 must not allocate anything.
    const createDatanet = abi.encodeCall('createDatanet', ['a', 'b', 'c', 0, 0n]);
    const huge = `${createDatanet.slice(0, 10 + 5 * 64)}8${'0'.repeat(63)}${createDatanet.slice(10 + 6 * 64)}`;
    expect(abi.decodeCall(MODULE_ADDRESS, huge)?.args).toBeNull();
    expect(
      abi.decodeLog({ address: MODULE_ADDRESS, topics: [`0x${'00'.repeat(32)}`], data: '0x' }),
    ).toBeNull();
    const reward = abi.eventTopic('RewardPaid');
    expect(abi.decodeLog({ address: MODULE_ADDRESS, topics: [reward], data: '0x' })?.args).toBeNull();
  });

  it("reads the node's module the way the explorer page does", async () => {
    const wallet = t.walletClient(0);
    const owner = t.accounts[0]!.address.toLowerCase();
    const hash = await wallet.writeContract({
      address: MODULE_ADDRESS,
      abi: attributionAbi,
      functionName: 'createDatanet',
      args: ['Medical QA <b>', 'ipfs://x', 'CC-BY-4.0', 1, parseEther('0.5')],
      chain: t.viemChain,
      account: wallet.account!,
    });
    await t.publicClient().waitForTransactionReceipt({ hash });

    const tx = (await rpc('eth_getTransactionByHash', [hash])) as { to: string; input: string };
    expect(abi.decodeCall(tx.to, tx.input)).toMatchObject({
      name: 'createDatanet',
      args: {
        name: 'Medical QA <b>',
        metadataURI: 'ipfs://x',
        license: 'CC-BY-4.0',
        policy: 1,
        bond: 5n * 10n ** 17n,
      },
    });

    const receipt = (await rpc('eth_getTransactionReceipt', [hash])) as {
      logs: { address: string; topics: string[]; data: string }[];
    };
    const created = receipt.logs.map((log) => abi.decodeLog(log)).find((d) => d?.name === 'DatanetCreated');
    expect(created?.args).toEqual({
      datanetId: 1n,
      owner,
      policy: 1,
      bond: 5n * 10n ** 17n,
      name: 'Medical QA <b>',
    });

    const call = (data: string) =>
      rpc('eth_call', [{ to: MODULE_ADDRESS, input: data }, 'latest']) as Promise<string>;
    expect(abi.decodeResult('counts', await call(abi.encodeCall('counts')))).toEqual({
      datanets: 1n,
      contributions: 0n,
      models: 0n,
      inferences: 0n,
    });
    expect(abi.decodeResult('getDatanet', await call(abi.encodeCall('getDatanet', [1n])))).toMatchObject({
      id: 1n,
      owner,
      policy: 1,
      bond: 5n * 10n ** 17n,
      name: 'Medical QA <b>',
      license: 'CC-BY-4.0',
      earned: 0n,
    });
    expect(abi.decodeResult('params', await call(abi.encodeCall('params')))).toHaveProperty('chunkSize');
    expect(
      abi.decodeResult('contributorEarnings', await call(abi.encodeCall('contributorEarnings', [owner]))),
    ).toBe(0n);
  });
});
