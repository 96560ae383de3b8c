// The inference page (#/inference/N): the output with every attributed span in its contribution's
// colour, who each span came from, where the fee went, and the model's lineage; for an attested
// record, its candidates' claimed and consensus scores and each validator's scores and reward
// (attested.js). The record comes from open_getInference; the output itself is not stored in the
// record, only its hash, so it is read from the transaction that recorded it (found by its
// InferenceAttributed or AttestedInferenceRecorded log).
import { attestedBadge, attestedPanels } from './attested.js';
import { ATTRIBUTION_ADDRESS, decodeCall, eventTopic, topicOf } from './attribution.js';
import {
  addressLink,
  amount,
  badge,
  barLegend,
  blockLink,
  fields,
  h,
  isUnknownRecord,
  namedLink,
  notFound,
  panel,
  recordLink,
  recordTime,
  replace,
  shareBar,
  table,
  txLink,
} from './dom.js';
import { formatInteger, percent, toBigInt } from './format.js';
import { moduleLogs } from './logs.js';
import { watchRecord } from './records.js';
import { HUES, hexToBytes, huesOf, isText, segments, showBytes } from './spans.js';

const hex = (n) => `0x${BigInt(n).toString(16)}`;

/** Payout roles as open_getInference names them, in the order the bar shows them. */
export const ROLES = [
  ['modelOwner', 'Model owner', 'role-owner'],
  ['baseModelOwner', 'Base models', 'role-base'],
  ['contributor', 'Contributors', 'role-contributors'],
  ['validator', 'Validators', 'role-validators'],
  ['treasury', 'Treasury', 'role-treasury'],
];

/** Record fields this page shows in their own places; any others are listed as they come. */
const SHOWN = new Set([
  'id',
  'modelId',
  'caller',
  'height',
  'time',
  'fee',
  'outputHash',
  'outputBytes',
  'attributedBytes',
  'lineage',
  'datanetIds',
  'spans',
  'payouts',
  'attested',
]);

/** What records each kind of inference: its event and the call that emits it. */
const RECORDED_BY = {
  span: { event: 'InferenceAttributed', call: 'recordInference' },
  attested: { event: 'AttestedInferenceRecorded', call: 'recordAttestedInference' },
};

/** The transaction that recorded inference `id` at `height`, and its decoded output (hex) or null. */
async function recordingTx(rpc, id, height, kind) {
  const topics = [eventTopic(kind.event), topicOf(id)];
  let logs = await rpc.call('eth_getLogs', [
    { address: ATTRIBUTION_ADDRESS, fromBlock: height, toBlock: height, topics },
  ]);
  // A record settled after its block (escrow) may carry another height: search the history then.
  if (logs.length === 0)
    logs = (await moduleLogs(rpc, topics, { limit: 1 })).map((l) => ({ transactionHash: l.tx }));
  const hash = logs[0]?.transactionHash;
  if (!hash) return { hash: null, output: null };
  const tx = await rpc.call('eth_getTransactionByHash', [hash]);
  const call = tx ? decodeCall(tx.to, tx.input) : null;
  return { hash, output: call?.name === kind.call && call.args ? call.args.output : null };
}

/** A plain rendering of a field this page does not know (the module may add some). */
function plainValue(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' && /^0x[0-9a-f]{1,64}$/i.test(value) && value.length <= 66) {
    return value.length === 66 ? h('span', { class: 'mono wrap' }, value) : formatInteger(BigInt(value));
  }
  if (typeof value === 'object') return h('span', { class: 'mono wrap' }, JSON.stringify(value));
  return String(value);
}

