// A handler's Call on a fresh in-memory state, without a chain or a transaction: for tests that
// pin one handler's checks and their typed errors, each building its state inside the test (so
// mutation testing attributes the handler's lines to the tests that reach them).
import { decodeEventLog } from 'viem';
import type { Address } from '../../../../core/address.ts';
import { bytesToHex, type Hex } from '../../../../core/bytes.ts';
import { ChunkTree } from '../../../../core/chunkTree.ts';
import type { Log } from '../../../../core/receipt.ts';
import { readAccount, writeAccount } from '../../../../state/accounts.ts';
import { attributionAbi } from '../../../../state/modules/attribution/abi.ts';
import type { Call } from '../../../../state/modules/attribution/call.ts';
import { AttributionError } from '../../../../state/modules/attribution/errors.ts';
import { Counter } from '../../../../state/modules/attribution/keys.ts';
import { registerModel } from '../../../../state/modules/attribution/models.ts';
import type { AttributionParams } from '../../../../state/modules/attribution/params.ts';
import { ProofCache } from '../../../../state/modules/attribution/proofCache.ts';
import {
  BondStatus,
  type Contribution,
  FlagReason,
  Policy,
  Status,
} from '../../../../state/modules/attribution/records.ts';
import { nextId, writeDatanet } from '../../../../state/modules/attribution/store.ts';
import { StateOverlay } from '../../../../state/stateDb.ts';
import { block } from '../../execution/helpers.ts';
import { TEST_ATTRIBUTION_PARAMS } from './helpers.ts';

export const OWNER: Address = '0x00000000000000000000000000000000000000a0';
export const BLOCK_TIME = 1_700_000_000_000;

/** An accepted contribution of `content` (no bond, no history): what a test's records cite. */
export function acceptedContribution(
  datanetId: bigint,
  contributor: Address,
  content: Uint8Array,
  chunkSize: number,
  status: Status = Status.accepted,
): Contribution {
  return {
    datanetId,
    contributor,
    chunkRoot: new ChunkTree(content, chunkSize).root,
    size: content.length,
    chunkSize,
    uri: '',
    status,
    flagReason: FlagReason.none,
    bond: 0n,
    bondStatus: BondStatus.none,
    submittedAt: 0,
    acceptedAt: 0,
    commitHeight: 0,
    submittedHeight: 0,
    challengeWindowSeconds: 0,
  };
}

export class DirectCalls {
  readonly state = new StateOverlay({ get: () => undefined });
  readonly logs: Log[] = [];
  /** Gas charged by all calls so far. */
  gas = 0n;
  /** The module parameters the next calls see (a test may change them between calls). */
  params: AttributionParams = TEST_ATTRIBUTION_PARAMS;
  /** The height of the block the next calls run in. */
  height = block.height;

  /**
   * A call from `from` with `value` attached, in a block at `time`. The value is not moved: a
   * test that needs the module account to hold it funds the account itself.
   */
  call(from: Address = OWNER, value = 0n, time = BLOCK_TIME): Call {
    const ctx = {
      state: this.state,
      block: { ...block, height: this.height, time },
      from,
      value,
      useGas: (amount: bigint) => {
        this.gas += amount;
      },
      emit: (log: Log) => {
        this.logs.push(log);
      },
    };
    return { ctx, state: this.state, params: this.params, proofs: new ProofCache(0) };
  }

  /** The next Datanet, owned by OWNER (open and without a bond unless told), written directly. */
  datanet(opts: { policy?: Policy; bond?: bigint } = {}): bigint {
    const id = nextId(this.state, Counter.datanet);
    writeDatanet(this.state, id, {
      owner: OWNER,
      policy: opts.policy ?? Policy.open,
      bond: opts.bond ?? 0n,
      name: `d${id}`,
      metadataURI: '',
      license: '',
      createdAt: 0,
    });
    return id;
  }

  /** The next model: a fee-less base model of OWNER without Datanets; the logs are cleared after it. */
  model(): void {
    registerModel(this.call(OWNER), {
      name: 'm',
      metadataURI: '',
      datanetIds: [],
      baseModelId: 0n,
      feePerInference: 0n,
      feePerKiloByte: 0n,
      split: { ownerBps: 5_000n, contributorsBps: 3_000n, validatorsBps: 1_000n, treasuryBps: 1_000n },
    });
    this.logs.length = 0;
  }

  /** `count` open Datanets without a bond. */
  datanets(count: number): void {
    for (let i = 0; i < count; i++) this.datanet();
  }

  balance(address: Address): bigint {
    return readAccount(this.state, address).balance;
  }

  /** Adds `amount` to an account (the module's, for the bonds and fees it must hold). */
  fund(address: Address, amount: bigint): void {
    const account = readAccount(this.state, address);
    writeAccount(this.state, address, { ...account, balance: account.balance + amount });
  }

  /** The events emitted so far, decoded with viem. */
  events(): { eventName: string; args: Record<string, unknown> }[] {
    return this.logs.map((log) => {
      const { eventName, args } = decodeEventLog({
        abi: attributionAbi,
        data: bytesToHex(log.data),
        topics: log.topics as [Hex],
      });
      return { eventName, args: args as unknown as Record<string, unknown> };
    });
  }
}

/** The AttributionError `run` throws (failing the test if it throws nothing or something else). */
export function attributionError(run: () => unknown): AttributionError {
  try {
    run();
  } catch (err) {
    if (err instanceof AttributionError) return err;
    throw err;
  }
  throw new Error('expected an AttributionError, nothing was thrown');
}

/** The code and message of the AttributionError `run` throws. */
export function refusal(run: () => unknown): { code: string; message: string } {
  const err = attributionError(run);
  return { code: err.code, message: err.message };
}
