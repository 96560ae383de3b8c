// Damaged data on disk: real LevelDB files of a real node home, damaged the ways a disk or an
// operator damages them (a flipped byte in the write-ahead log, a flipped byte in a table after a
// compaction, a truncated log). Each time the node refuses to start with a message naming the
// problem and the recovery path, instead of serving damaged or rolled-back blocks; a healthy restart
// and a restart after `reset-data` still work.
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeHeader } from '../../core/block.ts';
import { hexToBytes } from '../../core/bytes.ts';
import { decodeCommit, encodeCommit } from '../../core/vote.ts';
import { loadConfigFile } from '../../node/config.ts';
import { DataDamagedError } from '../../node/dataCheck.ts';
import { homePaths } from '../../node/home.ts';
import { initHome } from '../../node/init.ts';
import { OpenchainNode } from '../../node/node.ts';
import { resetData } from '../../node/resetData.ts';
import { Database } from '../../state/store/database.ts';
import { decodeHeight, keys } from '../../state/store/keys.ts';
import { tableProblems } from '../../state/store/levelFiles.ts';

let root: string;
let home: string;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'openchain-datacheck-'));
  home = join(root, 'n');
  await initHome({
    home,
    chainId: 1337,
    moniker: 'v0',
    alloc: [],
    config: {
      rpc: { enabled: false },
      block: { intervalMs: 20 },
      p2p: { listen: ['/ip4/127.0.0.1/tcp/0'], sync: { peerWaitMs: 0 } },
    },
  });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function start(): Promise<OpenchainNode> {
  const config = loadConfigFile(homePaths(home).config);
  return OpenchainNode.start({ home, config, logger: pino({ level: 'silent' }) });
}

/** Runs the node until it committed `blocks` blocks (bounded), stops it, returns its height. */
async function runBlocks(blocks: number): Promise<number> {
  const node = await start();
  const from = node.chain.head.header.height;
  try {
    for (let i = 0; i < 1_000 && node.chain.head.header.height < from + blocks; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const height = node.chain.head.header.height;
    expect(height).toBeGreaterThanOrEqual(from + blocks);
    return height;
  } finally {
    await node.stop();
  }
}

async function refusal(): Promise<DataDamagedError> {
  const err = await start().then(
    async (node) => {
      await node.stop();
      throw new Error('the node started on damaged data');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataDamagedError);
  const damaged = err as DataDamagedError;
  expect(damaged.code).toBe('DATA_DAMAGED');
  expect(damaged.message).toContain(`openchain reset-data --home ${home}`);
  return damaged;
}

const dbDir = () => homePaths(home).db;
const dbFile = (suffix: string) => {
  const name = readdirSync(dbDir()).find((n) => n.endsWith(suffix));
  if (!name) throw new Error(`no ${suffix} file in the database`);
  return join(dbDir(), name);
};

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset]! ^= 0x10;
  writeFileSync(path, bytes);
}

describe('start-up data checks', () => {
  it('restarts normally on healthy data, and the chain goes on', async () => {
    const height = await runBlocks(3);
    expect(await runBlocks(3)).toBeGreaterThan(height);
  });

  it('refuses a write-ahead log with a flipped byte', async () => {
    await runBlocks(5);
    const log = dbFile('.log');
    flipByte(log, Math.floor(readFileSync(log).length / 2));
    const err = await refusal();
    expect(err.problems).toEqual([
      expect.stringMatching(/^\d+\.log: record at offset \d+ fails its checksum$/),
    ]);
  });

  it('refuses a table with a flipped byte after a compaction', async () => {
    await runBlocks(5);
    const level = new Level(dbDir(), { keyEncoding: 'view', valueEncoding: 'view' });
    await level.open();
    // `level` is classic-level on Node, whose compactRange the `level` types leave out.
    await (level as unknown as { compactRange(a: Uint8Array, b: Uint8Array): Promise<void> }).compactRange(
      Uint8Array.of(0x00),
      Uint8Array.of(0xff),
    );
    await level.close();
    const table = dbFile('.ldb');
    expect(tableProblems(readFileSync(table))).toEqual([]);
    flipByte(table, 100); // inside the first data block
    const err = await refusal();
    expect(err.problems).toEqual([expect.stringMatching(/^\d+\.ldb: block at offset 0 fails its checksum$/)]);
  });

  it('refuses a truncated log that rolled the head back behind the double-sign guard and the WAL', async () => {
    const height = await runBlocks(8);
    const log = dbFile('.log');
    truncateSync(log, Math.floor(readFileSync(log).length / 2));
    const err = await refusal();
    const lost = err.problems.find((p) => p.includes('double-sign guard'));
    expect(lost).toMatch(
      new RegExp(
        `^the head is block (\\d+), but the double-sign guard \\(privval_state\\.json\\) shows block (${height}|${height - 1}) was committed: the database lost \\d+ committed block\\(s\\)$`,
      ),
    );
    expect(err.problems).toContainEqual(
      expect.stringMatching(/^the head is block \d+, but the consensus WAL shows block/),
    );
  });

  it('refuses a head whose commit certificate does not verify, or whose state root is missing', async () => {
    await runBlocks(3);
    let db = await Database.open(dbDir());
    const head = decodeHeight((await db.get(keys.meta('head')))!);
    const commit = decodeCommit((await db.get(keys.commit(head)))!);
    const signature = Uint8Array.from(commit.signatures[0]!.signature);
    signature[5]! ^= 1;
    await db.put(
      keys.commit(head),
      encodeCommit({ ...commit, signatures: [{ ...commit.signatures[0]!, signature }] }),
    );
    await db.close();
    expect((await refusal()).problems).toEqual([
      expect.stringMatching(new RegExp(`^commit certificate of block ${head}: .*signature`)),
    ]);

    db = await Database.open(dbDir());
    await db.put(keys.commit(head), encodeCommit(commit));
    const header = decodeHeader((await db.get(keys.header(head)))!);
    await db.del(keys.treeNode(hexToBytes(header.stateRoot)));
    await db.close();
    expect((await refusal()).problems).toEqual([
      expect.stringMatching(new RegExp(`^state root of block ${head}: `)),
    ]);
  });

  it('starts again after reset-data, keeping the keys and the double-sign guard', async () => {
    await runBlocks(3);
    const log = dbFile('.log');
    flipByte(log, Math.floor(readFileSync(log).length / 2));
    await refusal();
    const moved = resetData(home);
    expect(moved).toHaveLength(2);
    for (const path of moved) expect(existsSync(path)).toBe(true);
    expect(existsSync(homePaths(home).validatorKey)).toBe(true);
    expect(existsSync(join(homePaths(home).data, 'privval_state.json'))).toBe(true);
    const node = await start();
    expect(node.chain.head.header.height).toBe(0);
    await node.stop();
  });
});