export async function inferenceView(r, alive, { rpc, refresh }) {
  const id = BigInt(r.id);
  let record;
  try {
    record = await rpc.call('open_getInference', [hex(id)]);
  } catch (err) {
    if (isUnknownRecord(err)) return notFound('Inference', `#${id}`);
    throw err;
  }
  const spans = record.spans ?? [];
  const payouts = record.payouts ?? [];
  const contributionIds = [...new Set(spans.map((s) => String(toBigInt(s.contributionId))))];
  const lineage = (record.lineage ?? [record.modelId]).map((m) => toBigInt(m));
  const attested = record.attested ?? null;
  const [found, attestations, lookups] = await Promise.all([
    recordingTx(rpc, id, record.height, attested ? RECORDED_BY.attested : RECORDED_BY.span),
    attested ? rpc.call('open_getAttestations', [hex(id)]) : [],
    rpc.batch([
      ...contributionIds.map((c) => ['open_getContribution', [hex(c)]]),
      ...lineage.map((m) => ['open_getModel', [hex(m)]]),
    ]),
  ]);
  const contributions = new Map(contributionIds.map((c, i) => [c, lookups[i]]));
  const models = lineage.map((_, i) => lookups[contributionIds.length + i]);
  const datanetIds = [
    ...new Set(
      [...contributions.values()]
        .filter((c) => !(c instanceof Error))
        .map((c) => String(toBigInt(c.datanetId))),
    ),
  ];
  const datanetList = await rpc.batch(datanetIds.map((d) => ['open_getDatanet', [hex(d)]]));
  const datanets = new Map(datanetIds.map((d, i) => [d, datanetList[i]]));
  if (!alive()) return { node: h('div') };

  const fee = toBigInt(record.fee);
  const outputBytes = Number(toBigInt(record.outputBytes));
  const attributed = Number(toBigInt(record.attributedBytes));
  const hues = huesOf(spans.map((s) => toBigInt(s.contributionId)));
  const model = models[0] instanceof Error ? null : models[0];

  return {
    title: `Inference #${id}`,
    // A record with escrow may still be settled (payouts, status) after it is shown.
    onHead: watchRecord(rpc, 'open_getInference', id, record, refresh),
    node: h(
      'div',
      { class: 'inference' },
      panel(
        null,
        h(
          'div',
          { class: 'title-row' },
          h('h1', null, `Inference #${id}`),
          model
            ? recordLink('model', record.modelId, model.name || `model #${toBigInt(record.modelId)}`)
            : null,
          attested
            ? attestedBadge(attested)
            : badge(
                `${percent(BigInt(attributed), BigInt(outputBytes || 1))} attributed`,
                attributed ? 'ok' : 'muted',
              ),
        ),
        fields([
          ['Model', namedLink('model', record.modelId, model?.name)],
          ['Caller', addressLink(record.caller, true)],
          ['Fee', amount(fee)],
          [
            'Block',
            h(
              'span',
              null,
              blockLink(Number(toBigInt(record.height))),
              found.hash ? [' · ', txLink(found.hash)] : null,
            ),
          ],
          ['Time', recordTime(record.time)],
          [
            'Output',
            attested
              ? `${formatInteger(outputBytes)} bytes, attributed by attested scores`
              : `${formatInteger(outputBytes)} bytes, ${formatInteger(attributed)} attributed in ${spans.length} spans`,
          ],
          ['Output hash', h('span', { class: 'mono wrap' }, record.outputHash)],
        ]),
      ),
      outputPanel(found.output, spans, hues, contributions, datanets),
      ...(attested
        ? attestedPanels(attested, attestations)
        : [contributorsPanel(spans, payouts, hues, contributions, attributed)]),
      // An attested record's settlement pays the contributors and attesters apart from the record.
      payoutsPanel(attested ? [...payouts, ...(attested.payouts ?? [])] : payouts, fee),
      lineagePanel(lineage, models),
      extraPanel(record),
    ),
  };
}

function spanTitle(span, contribution, datanets) {
  const c = toBigInt(span.contributionId);
  if (!contribution || contribution instanceof Error) return `contribution #${c}`;
  const d = datanets.get(String(toBigInt(contribution.datanetId)));
  const datanet =
    d && !(d instanceof Error) && d.name
      ? `"${d.name}" (#${toBigInt(contribution.datanetId)})`
      : `#${toBigInt(contribution.datanetId)}`;
  return [
    `Contribution #${c}`,
    `Datanet ${datanet}`,
    `Contributor ${contribution.contributor}`,
    `${formatInteger(toBigInt(span.length))} bytes (${formatInteger(toBigInt(span.attributedBytes))} paid)`,
  ].join('\n');
}

