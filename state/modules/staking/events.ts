// The staking module's events as logs from the staking address (abiEvents.ts).
import { moduleEvents } from '../abiEvents.ts';
import { STAKING_ADDRESS, stakingAbi } from './abi.ts';
import { GAS } from './gas.ts';

export const { encodeLog, emit } = moduleEvents(stakingAbi, STAKING_ADDRESS, GAS.log);
