// The content loader against real files, a real mirror directory and a real HTTP server on loopback.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentLoader, type ContributionRef } from '../../../node/attestation/content.ts';
import { Mirror } from '../../../node/attestation/mirror.ts';
import { chunkFile } from '../../../prover/index.ts';

const CHUNK = 16;
const dir = mkdtempSync(join(tmpdir(), 'openchain-content-'));
const paper = new TextEncoder().encode(
  'A registered contribution, long enough for several chunks of sixteen bytes.',
);
const other = new TextEncoder().encode(
  'Some other text, which is not the registered contribution at all, no, not at all.',
);

function contribution(
  content: Uint8Array,
  uri: string,
  fields: Partial<ContributionRef> = {},
): ContributionRef {
  return {
    id: 7n,
    datanetId: 3n,
    chunkRoot: chunkFile(content, CHUNK).chunkRoot,
    size: BigInt(content.length),
    chunkSize: CHUNK,
    uri,
    ...fields,
  };
}

function loader(
  mirrors: Record<string, string> = {},
  options: { cacheBytes?: number; uriSchemes?: ('file' | 'http' | 'https')[] } = {},
): ContentLoader {
  return new ContentLoader({
    mirrors: new Map(Object.entries(mirrors).map(([k, d]) => [k, new Mirror(d, `attestation.mirrors.${k}`)])),
    uriSchemes: options.uriSchemes ?? ['file', 'http', 'https'],
    timeoutMs: 500,
    maxContentBytes: 1024,
    cacheBytes: options.cacheBytes ?? 1 << 20,
  });
}

const file = (name: string, bytes: Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return pathToFileURL(path).href;
};

let server: Server;
let base: string;
let served = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    served++;
    if (req.url === '/paper') res.end(paper);
    else if (req.url === '/lying') res.end(other);
    else if (req.url === '/longer') res.end(Buffer.concat([paper, paper]));
    else if (req.url === '/slow') setTimeout(() => res.end(paper), 5000).unref();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('ContentLoader: a URI', () => {
  it('accepts a file: URI holding the registered bytes', async () => {
    const uri = file('paper.txt', paper);
    expect(await loader().load(contribution(paper, uri))).toEqual({ content: paper, source: uri });
  });

  it('accepts an http: URI served with the registered bytes', async () => {
    expect(await loader().load(contribution(paper, `${base}/paper`))).toEqual({
      content: new Uint8Array(paper),
      source: `${base}/paper`,
    });
  });

  it('rejects a lying URI: other bytes of the same size', async () => {
    const lie = other.subarray(0, paper.length);
    const uri = file('lie.txt', lie);
    const result = await loader().load(contribution(paper, uri));
    expect(result.content).toBeNull();
    expect(result.content === null && result.reason).toMatch(
      new RegExp(
        `its chunk root ${chunkFile(lie, CHUNK).chunkRoot} is not the registered ${chunkFile(paper, CHUNK).chunkRoot}`,
      ),
    );
  });

  it('rejects a truncated file and a server that sends other or more bytes', async () => {
    const truncated = file('truncated.txt', paper.subarray(0, paper.length - 1));
    const cases: [string, RegExp][] = [
      [truncated, new RegExp(`${paper.length - 1} bytes, registered ${paper.length}`)],
      [`${base}/lying`, /\d+ bytes, registered|sent more than/],
      [`${base}/longer`, new RegExp(`sent more than ${paper.length} bytes`)],
      [`${base}/missing`, /HTTP 404/],
    ];
    for (const [uri, reason] of cases) {
      const result = await loader().load(contribution(paper, uri));
      expect(result.content === null && result.reason, uri).toMatch(reason);
    }
  });

  it('gives up on a slow server after the timeout', async () => {
    const result = await loader().load(contribution(paper, `${base}/slow`));
    expect(result.content === null && result.reason).toMatch(/did not answer within 500 ms/);
  });

  it('says why for an unsupported scheme, no URI, a directory and a missing file', async () => {
    const cases: [string, RegExp][] = [
      ['ipfs://bafy', /unsupported scheme ipfs: \(file:, http: and https: are fetched\)/],
      ['', /no URI registered/],
      ['papers/a.txt', /not a URI/],
      [pathToFileURL(dir).href, /not a regular file/],
      [pathToFileURL(join(dir, 'nothing')).href, /ENOENT/],
    ];
    for (const [uri, reason] of cases) {
      const result = await loader().load(contribution(paper, uri));
      expect(result.content === null && result.reason, uri).toMatch(reason);
    }
  });

  it('fetches only the schemes attestation.uriSchemes allows, and nothing when it is empty', async () => {
    const fileUri = file('allowed.txt', paper);
    const before = served;
    const off = loader({}, { uriSchemes: [] });
    for (const uri of [fileUri, `${base}/paper`]) {
      const result = await off.load(contribution(paper, uri));
      expect(result.content === null && result.reason, uri).toMatch(
        /URI fetching is off \(attestation.uriSchemes is \[\]\)/,
      );
    }
    const httpOnly = loader({}, { uriSchemes: ['http'] });
    const refused = await httpOnly.load(contribution(paper, fileUri));
    expect(refused.content === null && refused.reason).toMatch(/file: is not in attestation.uriSchemes/);
    expect(served).toBe(before);
    expect(await httpOnly.load(contribution(paper, `${base}/paper`))).toEqual({
      content: paper,
      source: `${base}/paper`,
    });
    expect(served).toBe(before + 1);
    // A mirror still serves with URI fetching off.
    const mirrorDir = join(dir, 'offMirror');
    mkdirSync(mirrorDir);
    writeFileSync(join(mirrorDir, 'paper.txt'), paper);
    const mirrored = await loader({ '*': mirrorDir }, { uriSchemes: [] }).load(contribution(paper, fileUri));
    expect(mirrored).toEqual({ content: paper, source: `mirror ${mirrorDir}` });
  });

  it('does not load a contribution registered as larger than maxContentBytes', async () => {
    const big = new Uint8Array(1025).fill(97);
    const result = await loader().load(contribution(big, file('big.txt', big)));
    expect(result.content === null && result.reason).toMatch(
      /registered size 1025 is outside \[1, 1024\] \(attestation.maxContentBytes\)/,
    );
  });
});

