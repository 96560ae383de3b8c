// The attested records' views: the record with its settlement, and each snapshot validator's
// attestation with what it earned.
import { bytesToHex } from '../../../../core/bytes.ts';
import { Role } from '../records.ts';
import type { ViewHandlers } from '../views.ts';
import { clipScores } from './consensus.ts';
import { readAttestation, readMisses, requireAttested } from './records.ts';

type AttestedViews = Pick<ViewHandlers, 'getAttestedInference' | 'getAttestations' | 'missedAttestations'>;

export const attestedViews: AttestedViews = {
  getAttestedInference: (state, [id]) => {
    const r = requireAttested(state, id, 'getAttestedInference');
    const { validators, ...rest } = r;
    return {
      id,
      ...rest,
      height: BigInt(r.height),
      outputHash: bytesToHex(r.outputHash),
      candidates: [...r.candidates],
      claimedScores: [...r.claimedScores],
      commitEnd: BigInt(r.commitEnd),
      revealEnd: BigInt(r.revealEnd),
      consensusScores: [...r.consensusScores],
      totalPower: validators.reduce((sum, v) => sum + v.power, 0n),
      payouts: [...r.payouts],
    };
  },

  getAttestations: (state, [id]) => {
    const r = requireAttested(state, id, 'getAttestations');
    return r.validators.map((v, index) => {
      const a = readAttestation(state, id, index);
      const scores = a?.revealed ? [...a.scores] : [];
      const clipped = r.quorumReached && scores.length > 0 ? clipScores(scores, r.consensusScores) : [];
      const reward = r.payouts
        .filter((p) => p.recipient === v.operator && p.role === Role.validator)
        .reduce((sum, p) => sum + p.amount, 0n);
      return {
        validator: v.operator,
        power: v.power,
        committed: a !== undefined,
        revealed: a?.revealed ?? false,
        scores,
        clippedScores: clipped,
        reward,
      };
    });
  },

  missedAttestations: (state, [validator]) => readMisses(state, validator),
};
