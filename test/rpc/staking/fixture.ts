// A node with staking activity for the open_ staking method specs: an in-process node (real
// LevelDB, real RPC) whose genesis validator is staked, plus a validator created by transaction
// (its own ed25519 key signing the binding), a delegation to it and an unbonding entry, all sent
// with viem as any wallet would.
import { type Address, encodeFunctionData } from 'viem';
import { bytesToHex } from '../../../core/bytes.ts';
import { ed25519Sign } from '../../../core/ed25519.ts';
import { validatorAddress } from '../../../core/validator.ts';
import { generateValidatorKey } from '../../../node/keys.ts';
import { keyBindingMessage, STAKING_ADDRESS, stakingAbi } from '../../../state/modules/staking/index.ts';
import { startTestNode, type TestNode } from '../../helpers/node.ts';

export interface StakingFixture {
  readonly t: TestNode;
  /** The operator of the validator created by transaction, and its consensus address. */
  readonly operator: Address;
  readonly consensusAddress: Address;
  readonly selfBond: bigint;
  /** Delegated to `operator`, then `undelegated` of it undelegated again. */
  readonly delegator: Address;
  readonly delegated: bigint;
  readonly undelegated: bigint;
  /** A JSON-RPC call; resolves with the result or the error. */
  call<T>(
    method: string,
    params?: unknown[],
  ): Promise<{ result?: T; error?: { code: number; message: string } }>;
  /** The result of a call that must succeed. */
  result<T>(method: string, params?: unknown[]): Promise<T>;
  /** A staking view through eth_call, ABI-decoded (what the open_ method must agree with). */
  viaCall<T>(functionName: string, args?: readonly unknown[]): Promise<T>;
}

const OPEN = 10n ** 18n;

export async function startStakingFixture(): Promise<StakingFixture> {
  const t = await startTestNode({ accounts: 3 });
  const client = t.publicClient();
  const call = async <T>(method: string, params: unknown[] = []) => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return (await res.json()) as { result?: T; error?: { code: number; message: string } };
  };
  const result = async <T>(method: string, params: unknown[] = []) => {
    const { result: r, error } = await call<T>(method, params);
    if (error) throw new Error(`${method}: ${error.code} ${error.message}`);
    return r as T;
  };
  const send = async (from: number, functionName: string, args: readonly unknown[], value = 0n) => {
    const hash = await t.walletClient(from).sendTransaction({
      chain: t.viemChain,
      account: t.walletClient(from).account!,
      to: STAKING_ADDRESS,
      data: encodeFunctionData({ abi: stakingAbi, functionName, args } as never),
      value,
    });
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success')
      throw new Error(`${functionName} failed in block ${receipt.blockNumber}`);
  };

  // A small validator next to the genesis one (10 OPEN): with at most 3 of 13 power offline the
  // one-node chain keeps its two thirds.
  const operator = t.accounts[1]!.address as Address;
  const key = generateValidatorKey();
  const selfBond = OPEN;
  const signature = ed25519Sign(keyBindingMessage(1337n, operator), key.secretKey);
  await send(
    1,
    'createValidator',
    [bytesToHex(key.pubKey), bytesToHex(signature), 500, 2000, 100, 'second', 'https://example.org'],
    selfBond,
  );
  const delegator = t.accounts[2]!.address as Address;
  const delegated = 2n * OPEN;
  const undelegated = OPEN;
  await send(2, 'delegate', [operator], delegated);
  await send(2, 'undelegate', [operator, undelegated]);

  return {
    t,
    operator,
    consensusAddress: validatorAddress(key.pubKey) as Address,
    selfBond,
    delegator,
    delegated,
    undelegated,
    call,
    result,
    async viaCall<T>(functionName: string, args: readonly unknown[] = []) {
      return (await client.readContract({
        address: STAKING_ADDRESS,
        abi: stakingAbi,
        functionName,
        args,
      } as never)) as T;
    },
  };
}
