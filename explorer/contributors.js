// Contributors: an address's contributions and earnings (on its address page), and the leaderboard
// of top contributors by what inferences paid them (on the attribution page), from the module's logs.
import { eventTopic, topicOf } from './attribution.js';
import { addressLink, amount, contributionBadge, failedRow, h, panel, recordLink, table } from './dom.js';
import { formatInteger, toBigInt } from './format.js';
import { moduleLogs } from './logs.js';

const CONTRIBUTION_ROWS = 50;
const LEADERS = 10;
const CONTRIBUTOR_ROLE = 2;
const hex = (n) => `0x${BigInt(n).toString(16)}`;

/** The address's contributions and attribution earnings; null when it has neither. */
export async function contributorPanel(rpc, address) {
  const [added, earned] = await Promise.all([
    moduleLogs(rpc, [eventTopic('ContributionAdded'), null, null, topicOf(address)]),
    rpc.call('open_getEarnings', [{ contributor: address }]),
  ]);
  const total = toBigInt(earned);
  if (added.length === 0 && total === 0n) return null;
  const ids = added.map((l) => l.args.contributionId).reverse();
  const shown = ids.slice(0, CONTRIBUTION_ROWS);
  const records = await rpc.batch(shown.map((c) => ['open_getContribution', [hex(c)]]));
  return panel(
    `Contributions (${ids.length}) · earned ${amount(total).textContent}`,
    table(
      ['ID', 'Datanet', 'Status', 'Size', 'Earned'],
      records.map((c, i) =>
        c instanceof Error
          ? failedRow(recordLink('contribution', shown[i]), c, 5)
          : [
              recordLink('contribution', shown[i]),
              recordLink('datanet', c.datanetId),
              contributionBadge(c.status),
              `${formatInteger(toBigInt(c.size))} bytes`,
              amount(toBigInt(c.earned ?? 0)),
            ],
      ),
      { empty: 'No contributions.' },
    ),
    ids.length > shown.length
      ? h('p', { class: 'muted small' }, `The latest ${shown.length} are listed.`)
      : null,
  );
}

/** Contributors ranked by what inferences paid them (RewardPaid with the contributor role). */
export async function leaderboardPanel(rpc) {
  const paid = await moduleLogs(rpc, [eventTopic('RewardPaid'), null, null, topicOf(CONTRIBUTOR_ROLE)]);
  const by = new Map();
  for (const l of paid) {
    const who = l.args.recipient.toLowerCase();
    const e = by.get(who) ?? { who, amount: 0n, inferences: new Set(), contributions: new Set() };
    e.amount += l.args.amount;
    e.inferences.add(String(l.args.inferenceId));
    e.contributions.add(String(l.args.refId));
    by.set(who, e);
  }
  // Ties by address, so the order does not depend on the logs' order.
  const ranked = [...by.values()].sort((a, b) =>
    a.amount === b.amount ? (a.who < b.who ? -1 : 1) : a.amount > b.amount ? -1 : 1,
  );
  return panel(
    'Top contributors',
    table(
      ['#', 'Contributor', 'Earned', 'Inferences', 'Contributions paid'],
      ranked
        .slice(0, LEADERS)
        .map((e, i) => [
          String(i + 1),
          addressLink(e.who),
          amount(e.amount),
          formatInteger(e.inferences.size),
          formatInteger(e.contributions.size),
        ]),
      { empty: 'No contributor has been paid yet.', className: 'leaderboard' },
    ),
  );
}
