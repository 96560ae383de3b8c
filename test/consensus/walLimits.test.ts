// Every proposal must fit one WAL record: genesis refuses a block budget whose largest block would
// not, with a message that says why.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RECORD_BYTES } from '../../consensus/wal.ts';
import { GenesisError, parseGenesis } from '../../genesis/load.ts';
import { maxBlockBytes } from '../../p2p/limits.ts';
import { MAX_BLOCK_TX_BYTES } from '../../state/params.ts';
import vector from '../genesis/vectors/genesis.json' with { type: 'json' };

function withBlockBudget(maxBlockTxBytes: number): unknown {
  const g = structuredClone(vector.genesis) as { params: Record<string, unknown> };
  g.params.maxBlockTxBytes = maxBlockTxBytes;
  return g;
}

describe('block size against the WAL record limit', () => {
  it('the largest block genesis allows, with its proposal fields, fits one WAL record', () => {
    const maxTxBytes = 3 * 1024 * 1024;
    const proposalFields = 1024; // height, round, polRound, signature and protobuf framing
    expect(maxBlockBytes({ maxTxBytes, maxBlockTxBytes: MAX_BLOCK_TX_BYTES }) + proposalFields).toBeLessThan(
      DEFAULT_MAX_RECORD_BYTES,
    );
  });

  it('genesis refuses a larger block budget with a clear error', () => {
    expect(() => parseGenesis(withBlockBudget(MAX_BLOCK_TX_BYTES))).not.toThrow();
    let problems: readonly string[] = [];
    try {
      parseGenesis(withBlockBudget(1024 * 1024 * 1024));
    } catch (err) {
      expect(err).toBeInstanceOf(GenesisError);
      problems = (err as GenesisError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(
        /^genesis\.params\.maxBlockTxBytes: maxBlockTxBytes is \d+, above its maximum \d+: a block must fit one record of the consensus WAL/,
      ),
    ]);
  });
});