describe('ContentLoader: mirrors', () => {
  const perDatanet = join(dir, 'datanet-3');
  const everything = join(dir, 'all');
  beforeAll(() => {
    mkdirSync(join(perDatanet, 'nested'), { recursive: true });
    mkdirSync(everything);
    writeFileSync(join(perDatanet, 'nested', 'copy-of-paper'), paper);
    writeFileSync(join(perDatanet, 'same-size-other'), other.subarray(0, paper.length));
    writeFileSync(join(everything, 'other.txt'), other);
  });

  it("finds a file by its chunk root in the Datanet's directory, whatever its name, before the URI", async () => {
    const result = await loader({ '3': perDatanet }).load(contribution(paper, `${base}/lying`));
    expect(result).toEqual({ content: new Uint8Array(paper), source: `mirror ${perDatanet}` });
  });

  it('searches the "*" mirror for any Datanet, and falls back to the URI, giving every reason', async () => {
    const found = await loader({ '*': everything }).load(contribution(other, '', { datanetId: 9n }));
    expect(found).toEqual({ content: new Uint8Array(other), source: `mirror ${everything}` });

    const missing = await loader({ '3': everything, '*': join(dir, 'nowhere') }).load(
      contribution(paper, ''),
    );
    expect(missing.content === null && missing.reason).toBe(
      `mirror ${everything}: no file with the registered root; ` +
        `mirror ${join(dir, 'nowhere')}: attestation.mirrors.*: not a directory: ${join(dir, 'nowhere')}; ` +
        'uri "": no URI registered',
    );
  });

  it('uses only the mirror of the contribution\'s own Datanet and "*"', async () => {
    const result = await loader({ '4': perDatanet }).load(contribution(paper, ''));
    expect(result.content).toBeNull();
  });

  it("remembers a file's root until its size or modification time changes", async () => {
    const m = loader({ '3': perDatanet });
    const changing = join(perDatanet, 'changing');
    const first = other.subarray(0, 40);
    const second = paper.subarray(0, 40);
    const hourAgo = Date.now() / 1000 - 3600;
    writeFileSync(changing, first);
    utimesSync(changing, hourAgo, hourAgo);
    expect((await m.load(contribution(first, ''))).content).toEqual(new Uint8Array(first));

    // rewritten behind the mirror's back with the same size and time: the remembered root stands
    writeFileSync(changing, second);
    utimesSync(changing, hourAgo, hourAgo);
    expect((await m.load(contribution(second, ''))).content).toBeNull();

    // a new modification time: hashed again
    utimesSync(changing, hourAgo + 1, hourAgo + 1);
    expect((await m.load(contribution(second, ''))).content).toEqual(new Uint8Array(second));
    // and a root per chunk size
    const small = contribution(second, '', { chunkRoot: chunkFile(second, 8).chunkRoot, chunkSize: 8 });
    expect((await m.load(small)).content).toEqual(new Uint8Array(second));
  });

  it('hashes a file modified just now again at each lookup: its next write may keep the same time', async () => {
    const m = loader({ '3': perDatanet });
    const fresh = join(perDatanet, 'fresh');
    const first = other.subarray(0, 50);
    const second = paper.subarray(0, 50);
    const now = Date.now() / 1000;
    writeFileSync(fresh, first);
    utimesSync(fresh, now, now);
    expect((await m.load(contribution(first, ''))).content).toEqual(new Uint8Array(first));
    writeFileSync(fresh, second);
    utimesSync(fresh, now, now); // both writes within one timestamp tick
    expect((await m.load(contribution(second, ''))).content).toEqual(new Uint8Array(second));
  });
});

describe('ContentLoader: cache', () => {
  it('serves verified content again by root without fetching, within its byte budget', async () => {
    const l = loader({}, { cacheBytes: Math.max(paper.length, other.length) });
    const c = contribution(paper, `${base}/paper`);
    const before = served;
    expect((await l.load(c)).content).toEqual(new Uint8Array(paper));
    expect(await l.load(c)).toEqual({ content: new Uint8Array(paper), source: 'cache' });
    expect(served).toBe(before + 1);

    // a second content evicts the first (the budget holds one)
    const o = contribution(other, file('other.txt', other));
    expect((await l.load(o)).content).toEqual(new Uint8Array(other));
    expect(await l.load(c)).toEqual({ content: new Uint8Array(paper), source: `${base}/paper` });
    expect(served).toBe(before + 2);

    // the cached root registered with another size is checked at its source (and refused there)
    const wrongSize = await l.load({ ...c, size: c.size + 1n });
    expect(wrongSize.content === null && wrongSize.reason).toMatch(/sent more than|bytes, registered/);
    expect(served).toBe(before + 3);
  });
});
