// The validator set of one height, indexed for vote counting. Thresholds are in voting power:
// "+2/3" is strictly more than two thirds of the total, "+1/3" strictly more than one third.
import type { Address } from '../core/address.ts';
import { isQuorum, sortValidators, totalPower, type Validator } from '../core/validator.ts';

export class ValidatorSet {
  /** Sorted by address. */
  readonly validators: readonly Validator[];
  readonly totalPower: bigint;
  readonly #byAddress: ReadonlyMap<Address, Validator>;

  constructor(validators: readonly Validator[]) {
    this.validators = sortValidators(validators);
    this.totalPower = totalPower(validators);
    this.#byAddress = new Map(validators.map((v) => [v.address, v]));
  }

  get(address: Address): Validator | undefined {
    return this.#byAddress.get(address);
  }

  get size(): number {
    return this.validators.length;
  }

  /** More than two thirds of the total power. */
  hasTwoThirds(power: bigint): boolean {
    return isQuorum(power, this.totalPower);
  }

  /** More than one third: at least one honest validator among them. */
  hasOneThird(power: bigint): boolean {
    return power * 3n > this.totalPower;
  }

  /** Same members with the same powers (order-insensitive). */
  sameAs(validators: readonly Validator[]): boolean {
    if (validators.length !== this.validators.length) return false;
    return validators.every((v) => this.#byAddress.get(v.address)?.power === v.power);
  }
}
