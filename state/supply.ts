// The total supply as state: fixed at genesis (allocations plus the rewards pool; nothing mints) and
// lowered by every burn (the burned share of base fees, slashes when they are burned, burned
// attribution bonds and governance deposits), so open_getUnlockCurve and the explorer read it
// instead of summing accounts.
import { record, uint256 } from './codec/schema.ts';
import type { StateOverlay, StateReader } from './stateDb.ts';
import { StateSpace } from './stateKeys.ts';

const supplyRecord = record('supply', { total: uint256 });
const SUPPLY_KEY = Uint8Array.of(StateSpace.supply);

/** The total supply; undefined only in states built without a genesis (test benches). */
export function readSupply(state: StateReader): bigint | undefined {
  const bytes = state.get(SUPPLY_KEY);
  return bytes ? supplyRecord.decode(bytes).total : undefined;
}

/** Genesis: the supply it creates. */
export function writeSupply(state: StateOverlay, total: bigint): void {
  state.set(SUPPLY_KEY, supplyRecord.encode({ total }));
}

/** `amount` left the supply (its tokens were taken from a balance and credited to nobody). */
export function burnSupply(state: StateOverlay, amount: bigint): void {
  const total = readSupply(state);
  if (amount > 0n && total !== undefined) writeSupply(state, total - amount);
}
