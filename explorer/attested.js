// The attested part of the inference page (docs/attribution.md, "Attested scores"): the window and
// settlement, each candidate with its claimed and consensus score and what its contributor was
// paid, and each validator of the record's snapshot with its scores, clipped scores and reward.
// From open_getInference's `attested` part and open_getAttestations.
import { addressLink, amount, badge, fields, h, panel, recordLink, table } from './dom.js';
import { formatInteger, percent, toBigInt } from './format.js';

const scoreList = (scores) =>
  scores.length === 0
    ? '—'
    : h('span', { class: 'mono' }, scores.map((s) => formatInteger(BigInt(s))).join(', '));

/** The badge of an attested record: settled with or without quorum, or its window still open. */
export function attestedBadge(attested) {
  if (!attested.settled) return badge(`attestation window to block ${toBigInt(attested.revealEnd)}`, 'muted');
  return attested.quorumReached
    ? badge('settled by attestation', 'ok')
    : badge('no quorum: refunded', 'muted');
}

export function attestedPanels(attested, attestations) {
  const consensus = attested.settled && attested.quorumReached ? attested.consensusScores : null;
  const paid = new Map();
  for (const p of attested.payouts ?? []) {
    if (p.role !== 'contributor') continue;
    const c = String(toBigInt(p.refId));
    paid.set(c, (paid.get(c) ?? 0n) + toBigInt(p.amount));
  }
  const revealed = toBigInt(attested.revealedPower);
  const total = toBigInt(attested.totalPower);
  return [
    panel(
      'Attested scores',
      fields([
        ['Commits', `blocks ${toBigInt(attested.height) + 1n}–${toBigInt(attested.commitEnd)}`],
        ['Reveals', `blocks ${toBigInt(attested.commitEnd) + 1n}–${toBigInt(attested.revealEnd)}`],
        [
          'Settled',
          attested.settled ? (attested.quorumReached ? 'yes' : 'yes, without quorum (refunded)') : 'not yet',
        ],
        [
          'Revealed power',
          `${formatInteger(revealed)} of ${formatInteger(total)} (${percent(revealed, total || 1n)})`,
        ],
        ['Contributors\u2019 pool', amount(toBigInt(attested.pool))],
        ['Validators\u2019 pool', amount(toBigInt(attested.validatorsPool))],
      ]),
      table(
        ['Candidate', 'Claimed score', 'Consensus score', 'Paid'],
        attested.candidates.map((c, i) => [
          recordLink('contribution', c),
          formatInteger(BigInt(attested.claimedScores[i])),
          consensus ? formatInteger(BigInt(consensus[i])) : '—',
          amount(paid.get(String(toBigInt(c))) ?? 0n),
        ]),
        { empty: 'No candidates.', className: 'attested-candidates' },
      ),
    ),
    panel(
      'Validators',
      table(
        ['Validator', 'Power', 'Committed', 'Revealed', 'Scores', 'Clipped scores', 'Earned'],
        attestations.map((a) => [
          addressLink(a.validator),
          formatInteger(toBigInt(a.power)),
          a.committed ? 'yes' : 'no',
          a.revealed ? 'yes' : 'no',
          scoreList(a.scores),
          scoreList(a.clippedScores),
          amount(toBigInt(a.reward)),
        ]),
        { empty: 'No validator in the record\u2019s snapshot.', className: 'attested-validators' },
      ),
    ),
  ];
}
