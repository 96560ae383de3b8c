// The genesis file's `gov` section (docs/genesis.md, docs/governance.md): the governance parameters,
// derived from the module's own declaration (govParams in state/modules/gov/params.ts), so genesis
// validation admits exactly the values, within exactly the bounds, that proposals may set.
import { z } from 'zod';
import { govParams } from '../state/modules/gov/params.ts';
import { paramSetSchema } from './paramSet.ts';

export const govSchema = z.strictObject({ params: paramSetSchema(govParams) });