function outputPanel(outputHex, spans, hues, contributions, datanets) {
  if (outputHex === null) {
    return panel(
      'Output',
      h('p', { class: 'muted' }, 'The transaction that recorded this inference was not found on this node.'),
    );
  }
  return panel(
    'Output',
    ...highlighted(outputHex, spans, hues, (span) =>
      spanTitle(span, contributions.get(String(toBigInt(span.contributionId))), datanets),
    ),
  );
}

/**
 * The output with each attributed span in a <mark> of its contribution's colour (data-start and
 * data-end are its byte offsets), and a line that says where the hovered or focused span came from.
 */
function highlighted(outputHex, spans, hues, titleOf) {
  const bytes = hexToBytes(outputHex);
  const text = isText(bytes);
  const detail = h(
    'p',
    { class: 'span-detail muted' },
    'Hover or focus a highlighted span to see where it came from.',
  );
  const out = h('pre', { class: `output ${text ? 'output-text' : 'output-binary'}` });
  for (const seg of segments(bytes.length, spans)) {
    const shown = showBytes(bytes.subarray(seg.start, seg.end), text);
    const content = text ? shown : `${shown} `;
    if (seg.span === null) {
      out.append(content);
      continue;
    }
    const span = spans[seg.span];
    const c = String(toBigInt(span.contributionId));
    const title = titleOf(span);
    const mark = h(
      'mark',
      {
        class: `hue-${hues.get(c) % HUES}`,
        tabindex: 0,
        title,
        'data-span': seg.span,
        'data-contribution': c,
        'data-start': seg.start,
        'data-end': seg.end,
      },
      content,
    );
    const show = () => replace(detail, title.replaceAll('\n', ' · '));
    mark.addEventListener('mouseenter', show);
    mark.addEventListener('focus', show);
    out.append(mark);
  }
  return [text ? null : h('p', { class: 'muted' }, 'Not UTF-8 text: shown as hex bytes.'), out, detail];
}

/**
 * A recordInference call's output on its transaction page: as text with its spans highlighted, and
 * the spans summarized (the proofs are in the call's arguments above).
 */
export function recordedOutputPanel(args, inferenceId) {
  const spans = args.spans ?? [];
  const hues = huesOf(spans.map((s) => s.contributionId));
  return panel(
    'Recorded output',
    inferenceId !== null
      ? h('p', null, 'Recorded as ', recordLink('inference', inferenceId, `inference #${inferenceId}`), '.')
      : null,
    ...highlighted(
      args.output,
      spans,
      hues,
      (s) =>
        `Contribution #${s.contributionId}\n${formatInteger(toBigInt(s.length))} bytes from output byte ${s.outputStart}`,
    ),
    table(
      ['', 'Contribution', 'Output bytes', 'Length', 'Chunks proved'],
      spans.map((s) => [
        h('span', { class: `swatch hue-${hues.get(String(s.contributionId))}`, 'aria-hidden': 'true' }),
        recordLink('contribution', s.contributionId),
        `${s.outputStart}–${Number(s.outputStart) + Number(s.length)}`,
        formatInteger(toBigInt(s.length)),
        `${s.chunks?.length ?? 0} from chunk ${s.chunkIndex}`,
      ]),
      { empty: 'The call attributes no span.' },
    ),
  );
}

