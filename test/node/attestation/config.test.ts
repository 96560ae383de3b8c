import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  attestorSigner,
  contentLoaderFromConfig,
  scorerFromConfig,
} from '../../../node/attestation/index.ts';
import { ConfigError, parseConfig } from '../../../node/config.ts';
import { chunkFile } from '../../../prover/index.ts';
import { captureLog, request } from './helpers.ts';

// Hardhat's first dev key and its address.
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';

const home = mkdtempSync(join(tmpdir(), 'openchain-attest-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the attestation config', () => {
  it('defaults to the built-in scorer, no mirrors and no account', () => {
    expect(parseConfig({}).attestation).toEqual({
      scorer: { builtin: 'ngram' },
      scorerTimeoutMs: 30_000,
      mirrors: {},
      uriSchemes: ['file', 'http', 'https'],
      contentTimeoutMs: 10_000,
      maxContentBytes: 64 * 1024 * 1024,
      contentCacheBytes: 64 * 1024 * 1024,
    });
  });

  it('takes a command, a URL, mirrors and an account', () => {
    const a = parseConfig({
      attestation: {
        scorer: { command: ['python3', 'score.py', '--gpu'] },
        scorerTimeoutMs: 5000,
        mirrors: { '3': '/srv/papers', '*': 'mirror' },
        account: { privateKeyFile: 'keys/attestor.key' },
      },
    }).attestation;
    expect(a).toMatchObject({
      scorer: { command: ['python3', 'score.py', '--gpu'] },
      mirrors: { '3': '/srv/papers', '*': 'mirror' },
      account: { privateKeyFile: 'keys/attestor.key' },
    });
    expect(
      parseConfig({ attestation: { scorer: { url: 'https://gpu.example:8443/score' } } }).attestation.scorer,
    ).toEqual({
      url: 'https://gpu.example:8443/score',
    });
  });

  it.each([
    [
      { scorer: { command: [] } },
      /config\.attestation\.scorer\.command: expected at least the program to run/,
    ],
    [
      { scorer: { url: 'ftp://box/score' } },
      /config\.attestation\.scorer\.url: expected an http:\/\/ or https:\/\/ URL/,
    ],
    [
      { scorer: { builtin: 'bm25' } },
      /config\.attestation\.scorer: expected one of \{ "builtin": "ngram" \}/,
    ],
    [{ scorer: { command: ['a'], url: 'http://b' } }, /config\.attestation\.scorer: expected one of/],
    [{ scorer: 'ngram' }, /config\.attestation\.scorer: expected one of/],
    [{ scorerTimeoutMs: 0 }, /config\.attestation\.scorerTimeoutMs/],
    [{ scorerTimeoutMs: 1.5 }, /config\.attestation\.scorerTimeoutMs/],
    [{ mirrors: { papers: '/srv' } }, /mirror keys are Datanet ids \(e\.g\. "3"\) or "\*" for every Datanet/],
    [{ mirrors: { '03': '/srv' } }, /mirror keys are Datanet ids/],
    [{ mirrors: { '3': '' } }, /config\.attestation\.mirrors\.3/],
    [{ uriSchemes: ['ipfs'] }, /config\.attestation\.uriSchemes\.0/],
    [{ uriSchemes: ['http', 'http'] }, /config\.attestation\.uriSchemes: each scheme at most once/],
    [{ uriSchemes: 'https' }, /config\.attestation\.uriSchemes/],
    [{ maxContentBytes: 0 }, /config\.attestation\.maxContentBytes/],
    [{ contentCacheBytes: -1 }, /config\.attestation\.contentCacheBytes/],
    [
      { account: { privateKey: '0x1234' } },
      /config\.attestation\.account\.privateKey: expected a 32-byte private key as 0x-prefixed hex/,
    ],
    [
      { account: KEY },
      /config\.attestation\.account: expected \{ "privateKey": "0x\.\.\." \} or \{ "privateKeyFile": "path" \}/,
    ],
    [{ account: { privateKey: KEY, privateKeyFile: 'k' } }, /config\.attestation\.account: expected/],
    [{ scorerTimeout: 5 }, /config\.attestation: Unrecognized key: "scorerTimeout"/],
  ])('refuses %j with a clear error', (attestation, message) => {
    expect(() => parseConfig({ attestation })).toThrow(ConfigError);
    expect(() => parseConfig({ attestation })).toThrow(message);
  });
});

describe('attestorSigner', () => {
  it('takes an inline key', () => {
    expect(attestorSigner({ privateKey: KEY }, home).address).toBe(ADDRESS);
  });

  it('reads a key file relative to the home, refusing one that others can read', () => {
    writeFileSync(join(home, 'attestor.key'), `${KEY.slice(2)}\n`, { mode: 0o600 });
    expect(attestorSigner({ privateKeyFile: 'attestor.key' }, home).address).toBe(ADDRESS);
    chmodSync(join(home, 'attestor.key'), 0o644);
    expect(() => attestorSigner({ privateKeyFile: 'attestor.key' }, home)).toThrow(
      /attestor key .* is accessible to group or others/,
    );
  });

  it('says which setting holds a bad key', () => {
    writeFileSync(join(home, 'bad.key'), 'not hex', { mode: 0o600 });
    expect(() => attestorSigner({ privateKeyFile: 'bad.key' }, home)).toThrow(
      new RegExp(
        `attestation.account.privateKeyFile ${join(home, 'bad.key')}: the private key must be 32 bytes of hex`,
      ),
    );
    expect(() => attestorSigner({ privateKeyFile: 'missing.key' }, home)).toThrow(
      /cannot read attestation.account.privateKeyFile .*missing.key/,
    );
    expect(() => attestorSigner({ privateKey: `0x${'0'.repeat(64)}` }, home)).toThrow(
      /attestation.account.privateKey: the private key is not a valid secp256k1 key/,
    );
  });
});

describe('from the config', () => {
  it('the default scorer is the built-in one', async () => {
    const scorer = scorerFromConfig(parseConfig({}).attestation, home, captureLog().log);
    expect(await scorer.score(request)).toEqual({
      kind: 'scored',
      scores: [2222, 0, 10_000],
      unavailable: [18446744073709551615n],
    });
  });

  it('a command scorer runs in the node home', async () => {
    writeFileSync(join(home, 'score.mjs'), `process.stdout.write(JSON.stringify({ scores: [1, 2] }));`);
    const config = parseConfig({
      attestation: { scorer: { command: [process.execPath, 'score.mjs'] } },
    }).attestation;
    expect(await scorerFromConfig(config, home, captureLog().log).score(request)).toMatchObject({
      scores: [1, 0, 2],
    });
  });

  it('mirrors are directories in the node home', async () => {
    const content = new TextEncoder().encode('mirrored content');
    writeFileSync(join(home, 'mirrored.txt'), content);
    const config = parseConfig({ attestation: { mirrors: { '*': '.' } } }).attestation;
    const loaded = await contentLoaderFromConfig(config, home).load({
      id: 1n,
      datanetId: 1n,
      chunkRoot: chunkFile(content, 16).chunkRoot,
      size: BigInt(content.length),
      chunkSize: 16,
      uri: '',
    });
    expect(loaded).toEqual({ content: new Uint8Array(content), source: `mirror ${home}` });
  });
});
