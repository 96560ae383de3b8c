// The governance module's events as logs from the governance address (abiEvents.ts).
import { moduleEvents } from '../abiEvents.ts';
import { GOV_ADDRESS, govAbi } from './abi.ts';
import { GAS } from './gas.ts';

export const { encodeLog, emit } = moduleEvents(govAbi, GOV_ADDRESS, GAS.log);