/** One row per contributor: attributed bytes, share of the attributed bytes, and what they were paid. */
function contributorsPanel(spans, payouts, hues, contributions, attributed) {
  const by = new Map();
  for (const s of spans) {
    const c = String(toBigInt(s.contributionId));
    const record = contributions.get(c);
    const who = record && !(record instanceof Error) ? record.contributor.toLowerCase() : `contribution ${c}`;
    const entry = by.get(who) ?? { who, bytes: 0n, paid: 0n, contributions: new Set(), hue: hues.get(c) };
    entry.bytes += toBigInt(s.attributedBytes);
    entry.contributions.add(c);
    by.set(who, entry);
  }
  for (const p of payouts) {
    if (p.role !== 'contributor') continue;
    const entry = by.get(String(p.recipient).toLowerCase());
    if (entry) entry.paid += toBigInt(p.amount);
  }
  const total = BigInt(attributed);
  return panel(
    'Contributors',
    table(
      ['', 'Contributor', 'Contributions', 'Attributed bytes', 'Share', 'Paid'],
      [...by.values()].map((e) => [
        h('span', { class: `swatch hue-${e.hue}`, 'aria-hidden': 'true' }),
        e.who.startsWith('0x') ? addressLink(e.who) : e.who,
        h(
          'span',
          null,
          [...e.contributions].flatMap((c, i) => [i ? ', ' : '', recordLink('contribution', c)]),
        ),
        formatInteger(e.bytes),
        percent(e.bytes, total),
        amount(e.paid),
      ]),
      { empty: 'No span of this output is attributed to a contribution.', className: 'legend' },
    ),
  );
}

function payoutsPanel(payouts, fee) {
  const sums = new Map(ROLES.map(([role]) => [role, 0n]));
  for (const p of payouts) sums.set(p.role, (sums.get(p.role) ?? 0n) + toBigInt(p.amount));
  const paid = [...sums.values()].reduce((a, b) => a + b, 0n);
  const parts = ROLES.map(([role, label, hue]) => [label, sums.get(role) ?? 0n, hue]);
  return panel(
    'Where the fee went',
    payouts.length === 0
      ? h('p', { class: 'muted' }, 'No payouts recorded for this inference (yet).')
      : shareBar(parts, fee > paid ? fee : paid),
    barLegend(
      parts.map(([label, value, hue]) => [
        hue,
        label,
        ' ',
        amount(value),
        h('span', { class: 'muted' }, ` ${percent(value, fee)}`),
      ]),
    ),
    h(
      'p',
      { class: 'muted small' },
      paid === fee
        ? `The payouts sum to the fee, ${amount(fee).textContent}.`
        : `The payouts sum to ${amount(paid).textContent} of the ${amount(fee).textContent} fee.`,
    ),
    table(
      ['Role', 'Recipient', 'For', 'Amount'],
      payouts.map((p) => [
        ROLES.find(([role]) => role === p.role)?.[1] ?? String(p.role),
        addressLink(p.recipient),
        p.role === 'contributor'
          ? recordLink('contribution', p.refId)
          : toBigInt(p.refId) > 0n
            ? recordLink('model', p.refId)
            : '—',
        amount(toBigInt(p.amount)),
      ]),
      { empty: '' },
    ),
  );
}

/** The model, then its base model, up to the root: LoRA adapters above their bases. */
function lineagePanel(lineage, models) {
  return panel(
    'Model lineage',
    h(
      'ol',
      { class: 'lineage' },
      lineage.map((id, i) => {
        const m = models[i] instanceof Error ? null : models[i];
        return h(
          'li',
          null,
          namedLink('model', id, m?.name),
          h(
            'span',
            { class: 'muted small' },
            i === 0
              ? lineage.length > 1
                ? ' LoRA adapter'
                : ' base model'
              : i === lineage.length - 1
                ? ' root base model'
                : ' adapter',
          ),
          m ? h('span', { class: 'muted small' }, ' · owner ', addressLink(m.owner)) : null,
        );
      }),
    ),
  );
}

/** Fields the module added that this page does not know yet (escrow, settlement…), shown as they are. */
function extraPanel(record) {
  const extra = Object.entries(record).filter(([key]) => !SHOWN.has(key));
  if (extra.length === 0) return null;
  return panel('Settlement', fields(extra.map(([key, value]) => [key, plainValue(value)])));
}
