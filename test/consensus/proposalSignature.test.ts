// Replay of a proposal signature (docs/security.md): it binds the chain id and every signed field,
// and its domain tag keeps it from ever being taken for a vote signature, or a vote's for it.
import { describe, expect, it } from 'vitest';
import { proposalSignBytes, verifyProposalSignature } from '../../consensus/proposal.ts';
import { bytesToHex } from '../../core/bytes.ts';
import { ed25519Sign, ed25519Verify } from '../../core/ed25519.ts';
import { PRECOMMIT, PREVOTE, voteSignBytes } from '../../core/vote.ts';
import { blockAtHeight1, CHAIN_ID, makeValidators, plain, proposal } from './harness/fixtures.ts';

const [signer, other] = makeValidators([10n, 10n]);
const validators = [plain(signer!), plain(other!)];

describe('proposal signatures', () => {
  const block = blockAtHeight1(validators, 1);
  const signed = proposal(signer!, block, 0);

  it('verify for their chain and proposer only', () => {
    expect(verifyProposalSignature(CHAIN_ID, signed, signer!.pubKey)).toBe(true);
    expect(verifyProposalSignature(CHAIN_ID + 1n, signed, signer!.pubKey)).toBe(false);
    expect(verifyProposalSignature(CHAIN_ID, signed, other!.pubKey)).toBe(false);
  });

  it('do not verify once any signed field changes', () => {
    const changed = [
      { ...signed, height: 2 },
      { ...signed, round: 1 },
      { ...signed, polRound: 0 },
      { ...signed, block: blockAtHeight1(validators, 2) },
    ];
    for (const p of changed) expect(verifyProposalSignature(CHAIN_ID, p, signer!.pubKey)).toBe(false);
  });

  it('are never vote signatures: the same numbers sign different bytes under each tag', () => {
    const hash = bytesToHex(new Uint8Array(32).fill(7));
    const asProposal = proposalSignBytes(CHAIN_ID, 1, 0, -1, hash);
    for (const type of [PREVOTE, PRECOMMIT] as const) {
      const asVote = voteSignBytes(CHAIN_ID, { type, height: 1, round: 0, blockHash: hash });
      expect(bytesToHex(asVote)).not.toBe(bytesToHex(asProposal));
      const voteSignature = ed25519Sign(asVote, signer!.secretKey);
      expect(ed25519Verify(voteSignature, asProposal, signer!.pubKey)).toBe(false);
    }
  });
});
