// `openchain genesis add-account ... --vesting-start/--cliff/--end` and `--unlock`: the schedule
// lands in the file as docs/vesting.md spells it; a bad schedule or a bad mix of options is refused
// with its reason and leaves the file byte for byte as it was.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProgram } from '../helpers/program.ts';

const OPEN = 10n ** 18n;
const A = '0x00000000000000000000000000000000000a0001';
const B = '0x00000000000000000000000000000000000a0002';
const C = '0x00000000000000000000000000000000000a0003';

describe('genesis add-account with an unlock schedule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-vesting-cli-'));
  const genesis = join(dir, 'genesis.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => runProgram(['genesis', ...args, '--genesis', genesis]);
  const alloc = () => (JSON.parse(readFileSync(genesis, 'utf8')) as { alloc: unknown[] }).alloc;

  it('writes linear and periodic schedules', async () => {
    expect((await runProgram(['genesis', 'new', '--chain-id', '7', '--out', genesis])).error).toBeUndefined();
    const linear = await run(
      'add-account',
      A,
      '1000OPEN',
      '--vesting-start',
      '2027-01-01T00:00:00Z',
      '--cliff',
      '2028-01-01T00:00:00Z',
      '--end',
      '2030-01-01T00:00:00Z',
      '--vesting-amount',
      '600OPEN',
    );
    expect(linear.error).toBeUndefined();
    const periodic = await run(
      'add-account',
      B,
      '10OPEN',
      '--unlock',
      '2027-01-01T00:00:00Z=4OPEN',
      '--unlock',
      '2027-07-01T00:00:00Z=6OPEN',
    );
    expect(periodic.error).toBeUndefined();
    expect(alloc()).toEqual([
      {
        address: A,
        balance: (1_000n * OPEN).toString(),
        vesting: {
          amount: (600n * OPEN).toString(),
          start: '2027-01-01T00:00:00Z',
          cliff: '2028-01-01T00:00:00Z',
          end: '2030-01-01T00:00:00Z',
        },
      },
      {
        address: B,
        balance: (10n * OPEN).toString(),
        vesting: {
          unlocks: [
            { time: '2027-01-01T00:00:00Z', amount: (4n * OPEN).toString() },
            { time: '2027-07-01T00:00:00Z', amount: (6n * OPEN).toString() },
          ],
        },
      },
    ]);
  });

  it.each([
    [
      [
        '--vesting-start',
        '2027-01-01T00:00:00Z',
        '--cliff',
        '2026-01-01T00:00:00Z',
        '--end',
        '2030-01-01T00:00:00Z',
      ],
      'genesis.alloc[2].vesting: the cliff (2026-01-01T00:00:00.000Z) is before the start (2027-01-01T00:00:00.000Z)',
    ],
    [
      [
        '--vesting-start',
        '2027-01-01T00:00:00Z',
        '--cliff',
        '2029-01-01T00:00:00Z',
        '--end',
        '2028-01-01T00:00:00Z',
      ],
      'genesis.alloc[2].vesting: the end (2028-01-01T00:00:00.000Z) is before the cliff (2029-01-01T00:00:00.000Z)',
    ],
    [
      [
        '--vesting-start',
        '2027-01-01T00:00:00Z',
        '--end',
        '2028-01-01T00:00:00Z',
        '--vesting-amount',
        '6OPEN',
      ],
      `genesis.alloc[2].vesting: the schedule locks ${6n * OPEN}, more than the balance ${5n * OPEN}`,
    ],
    [
      ['--unlock', '2027-01-01T00:00:00Z=6OPEN'],
      `the schedule locks ${6n * OPEN}, more than the balance ${5n * OPEN}`,
    ],
    [['--vesting-start', '2027-01-01T00:00:00Z'], 'linear vesting needs --vesting-start and --end'],
    [['--vesting-amount', '1OPEN'], '--vesting-amount needs --vesting-start and --end'],
    [
      ['--unlock', '2027-01-01T00:00:00Z=1OPEN', '--end', '2028-01-01T00:00:00Z'],
      '--unlock (periodic unlocks) cannot be combined with',
    ],
    [['--unlock', '2027-01-01T00:00:00Z'], 'expected TIME=AMOUNT'],
    [['--end', 'next year', '--vesting-start', '2027-01-01T00:00:00Z'], 'expected an ISO-8601 time'],
  ])('refuses %j with the reason, leaving the file as it was', async (options, message) => {
    const before = readFileSync(genesis, 'utf8');
    const { error } = await run('add-account', C, '5OPEN', ...options);
    expect(error?.message).toContain(message);
    expect(readFileSync(genesis, 'utf8')).toBe(before);
  });
});
