// The explorer page: hash routing, views built with DOM nodes (text always goes in as text, never as
// HTML), and live updates from the head feed. All data comes from the serving node's JSON-RPC.
import {
  ATTRIBUTION_ADDRESS,
  decodeCall,
  decodeLog,
  decodeResult,
  encodeCall,
  POLICY_NAMES,
  ROLE_NAMES,
} from './attribution.js';
import { contributorPanel, leaderboardPanel } from './contributors.js';
import {
  addressLink,
  ago,
  amount,
  badge,
  barLegend,
  blockLink,
  copyButton,
  errorPanel,
  failedRow,
  fields,
  h,
  labels,
  link,
  nameLink,
  panel,
  recordLink,
  replace,
  row,
  shareBar,
  stat,
  table,
  throttle,
  tickAges,
  txLink,
} from './dom.js';
import {
  averageBlockTime,
  formatBps,
  formatGwei,
  formatInteger,
  formatOpen,
  formatTimestamp,
  hexToBigInt,
  hexToNumber,
  parseRoute,
  parseSearch,
  percent,
  shortHex,
  toBigInt,
} from './format.js';
import {
  GOV_ADDRESS,
  GOV_CALLS,
  governanceOf,
  PROPOSAL_STATUS_KIND,
  tallyParts,
  VOTE_OPTIONS,
} from './governance.js';
import { inferenceView, ROLES, recordedOutputPanel } from './inference.js';
import { contributionView, datanetView, modelView } from './records.js';
import { HeadFeed, Rpc, unwrap } from './rpc.js';
import { STAKING_ADDRESS, STAKING_CALLS, stakingOf, uptimeBps, VALIDATOR_STATUS_KIND } from './staking.js';
import { balanceRows, unlockPanel } from './vesting.js';

const LATEST_BLOCKS = 20;
const LATEST_TXS = 10;
const BLOCK_TX_ROWS = 500;
const ADDRESS_SCAN_BLOCKS = 50;
const ATTRIBUTION_ROWS = 25;
const LATEST_INFERENCES = 10;

const rpc = new Rpc('/');
const $ = (id) => document.getElementById(id);
const hex = (n) => `0x${BigInt(n).toString(16)}`;
/** A number the node may send as a JSON number or a hex/decimal string, for display. */
const q = (value) => {
  try {
    return formatInteger(toBigInt(value));
  } catch {
    return String(value);
  }
};

const state = {
  chainId: null,
  head: null,
  nodeInfo: null,
  status: 'connecting',
};

// --- staking ---------------------------------------------------------------------------------------

function statusBadge(status) {
  return badge(status, VALIDATOR_STATUS_KIND[status] ?? 'muted');
}

/** A staking validator's stake and status, linking to its operator; '—' when there is none. */
function stakeCell(v) {
  if (!v) return '—';
  return h(
    'div',
    { class: 'validator' },
    h('div', { class: 'stack' }, amount(toBigInt(v.tokens)), statusBadge(v.status)),
    h(
      'a',
      { href: `#/address/${v.operator.toLowerCase()}`, class: 'mono', title: `operator ${v.operator}` },
      shortHex(v.operator, 4),
    ),
  );
}

/** A validator's uptime over the signing window; '—' when unknown. */
function uptimeCell(v, params) {
  const bps = v ? uptimeBps(v, params) : null;
  return bps === null ? '—' : formatBps(bps);
}

function showNotice(text) {
  const notice = $('notice');
  replace(notice, text);
  notice.hidden = false;
  clearTimeout(showNotice.timer);
  showNotice.timer = setTimeout(() => {
    notice.hidden = true;
  }, 5000);
}

// --- chain-wide state ----------------------------------------------------------------------------

function setLabels(genesis, validators) {
  labels.clear();
  labels.set(ATTRIBUTION_ADDRESS, { name: 'attribution module', role: 'module' });
  labels.set(STAKING_ADDRESS, { name: 'staking module', role: 'module' });
  labels.set(GOV_ADDRESS, { name: 'governance module', role: 'module' });
  const names = new Map(
    (genesis?.document?.validators ?? []).map((v) => [String(v.pubKey).toLowerCase(), v.name]),
  );
  for (const [i, v] of (validators ?? []).entries()) {
    const name = names.get(v.pubKey.toLowerCase()) ?? `validator ${i}`;
    labels.set(v.rewardAddress.toLowerCase(), { name: `${name} operator`, role: 'reward' });
    labels.set(v.address.toLowerCase(), { name, role: 'validator' });
  }
}

function renderChainbar() {
  const status = $('status');
  const text = { live: 'live', polling: 'polling', offline: 'node unreachable', connecting: 'connecting…' };
  status.setAttribute('data-status', state.status);
  status.textContent = text[state.status] ?? state.status;
  status.title =
    state.status === 'live'
      ? 'New blocks arrive over a WebSocket subscription (eth_subscribe newHeads)'
      : state.status === 'polling'
        ? 'WebSocket unavailable: polling eth_blockNumber every 2 s'
        : '';
  const bar = $('chainbar');
  for (const el of bar.querySelectorAll('.chainbar-item')) el.remove();
  const items = [];
  if (state.chainId !== null)
    items.push(h('span', { class: 'chainbar-item' }, 'chain ', h('b', null, String(state.chainId))));
  if (state.head !== null)
    items.push(
      h(
        'span',
        { class: 'chainbar-item' },
        'head ',
        h('b', null, link(`block/${state.head}`, String(state.head))),
      ),
    );
  bar.prepend(...items);
}

// --- routing -------------------------------------------------------------------------------------

/** The view on screen: its route token (stale async work checks it) and its live-update hooks. */
let current = { token: 0, onHead: null, dispose: null };

async function route() {
  current.dispose?.();
  const token = current.token + 1;
  current = { token, onHead: null, dispose: null };
  const r = parseRoute(location.hash);
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', a.getAttribute('data-nav') === r.view);
  }
  const main = $('view');
  const loading = setTimeout(() => {
    if (current.token === token) replace(main, h('p', { class: 'muted loading' }, 'Loading…'));
  }, 150);
  const alive = () => current.token === token;
  let content;
  try {
    content = await VIEWS[r.view](r, alive, { rpc, refresh: () => route() });
  } catch (err) {
    // Retried on the next head: a node that was down or still starting comes back by itself.
    content = { node: errorPanel(err), onHead: retryRoute };
  }
  clearTimeout(loading);
  if (!alive()) {
    content.dispose?.();
    return;
  }
  replace(main, content.node);
  // Which route the view shows (the browser tests wait for it).
  main.setAttribute('data-shown', location.hash || '#/');
  current.onHead = content.onHead ?? null;
  current.dispose = content.dispose ?? null;
  document.title = content.title ? `${content.title} · openchain explorer` : 'openchain explorer';
  tickAges();
}

const retryRoute = throttle(() => route(), 3000);

/** Shows a route; the same route again re-renders it (hashchange does not fire then). */
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function onHead(number) {
  if (state.head !== null && number <= state.head) return;
  state.head = number;
  renderChainbar();
  current.onHead?.(number);
}

// --- overview ------------------------------------------------------------------------------------

function blockRow(block) {
  const number = hexToNumber(block.number);
  const gasUsed = hexToBigInt(block.gasUsed);
  const gasLimit = hexToBigInt(block.gasLimit);
  const tr = row([
    blockLink(number),
    h('a', { href: `#/block/${number}`, class: 'mono', title: block.hash }, shortHex(block.hash, 6)),
    ago(hexToNumber(block.timestamp)),
    formatInteger(block.transactions.length),
    h(
      'span',
      { title: `${percent(gasUsed, gasLimit)} of the ${formatInteger(gasLimit)} gas limit` },
      formatInteger(gasUsed),
    ),
    nameLink(block.miner),
  ]);
  tr.setAttribute('data-number', String(number));
  return tr;
}

function consensusText(info) {
  const c = info?.consensus;
  if (!c) return '';
  return `#${toBigInt(c.height)} · round ${q(c.round)}`;
}

async function overview(_route, alive) {
  const head = state.head ?? hexToNumber(await rpc.call('eth_blockNumber'));
  const numbers = [];
  for (let n = head; n >= 0 && numbers.length < LATEST_BLOCKS; n--) numbers.push(n);
  const results = await rpc.batch([
    ['open_nodeInfo'],
    ['net_peerCount'],
    ['open_validators'],
    ['open_getCommit', ['latest']],
    ...numbers.map((n) => ['eth_getBlockByNumber', [hex(n), false]]),
    ...STAKING_CALLS,
  ]);
  const staking = stakingOf(results.splice(-STAKING_CALLS.length));
  const [info, peerCount, validatorSet, commit, ...blockResults] = unwrap(results);
  const blocks = blockResults.filter(Boolean);
  state.nodeInfo = info;

  // Stats row.
  const sChain = stat(
    'Chain ID',
    String(state.chainId ?? info.chainId),
    info.moniker ? `via ${info.moniker}` : '',
  );
  const sHead = stat('Head', '', '');
  const sBlockTime = stat('Block time', '—', '');
  const sValidators = stat('Validators', '', '');
  const sPeers = stat('Peers', '', '');
  const sConsensus = stat('Consensus', '', '');
  const sMempool = stat('Mempool', '', '');
  const sStake = stat('Bonded stake', '—', '');

  const blocksBody = h('tbody');
  const blocksTable = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'blocks' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Block', 'Hash', 'Age', 'Txs', 'Gas used', 'Proposer'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      blocksBody,
    ),
  );
  const validatorsBox = h('div');
  const txsBox = h('div');
  const nodeBox = h('div');
  const unlockBox = h('div');
  const renderUnlocks = () =>
    rpc
      .call('open_getUnlockCurve')
      .then((curve) => alive() && replace(unlockBox, unlockPanel(curve)))
      .catch(() => {});

  let latest = blocks; // newest first
  let lastTxKey = '';

  function renderStats(info, peers, set, staking) {
    const newest = latest[0];
    replace(sHead.valueEl, newest ? blockLink(hexToNumber(newest.number)) : '—');
    replace(sHead.subEl, newest ? ago(hexToNumber(newest.timestamp)) : '');
    const avg = averageBlockTime(latest.map((b) => hexToNumber(b.timestamp)));
    replace(sBlockTime.valueEl, avg === null ? '—' : `${avg.toFixed(2)} s`);
    replace(sBlockTime.subEl, avg === null ? '' : `last ${latest.length} blocks`);
    if (set) {
      const total = set.validators.reduce((sum, v) => sum + toBigInt(v.power), 0n);
      replace(sValidators.valueEl, String(set.validators.length));
      replace(sValidators.subEl, `total power ${formatInteger(total)}`);
    }
    if (staking?.pool) {
      replace(sStake.valueEl, amount(toBigInt(staking.pool.bonded)));
      replace(sStake.subEl, `rewards pool ${formatOpen(toBigInt(staking.pool.rewardsPool))}`);
    }
    if (peers !== undefined) {
      replace(sPeers.valueEl, formatInteger(hexToBigInt(peers)));
      replace(sPeers.subEl, 'libp2p connections');
    }
    if (info) {
      replace(sConsensus.valueEl, info.consensus?.step ?? '—');
      replace(sConsensus.subEl, consensusText(info));
      replace(sMempool.valueEl, formatInteger(info.mempool?.pending ?? 0));
      replace(sMempool.subEl, `pending · ${formatInteger(info.mempool?.queued ?? 0)} queued`);
    }
  }

  function renderValidators(set, info, commit, staking) {
    const total = set.validators.reduce((sum, v) => sum + toBigInt(v.power), 0n);
    const signed = new Set((commit?.signatures ?? []).map((s) => s.validator.toLowerCase()));
    const proposer = info?.consensus?.proposer?.toLowerCase();
    const self = info?.validatorAddress?.toLowerCase();
    const byConsensus = new Map(
      (staking?.validators ?? []).map((v) => [v.consensusAddress.toLowerCase(), v]),
    );
    const inSet = new Set(set.validators.map((v) => v.address.toLowerCase()));
    // Staking validators outside the set (inactive, jailed, tombstoned) follow the set's members.
    const outside = (staking?.validators ?? []).filter((v) => !inSet.has(v.consensusAddress.toLowerCase()));
    replace(
      validatorsBox,
      table(
        ['Validator', 'Power', 'Stake', 'Commission', 'Uptime', 'Last commit'],
        [
          ...set.validators.map((v) => {
            const address = v.address.toLowerCase();
            const staked = byConsensus.get(address);
            return [
              h(
                'div',
                { class: 'validator' },
                h(
                  'div',
                  { class: 'stack' },
                  h('b', null, labels.get(address)?.name ?? 'validator'),
                  address === proposer ? badge('proposing', 'info') : null,
                  address === self ? badge('this node', 'muted') : null,
                ),
                h('a', { href: `#/address/${address}`, class: 'mono', title: address }, shortHex(address, 5)),
              ),
              h(
                'div',
                { class: 'validator' },
                formatInteger(toBigInt(v.power)),
                h('span', { class: 'muted small' }, percent(toBigInt(v.power), total)),
              ),
              stakeCell(staked),
              staked ? formatBps(staked.commissionBps) : '—',
              uptimeCell(staked, staking?.params),
              commit ? (signed.has(address) ? badge('signed', 'ok') : badge('absent', 'warn')) : '—',
            ];
          }),
          ...outside.map((v) => [
            h('div', { class: 'validator' }, h('b', null, v.moniker || 'validator'), addressLink(v.operator)),
            '—',
            stakeCell(v),
            formatBps(v.commissionBps),
            uptimeCell(v, staking?.params),
            '—',
          ]),
        ],
        { empty: 'No validators.' },
      ),
    );
  }

  function renderNode(info) {
    replace(
      nodeBox,
      fields([
        ['Moniker', info.moniker],
        ['Client', info.client],
        ['Validator', info.validatorAddress ? addressLink(info.validatorAddress) : 'no (full node)'],
        ['Peer ID', h('span', { class: 'mono wrap' }, info.peerId)],
        ['Genesis hash', h('span', { class: 'mono wrap' }, info.genesisHash)],
        [
          'Round state',
          info.consensus
            ? `height ${q(info.consensus.height)}, round ${q(info.consensus.round)}, step ${info.consensus.step}, locked round ${q(info.consensus.lockedRound)}, valid round ${q(info.consensus.validRound)}`
            : null,
        ],
        ['Pending evidence', info.consensus ? q(info.consensus.pendingEvidence) : null],
      ]),
    );
    $('node-id').textContent = `${info.moniker} · ${info.client}`;
  }

  async function renderLatestTxs() {
    const hashes = [];
    for (const b of latest) {
      for (const tx of b.transactions) {
        if (hashes.length < LATEST_TXS) hashes.push({ hash: tx, block: hexToNumber(b.number) });
      }
    }
    const key = hashes.map((t) => t.hash).join();
    if (key === lastTxKey) return;
    lastTxKey = key;
    if (hashes.length === 0) {
      replace(
        txsBox,
        h('p', { class: 'muted empty' }, `No transactions in the last ${latest.length} blocks.`),
      );
      return;
    }
    const txs = await rpc.batch(hashes.map((t) => ['eth_getTransactionByHash', [t.hash]]));
    if (!alive()) return;
    replace(
      txsBox,
      table(
        ['Transaction', 'Block', 'From', 'To', 'Value'],
        hashes.map((t, i) => {
          const tx = txs[i] instanceof Error ? null : txs[i];
          return [
            txLink(t.hash, false, 6),
            blockLink(t.block),
            tx ? addressLink(tx.from) : '—',
            tx ? addressLink(tx.to) : '—',
            tx ? amount(hexToBigInt(tx.value)) : '—',
          ];
        }),
      ),
    );
  }

  for (const b of latest) blocksBody.append(blockRow(b));
  renderStats(info, peerCount, validatorSet, staking);
  renderValidators(validatorSet, info, commit, staking);
  renderNode(info);
  renderLatestTxs().catch(() => {});
  renderUnlocks();

  let fetching = false;
  let wanted = null;
  async function catchUp() {
    if (fetching) return;
    fetching = true;
    try {
      while (wanted !== null && (latest.length === 0 || wanted > hexToNumber(latest[0].number))) {
        const have = latest.length ? hexToNumber(latest[0].number) : -1;
        const target = wanted;
        const from = Math.max(have + 1, target - LATEST_BLOCKS + 1);
        const numbers = [];
        for (let n = target; n >= from; n--) numbers.push(n);
        const fresh = unwrap(
          await rpc.batch(numbers.map((n) => ['eth_getBlockByNumber', [hex(n), false]])),
        ).filter(Boolean);
        if (!alive()) return;
        if (fresh.length === 0) break;
        latest = [...fresh, ...latest.filter((b) => hexToNumber(b.number) < from)].slice(0, LATEST_BLOCKS);
        for (const b of [...fresh].reverse()) {
          const tr = blockRow(b);
          tr.classList.add('fresh');
          blocksBody.prepend(tr);
        }
        while (blocksBody.children.length > LATEST_BLOCKS) blocksBody.lastElementChild.remove();
        renderStats();
        renderLatestTxs().catch(() => {});
        tickAges();
      }
    } catch {
      // The next head retries.
    } finally {
      fetching = false;
    }
  }

  const refreshStatus = throttle(async () => {
    try {
      const results = await rpc.batch([
        ['open_nodeInfo'],
        ['net_peerCount'],
        ['open_validators'],
        ['open_getCommit', ['latest']],
        ...STAKING_CALLS,
      ]);
      const staking = stakingOf(results.splice(-STAKING_CALLS.length));
      const [info, peers, set, commit] = unwrap(results);
      if (!alive()) return;
      state.nodeInfo = info;
      renderStats(info, peers, set, staking);
      renderValidators(set, info, commit, staking);
      renderNode(info);
    } catch {
      // Shown as offline by the head feed; the next tick retries.
    }
  }, 1000);
  // Round state moves even when no block does (a halted chain shows its rounds climbing).
  const statusTimer = setInterval(refreshStatus, 3000);

  return {
    title: 'Overview',
    node: h(
      'div',
      { class: 'overview' },
      h(
        'div',
        { class: 'stats' },
        [sChain, sHead, sBlockTime, sValidators, sStake, sPeers, sConsensus, sMempool].map((s) => s.el),
      ),
      h(
        'div',
        { class: 'columns' },
        h(
          'div',
          { class: 'col-main' },
          panel('Latest blocks', blocksTable),
          panel('Latest transactions', txsBox),
        ),
        h(
          'div',
          { class: 'col-side' },
          panel('Validators', validatorsBox),
          unlockBox,
          panel('This node', nodeBox),
        ),
      ),
    ),
    onHead(number) {
      wanted = number;
      catchUp();
      refreshStatus();
    },
    dispose() {
      clearInterval(statusTimer);
    },
  };
}

// --- block ---------------------------------------------------------------------------------------

async function blockView(r, alive) {
  const byHash = r.id.startsWith('0x');
  const block = await rpc.call(byHash ? 'eth_getBlockByHash' : 'eth_getBlockByNumber', [
    byHash ? r.id : hex(r.id),
    true,
  ]);
  if (!block) {
    const future = !byHash && state.head !== null && Number(r.id) > state.head;
    return {
      title: `Block ${r.id}`,
      node: panel(
        `Block ${byHash ? shortHex(r.id, 8) : Number(r.id)}`,
        h(
          'p',
          null,
          future
            ? `This block does not exist yet: the head is ${state.head}. This page updates when it is produced.`
            : 'This node knows no block with this number or hash.',
        ),
      ),
      onHead: future ? (n) => n >= Number(r.id) && route() : null,
    };
  }
  const number = hexToNumber(block.number);
  const [commit, evidence, set] = await rpc.batch([
    ['open_getCommit', [hex(number)]],
    ['open_getEvidence', [hex(number)]],
    ['open_validators', [hex(number)]],
  ]);
  if (!alive()) return { node: h('div') };
  const gasUsed = hexToBigInt(block.gasUsed);
  const gasLimit = hexToBigInt(block.gasLimit);
  const time = hexToNumber(block.timestamp);

  const next = h('span');
  const renderNext = () =>
    replace(
      next,
      state.head !== null && number < state.head
        ? h('a', { href: `#/block/${number + 1}`, class: 'button' }, `Block ${number + 1} →`)
        : h('span', { class: 'button disabled' }, 'Next block →'),
    );
  renderNext();

  const header = panel(
    null,
    h(
      'div',
      { class: 'title-row' },
      h('h1', null, `Block ${number}`),
      h(
        'div',
        { class: 'pager' },
        number > 0
          ? h('a', { href: `#/block/${number - 1}`, class: 'button' }, `← Block ${number - 1}`)
          : h('span', { class: 'button disabled' }, '← Previous block'),
        next,
      ),
    ),
    fields([
      ['Hash', h('span', { class: 'mono wrap' }, block.hash, copyButton(block.hash))],
      [
        'Parent hash',
        number > 0
          ? h('a', { href: `#/block/${number - 1}`, class: 'mono wrap' }, block.parentHash)
          : h('span', { class: 'mono wrap' }, block.parentHash),
      ],
      ['Time', h('span', null, formatTimestamp(time), ' (', ago(time), ')')],
      ['Proposer', addressLink(block.miner, true)],
      ['Transactions', formatInteger(block.transactions.length)],
      ['Gas used', `${formatInteger(gasUsed)} of ${formatInteger(gasLimit)} (${percent(gasUsed, gasLimit)})`],
      ['Base fee', block.baseFeePerGas ? formatGwei(hexToBigInt(block.baseFeePerGas)) : null],
      ['Size', `${formatInteger(hexToBigInt(block.size))} bytes`],
      ['State root', h('span', { class: 'mono wrap' }, block.stateRoot)],
      ['Transactions root', h('span', { class: 'mono wrap' }, block.transactionsRoot)],
      ['Receipts root', h('span', { class: 'mono wrap' }, block.receiptsRoot)],
    ]),
  );

  const txs = block.transactions.slice(0, BLOCK_TX_ROWS);
  const txPanel = panel(
    `Transactions (${formatInteger(block.transactions.length)})`,
    table(
      ['#', 'Hash', 'From', 'To', 'Value', 'Nonce'],
      txs.map((tx) => [
        String(hexToNumber(tx.transactionIndex)),
        txLink(tx.hash),
        addressLink(tx.from),
        addressLink(tx.to),
        amount(hexToBigInt(tx.value)),
        formatInteger(hexToBigInt(tx.nonce)),
      ]),
      { empty: 'No transactions in this block.' },
    ),
    block.transactions.length > txs.length
      ? h(
          'p',
          { class: 'muted' },
          `Showing the first ${txs.length} of ${formatInteger(block.transactions.length)}.`,
        )
      : null,
  );

  return {
    title: `Block ${number}`,
    node: h('div', null, header, txPanel, commitPanel(number, commit, set), evidencePanel(evidence)),
    onHead: renderNext,
  };
}

function commitPanel(number, commit, set) {
  if (commit instanceof Error) return panel('Commit certificate', errorPanel(commit));
  if (!commit) {
    return panel(
      'Commit certificate',
      h(
        'p',
        { class: 'muted' },
        number === 0
          ? 'The genesis block has no commit certificate.'
          : 'This node has no commit certificate for this block.',
      ),
    );
  }
  const validators = set instanceof Error || !set ? [] : set.validators;
  const power = new Map(validators.map((v) => [v.address.toLowerCase(), toBigInt(v.power)]));
  const total = validators.reduce((sum, v) => sum + toBigInt(v.power), 0n);
  const signatures = new Map(commit.signatures.map((s) => [s.validator.toLowerCase(), s.signature]));
  const signedPower = commit.signatures.reduce(
    (sum, s) => sum + (power.get(s.validator.toLowerCase()) ?? 0n),
    0n,
  );
  // Validators of the set first (signed or absent), then any signer not in the set as known here.
  const addresses = [...new Set([...validators.map((v) => v.address.toLowerCase()), ...signatures.keys()])];
  return panel(
    'Commit certificate',
    h(
      'p',
      { class: 'summary' },
      `Precommits from ${commit.signatures.length} of ${validators.length} validators in round ${toBigInt(commit.round)}, `,
      `${formatInteger(signedPower)} of ${formatInteger(total)} voting power (${percent(signedPower, total)}; more than 2/3 is needed).`,
    ),
    table(
      ['Validator', 'Power', 'Vote', 'Signature'],
      addresses.map((address) => {
        const sig = signatures.get(address);
        return [
          addressLink(address),
          power.has(address) ? formatInteger(power.get(address)) : '—',
          sig ? badge('signed', 'ok') : badge('absent', 'warn'),
          sig ? h('span', { class: 'mono', title: sig }, shortHex(sig, 10)) : '',
        ];
      }),
    ),
  );
}

function evidencePanel(evidence) {
  if (evidence instanceof Error) return panel('Evidence', errorPanel(evidence));
  return panel(
    'Evidence',
    table(
      ['Validator', 'Height', 'Round', 'Vote', 'Conflicting block hashes', 'Evidence hash'],
      (evidence ?? []).map((ev) => [
        addressLink(ev.validator),
        blockLink(hexToNumber(ev.height)),
        String(toBigInt(ev.round)),
        ev.type,
        h(
          'span',
          { class: 'stack' },
          ev.blockHashes.map((b) => h('span', { class: 'mono', title: b }, shortHex(b, 8))),
        ),
        h('span', { class: 'mono', title: ev.hash }, shortHex(ev.hash, 8)),
      ]),
      { empty: 'No double-sign evidence in this block.' },
    ),
  );
}

// --- transaction ---------------------------------------------------------------------------------

const OPEN_ARG = /fee|bond|amount|earned|charged|burned/i;

/**
 * A decoded ABI value (ox's: parameters as { name, type, components }) as nodes: amounts in OPEN,
 * addresses as links, strings quoted, tuples as { name: value }, arrays as [ … ].
 */
function argValue(param, value) {
  const { name, type } = param;
  if (value === null || value === undefined) return '—';
  // recordInference's output and spans have their own panel below; the proofs would fill the page.
  if (name === 'output' && type === 'bytes')
    return `${formatInteger((value.length - 2) / 2)} bytes, shown below`;
  if (name === 'spans' && Array.isArray(value))
    return `${value.length} spans with their Merkle proofs, summarized below`;
  const array = /^(.*)\[\d*\]$/.exec(type);
  if (array) {
    const element = { ...param, type: array[1] };
    return h(
      'span',
      null,
      '[',
      value.flatMap((v, i) => [i ? ', ' : '', argValue(element, v)]),
      ']',
    );
  }
  if (type === 'tuple') {
    return h(
      'span',
      null,
      '{ ',
      param.components.flatMap((c, i) => [i ? ', ' : '', `${c.name}: `, argValue(c, value[c.name])]),
      ' }',
    );
  }
  if (type === 'address') return addressLink(value);
  if (type === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint' || typeof value === 'number') {
    const n = BigInt(value);
    if (type === 'uint256' && OPEN_ARG.test(name)) return amount(n);
    if (name === 'policy' && POLICY_NAMES[Number(n)]) return `${n} (${POLICY_NAMES[Number(n)]})`;
    if (name === 'role' && ROLE_NAMES[Number(n)]) return `${n} (${ROLE_NAMES[Number(n)]})`;
    return formatInteger(n);
  }
  const text = String(value);
  return h('span', { class: 'mono wrap', title: text }, text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

function decodedTable(decoded) {
  if (!decoded.args) return h('p', { class: 'muted' }, `Could not decode the arguments: ${decoded.error}`);
  return table(
    ['Name', 'Type', 'Value'],
    decoded.inputs.map((input) => [
      input.name,
      h('span', { class: 'mono muted' }, input.type),
      argValue(input, decoded.args[input.name]),
    ]),
    { className: 'args' },
  );
}

function hexBlock(data) {
  const limit = 2048;
  const pre = h('pre', { class: 'hex' }, data.length > limit ? `${data.slice(0, limit)}…` : data);
  if (data.length <= limit) return pre;
  const more = h(
    'button',
    { type: 'button', class: 'link-button' },
    `show all ${formatInteger((data.length - 2) / 2)} bytes`,
  );
  more.addEventListener('click', () => {
    pre.textContent = data;
    more.remove();
  });
  return h('div', null, pre, more);
}

async function txView(r, alive) {
  const [tx, receipt] = unwrap(
    await rpc.batch([
      ['eth_getTransactionByHash', [r.id]],
      ['eth_getTransactionReceipt', [r.id]],
    ]),
  );
  if (!tx) {
    return {
      title: 'Transaction',
      node: panel(
        'Transaction not found',
        h('p', { class: 'mono wrap' }, r.id),
        h(
          'p',
          null,
          'This node knows no transaction with this hash: neither in a block nor in its mempool. The page retries on every new block.',
        ),
      ),
      onHead: () => route(),
    };
  }
  const block = receipt ? await rpc.call('eth_getBlockByNumber', [receipt.blockNumber, false]) : null;
  if (!alive()) return { node: h('div') };
  const type = hexToNumber(tx.type);
  const value = hexToBigInt(tx.value);
  const gasUsed = receipt ? hexToBigInt(receipt.gasUsed) : null;
  const price = receipt ? hexToBigInt(receipt.effectiveGasPrice) : null;
  const status = !receipt
    ? badge('pending', 'info')
    : receipt.status === '0x1'
      ? badge('success', 'ok')
      : badge('failed', 'bad');
  const toModule = labels.get(tx.to?.toLowerCase())?.role === 'module';
  const call = decodeCall(tx.to, tx.input);

  const main = panel(
    null,
    h('div', { class: 'title-row' }, h('h1', null, 'Transaction'), status),
    fields([
      ['Hash', h('span', { class: 'mono wrap' }, tx.hash, copyButton(tx.hash))],
      [
        'Status',
        receipt
          ? receipt.status === '0x1'
            ? 'Success'
            : 'Failed'
          : 'Pending: in the mempool, not yet in a block',
      ],
      [
        'Failure reason',
        receipt?.failureReason ? h('span', { class: 'failure' }, receipt.failureReason) : null,
      ],
      [
        'Block',
        receipt
          ? h(
              'span',
              null,
              blockLink(hexToNumber(receipt.blockNumber)),
              ` · index ${hexToNumber(receipt.transactionIndex)}`,
            )
          : null,
      ],
      [
        'Time',
        block
          ? h(
              'span',
              null,
              formatTimestamp(hexToNumber(block.timestamp)),
              ' (',
              ago(hexToNumber(block.timestamp)),
              ')',
            )
          : null,
      ],
      ['From', addressLink(tx.from, true)],
      ['To', tx.to ? addressLink(tx.to, true) : 'contract creation (not supported on this chain)'],
      [
        'Action',
        call
          ? h('span', { class: 'mono' }, `${call.name}(…)`)
          : toModule
            ? 'unknown module call'
            : tx.input === '0x'
              ? 'OPEN transfer'
              : null,
      ],
      ['Value', amount(value)],
      ['Fee', receipt ? amount(gasUsed * price) : null],
      [
        'Gas used',
        receipt
          ? `${formatInteger(gasUsed)} of ${formatInteger(hexToBigInt(tx.gas))} limit`
          : `limit ${formatInteger(hexToBigInt(tx.gas))}`,
      ],
      [
        'Gas price',
        price !== null ? formatGwei(price) : tx.gasPrice ? formatGwei(hexToBigInt(tx.gasPrice)) : null,
      ],
      ['Max fee per gas', tx.maxFeePerGas ? formatGwei(hexToBigInt(tx.maxFeePerGas)) : null],
      ['Max priority fee', tx.maxPriorityFeePerGas ? formatGwei(hexToBigInt(tx.maxPriorityFeePerGas)) : null],
      ['Nonce', formatInteger(hexToBigInt(tx.nonce))],
      ['Type', type === 2 ? '2 (EIP-1559)' : type === 0 ? '0 (legacy)' : String(type)],
    ]),
  );
  const sections = [main];
  if (call) sections.push(panel(`Call: ${call.name}`, decodedTable(call)));
  if (call?.name === 'recordInference' && call.args) {
    const recorded = (receipt?.logs ?? []).map(decodeLog).find((l) => l?.name === 'InferenceAttributed');
    sections.push(recordedOutputPanel(call.args, recorded?.args?.inferenceId ?? null));
  }
  if (tx.input !== '0x') sections.push(panel('Input data', hexBlock(tx.input)));
  if (receipt) {
    sections.push(
      panel(
        `Logs (${receipt.logs.length})`,
        receipt.logs.length === 0
          ? h('p', { class: 'muted empty' }, 'No logs.')
          : h(
              'div',
              { class: 'logs' },
              receipt.logs.map((log) => {
                const decoded = decodeLog(log);
                return h(
                  'div',
                  { class: 'log' },
                  h(
                    'div',
                    { class: 'log-head' },
                    h('span', { class: 'log-index' }, `#${hexToNumber(log.logIndex)}`),
                    decoded ? h('b', null, decoded.name) : null,
                    addressLink(log.address),
                  ),
                  decoded ? decodedTable(decoded) : null,
                  h(
                    'details',
                    null,
                    h('summary', null, 'Topics and data'),
                    fields([
                      ...log.topics.map((t, i) => [`Topic ${i}`, h('span', { class: 'mono wrap' }, t)]),
                      ['Data', hexBlock(log.data)],
                    ]),
                  ),
                );
              }),
            ),
      ),
    );
  }
  return {
    title: `Transaction ${shortHex(tx.hash, 4)}`,
    node: h('div', null, sections),
    onHead: receipt ? null : () => route(),
  };
}

// --- address -------------------------------------------------------------------------------------

/** Payout roles by name (open_getEarningsByRole's keys); the inference page's labels, and the rest. */
const ROLE_LABEL = new Map([
  ...ROLES.map(([role, label]) => [role, label]),
  ['datanetOwner', 'Datanet owner'],
  ['challenger', 'Challenger'],
]);

async function addressView(r, alive) {
  const address = r.id;
  const load = () =>
    rpc.batch([
      ['eth_getBalance', [address, 'latest']],
      ['eth_getTransactionCount', [address, 'latest']],
      ['eth_getTransactionCount', [address, 'pending']],
      ['open_getEarningsByRole', [address]],
      ['open_getBalances', [address]],
      ['open_getValidator', [address]],
      ['open_getDelegator', [address]],
      ['open_getValidators'],
      ['open_stakingParams'],
    ]);
  const summary = h('div');
  const stakingBox = h('div');
  const render = ([balance, nonce, pendingNonce, earnings, balances, ...staking]) => {
    renderStaking(stakingBox, address, staking);
    unwrap([balance, nonce, pendingNonce]);
    const n = hexToBigInt(nonce);
    const pending = hexToBigInt(pendingNonce);
    const byRole =
      earnings instanceof Error ? [] : Object.entries(earnings).filter(([, v]) => toBigInt(v) > 0n);
    replace(
      summary,
      fields([
        ['Balance', h('span', { class: 'big' }, amount(hexToBigInt(balance)))],
        ['Balance in wei', h('span', { class: 'mono' }, hexToBigInt(balance).toString())],
        ...balanceRows(balances),
        [
          'Nonce',
          pending > n
            ? `${formatInteger(n)} (${formatInteger(pending - n)} pending in the mempool)`
            : formatInteger(n),
        ],
        [
          'Attribution earnings',
          byRole.length > 0
            ? h(
                'div',
                { class: 'stack' },
                amount(byRole.reduce((sum, [, v]) => sum + toBigInt(v), 0n)),
                h(
                  'span',
                  { class: 'muted small' },
                  byRole
                    .map(([role, v]) => `${ROLE_LABEL.get(role) ?? role} ${formatOpen(toBigInt(v))}`)
                    .join(' · '),
                ),
              )
            : null,
        ],
      ]),
    );
  };
  render(await load());
  if (!alive()) return { node: h('div') };

  const label = labels.get(address);
  const recent = h('div', null, h('p', { class: 'muted' }, 'Scanning recent blocks…'));
  scanRecent(address, recent, alive);
  const contributorBox = h('div', null, h('p', { class: 'muted loading' }, 'Loading…'));
  contributorPanel(rpc, address)
    .then((found) => alive() && replace(contributorBox, found))
    .catch((err) => alive() && replace(contributorBox, errorPanel(err)));

  const refresh = throttle(async () => {
    try {
      const results = await load();
      if (alive()) render(results);
    } catch {
      // keep the last values
    }
  }, 2000);

  return {
    title: `Address ${shortHex(address, 4)}`,
    node: h(
      'div',
      null,
      panel(
        null,
        h(
          'div',
          { class: 'title-row' },
          h('h1', null, 'Address'),
          label ? h('span', { class: `tag tag-${label.role}` }, label.name) : null,
        ),
        h('p', { class: 'mono wrap' }, address, copyButton(address)),
        summary,
      ),
      stakingBox,
      contributorBox,
      panel(`Transactions in the last ${ADDRESS_SCAN_BLOCKS} blocks`, recent),
    ),
    onHead: refresh,
  };
}

/**
 * The address's staking: the validator it operates (or whose consensus address it is), and its
 * delegations with their pending rewards, unbonding entries and redelegations.
 */
function renderStaking(box, address, [own, delegator, all, params]) {
  const ok = (r) => (r instanceof Error ? null : r);
  const validator =
    ok(own) ?? (ok(all) ?? []).find((v) => v.consensusAddress.toLowerCase() === address) ?? null;
  const d = ok(delegator);
  const panels = [];
  if (validator) {
    const operated = validator.operator.toLowerCase() === address;
    panels.push(
      panel(
        operated ? 'Validator' : 'Consensus key of a validator',
        fields([
          ['Status', statusBadge(validator.status)],
          ['Moniker', validator.moniker || null],
          ['Operator', operated ? null : addressLink(validator.operator)],
          ['Stake', amount(toBigInt(validator.tokens))],
          ['Self-bond', amount(toBigInt(validator.selfBond))],
          ['Voting power', q(validator.power)],
          [
            'Commission',
            `${formatBps(validator.commissionBps)} (at most ${formatBps(validator.maxCommissionBps)}, moving at most ${formatBps(validator.maxChangeBps)} a day)`,
          ],
          ['Commission to withdraw', amount(toBigInt(validator.commission))],
          ['Missed blocks', `${q(validator.missedBlocks)} in the signing window`],
          ['Uptime', uptimeCell(validator, ok(params))],
          [
            'Jailed until',
            validator.status === 'jailed' ? blockLink(hexToNumber(validator.jailedUntil)) : null,
          ],
          ['Consensus address', operated ? addressLink(validator.consensusAddress, true) : null],
          ['Metadata', validator.metadata || null],
        ]),
      ),
    );
  }
  const paid = d?.paid ?? { rewards: '0x0', commission: '0x0' };
  const wasPaid = toBigInt(paid.rewards) > 0n || toBigInt(paid.commission) > 0n;
  if (d && (d.delegations.length > 0 || d.unbondings.length > 0 || d.redelegations.length > 0 || wasPaid)) {
    panels.push(
      panel(
        'Staking',
        fields([
          ['Staked', amount(d.delegations.reduce((sum, x) => sum + toBigInt(x.tokens), 0n))],
          ['Pending rewards', amount(toBigInt(d.pendingRewards))],
          ['Rewards paid', amount(toBigInt(paid.rewards))],
          ['Commission paid', toBigInt(paid.commission) > 0n ? amount(toBigInt(paid.commission)) : null],
        ]),
        table(
          ['Validator', 'Stake', 'Pending rewards'],
          d.delegations.map((x) => [
            addressLink(x.validator),
            amount(toBigInt(x.tokens)),
            amount(toBigInt(x.pendingRewards)),
          ]),
          { empty: 'No delegations.' },
        ),
        d.unbondings.length > 0
          ? table(
              ['Unbonding from', 'Amount', 'Completes at'],
              d.unbondings.map((u) => [
                addressLink(u.validator),
                amount(toBigInt(u.balance)),
                blockLink(hexToNumber(u.completionHeight)),
              ]),
            )
          : null,
        d.redelegations.length > 0
          ? table(
              ['Redelegated from', 'To', 'Amount', 'Settles at'],
              d.redelegations.map((r) => [
                addressLink(r.from),
                addressLink(r.to),
                amount(toBigInt(r.initialBalance)),
                blockLink(hexToNumber(r.completionHeight)),
              ]),
            )
          : null,
      ),
    );
  }
  replace(box, ...panels);
}

/** The node keeps no per-address index, so recent transactions come from a scan of the latest blocks. */
async function scanRecent(address, box, alive) {
  try {
    const head = state.head ?? hexToNumber(await rpc.call('eth_blockNumber'));
    const numbers = [];
    for (let n = head; n >= 0 && numbers.length < ADDRESS_SCAN_BLOCKS; n--) numbers.push(n);
    const blocks = unwrap(await rpc.batch(numbers.map((n) => ['eth_getBlockByNumber', [hex(n), true]])));
    if (!alive()) return;
    const rows = [];
    for (const b of blocks) {
      if (!b) continue;
      for (const tx of b.transactions) {
        if (tx.from?.toLowerCase() === address || tx.to?.toLowerCase() === address) {
          const out = tx.from?.toLowerCase() === address;
          rows.push([
            txLink(tx.hash),
            blockLink(hexToNumber(b.number)),
            ago(hexToNumber(b.timestamp)),
            badge(out ? 'out' : 'in', out ? 'muted' : 'ok'),
            addressLink(out ? tx.to : tx.from),
            amount(hexToBigInt(tx.value)),
          ]);
        }
      }
    }
    replace(
      box,
      table(['Transaction', 'Block', 'Age', '', 'Counterparty', 'Value'], rows, {
        empty: `No transactions from or to this address in blocks ${numbers.at(-1) ?? 0}–${head}. The node keeps no index by address, so older ones are not listed here.`,
      }),
    );
    tickAges();
  } catch (err) {
    if (alive()) replace(box, errorPanel(err));
  }
}

// --- attribution ---------------------------------------------------------------------------------

async function attributionView(_r, alive) {
  const callView = (name, args) => [
    'eth_call',
    [{ to: ATTRIBUTION_ADDRESS, input: encodeCall(name, args) }, 'latest'],
  ];
  const [countsHex, paramsHex] = unwrap(await rpc.batch([callView('counts'), callView('params')]));
  const counts = decodeResult('counts', countsHex);
  const params = decodeResult('params', paramsHex);
  const ids = (count) => {
    const out = [];
    for (let id = count; id >= 1n && out.length < ATTRIBUTION_ROWS; id--) out.push(id);
    return out;
  };
  const datanetIds = ids(counts.datanets);
  const modelIds = ids(counts.models);
  const inferenceIds = ids(counts.inferences).slice(0, LATEST_INFERENCES);
  const results = await rpc.batch([
    ...datanetIds.map((id) => callView('getDatanet', [id])),
    ...modelIds.map((id) => callView('getModel', [id])),
    ...inferenceIds.map((id) => ['open_getInference', [hex(id)]]),
  ]);
  const inferences = results.splice(datanetIds.length + modelIds.length);
  const leaderboard = h('div', null, h('p', { class: 'muted' }, 'Reading the rewards paid…'));
  leaderboardPanel(rpc)
    .then((board) => alive() && replace(leaderboard, board))
    .catch((err) => alive() && replace(leaderboard, errorPanel(err)));
  if (!alive()) return { node: h('div') };
  const decodeOr = (name, value) => {
    if (value instanceof Error) return value;
    try {
      return decodeResult(name, value);
    } catch (err) {
      return err;
    }
  };
  const datanets = results.slice(0, datanetIds.length).map((v) => decodeOr('getDatanet', v));
  const models = results.slice(datanetIds.length).map((v) => decodeOr('getModel', v));
  const failed = (id, err) => failedRow(`#${id}`, err, 8);
  const date = (ms) => h('span', { title: formatTimestamp(Number(ms) / 1000) }, ago(Number(ms) / 1000));

  const statCards = [
    stat('Datanets', formatInteger(counts.datanets)),
    stat('Contributions', formatInteger(counts.contributions)),
    stat('Models', formatInteger(counts.models)),
    stat('Inferences', formatInteger(counts.inferences)),
  ];

  // Records are only ever added: a change in the counts is what makes the page stale.
  const seen = [counts.datanets, counts.contributions, counts.models, counts.inferences].join();
  const refresh = throttle(async () => {
    try {
      const now = decodeResult('counts', await rpc.call(...callView('counts')));
      if (alive() && [now.datanets, now.contributions, now.models, now.inferences].join() !== seen) route();
    } catch {
      // the next head retries
    }
  }, 3000);

  return {
    title: 'Attribution',
    onHead: refresh,
    node: h(
      'div',
      null,
      panel(
        null,
        h(
          'div',
          { class: 'title-row' },
          h('h1', null, 'Attribution'),
          addressLink(ATTRIBUTION_ADDRESS, true),
        ),
        h(
          'p',
          { class: 'muted' },
          'Datanets, models and inference records of the attribution module, read with eth_call.',
        ),
        h(
          'div',
          { class: 'stats' },
          statCards.map((s) => s.el),
        ),
      ),
      panel(
        datanetIds.length < Number(counts.datanets) ? `Latest ${datanetIds.length} Datanets` : 'Datanets',
        table(
          ['ID', 'Name', 'Owner', 'Policy', 'Bond', 'License', 'Created', 'Earned'],
          datanets.map((d, i) =>
            d instanceof Error
              ? failed(datanetIds[i], d)
              : [
                  recordLink('datanet', d.id),
                  h('span', { title: d.metadataURI || null }, link(`datanet/${d.id}`, d.name || '(unnamed)')),
                  addressLink(d.owner),
                  POLICY_NAMES[Number(d.policy)] ?? String(d.policy),
                  amount(d.bond),
                  d.license || '—',
                  date(d.createdAt),
                  amount(d.earned),
                ],
          ),
          { empty: 'No Datanets yet.' },
        ),
      ),
      panel(
        modelIds.length < Number(counts.models) ? `Latest ${modelIds.length} models` : 'Models',
        table(
          [
            'ID',
            'Name',
            'Owner',
            'Datanets',
            'Base model',
            'Fee / inference',
            'Fee / KB',
            'Inferences',
            'Fees charged',
          ],
          models.map((m, i) =>
            m instanceof Error
              ? failed(modelIds[i], m)
              : [
                  recordLink('model', m.id),
                  h('span', { title: m.metadataURI || null }, link(`model/${m.id}`, m.name || '(unnamed)')),
                  addressLink(m.owner),
                  m.datanetIds.length
                    ? h(
                        'span',
                        null,
                        m.datanetIds.flatMap((id, i) => [i ? ', ' : '', recordLink('datanet', id)]),
                      )
                    : '—',
                  m.baseModelId === 0n
                    ? '—'
                    : h('span', null, recordLink('model', m.baseModelId), ` (depth ${m.depth})`),
                  amount(m.feePerInference),
                  amount(m.feePerKiloByte),
                  formatInteger(m.inferences),
                  amount(m.feesCharged),
                ],
          ),
          { empty: 'No models yet.' },
        ),
      ),
      panel(
        inferenceIds.length < Number(counts.inferences)
          ? `Latest ${inferenceIds.length} inferences`
          : 'Inferences',
        table(
          ['ID', 'Model', 'Caller', 'Output', 'Attributed', 'Fee'],
          inferences.map((x, i) =>
            x instanceof Error
              ? failedRow(recordLink('inference', inferenceIds[i]), x, 6)
              : [
                  recordLink('inference', inferenceIds[i]),
                  recordLink('model', x.modelId),
                  addressLink(x.caller),
                  `${formatInteger(toBigInt(x.outputBytes))} bytes`,
                  percent(toBigInt(x.attributedBytes), toBigInt(x.outputBytes) || 1n),
                  amount(toBigInt(x.fee)),
                ],
          ),
          { empty: 'No inferences yet.' },
        ),
      ),
      leaderboard,
      panel(
        'Module parameters',
        fields([
          ['Chunk size', `${formatInteger(params.chunkSize)} bytes`],
          ['Minimum span length', `${formatInteger(params.minSpanLength)} bytes`],
          ['Maximum output', `${formatInteger(params.maxOutputBytes)} bytes`],
          ['Maximum spans per record', formatInteger(params.maxSpansPerRecord)],
          ['Maximum LoRA depth', formatInteger(params.maxLoraDepth)],
          ['LoRA base model share (minimum)', `${formatInteger(params.loraBaseShareBps)} bps`],
          ['Challenge window', `${formatInteger(params.challengeWindowSeconds)} s`],
          ['Reveal window', `${formatInteger(params.revealWindowBlocks)} blocks`],
          ['Possession samples', formatInteger(params.possessionSamples)],
          ['Review timeout', `${formatInteger(params.reviewWindowBlocks)} blocks`],
          ['Contributors share (minimum)', `${formatInteger(params.minContributorsBps)} bps`],
          ['Validators share (minimum)', `${formatInteger(params.minValidatorsBps)} bps`],
          ['Fee per inference (minimum)', amount(params.minFeePerInference)],
          ['Model fee (maximum)', amount(params.maxModelFee)],
        ]),
      ),
    ),
  };
}

// --- governance ----------------------------------------------------------------------------------

/** Proposals, newest first, each with its tally over the bonded stake (live while voting). */
async function governanceView() {
  const { proposals, params } = governanceOf(await rpc.batch(GOV_CALLS));
  if (!proposals || !params)
    return {
      title: 'Governance',
      node: panel(
        'Governance',
        h('p', { class: 'muted' }, 'This chain has no governance (its genesis has no gov section).'),
      ),
    };
  const tallyCell = (p) => {
    const parts = tallyParts(p.tally);
    const bonded = toBigInt(p.tally.bonded);
    if (p.status === 'deposit' || p.status === 'expired') return h('span', { class: 'muted' }, 'no vote');
    return h(
      'div',
      null,
      shareBar(parts, bonded),
      h('span', { class: 'muted' }, parts.map(([label, v]) => `${label} ${formatOpen(v)}`).join(' · ')),
    );
  };
  const rows = proposals.map((p) => [
    formatInteger(toBigInt(p.id)),
    h('span', { title: p.summary }, p.title),
    p.kind,
    h('span', { title: p.failure || undefined }, badge(p.status, PROPOSAL_STATUS_KIND[p.status] ?? 'muted')),
    tallyCell(p),
    amount(toBigInt(p.totalDeposit)),
    p.votingEndHeight === '0x0'
      ? `deposits until block ${formatInteger(toBigInt(p.depositEndHeight))}`
      : blockLink(hexToNumber(p.votingEndHeight)),
  ]);
  return {
    title: 'Governance',
    node: h(
      'div',
      null,
      panel(
        'Proposals',
        barLegend(VOTE_OPTIONS.map(([, label, hue]) => [hue, label])),
        table(['#', 'Title', 'Kind', 'Status', 'Tally (of the bonded stake)', 'Deposit', 'Vote ends'], rows, {
          empty: 'No proposals yet.',
        }),
      ),
      panel(
        'Parameters',
        fields([
          ['Minimum deposit', amount(toBigInt(params.minDeposit))],
          ['Initial deposit (minimum)', `${formatInteger(params.minInitialDepositBps)} bps of it`],
          ['Deposit period', `${formatInteger(toBigInt(params.maxDepositPeriodBlocks))} blocks`],
          ['Voting period', `${formatInteger(toBigInt(params.votingPeriodBlocks))} blocks`],
          ['Quorum', `${formatInteger(params.quorumBps)} bps of the bonded stake`],
          ['Threshold', `${formatInteger(params.thresholdBps)} bps of yes + no + veto`],
          ['Veto threshold', `${formatInteger(params.vetoThresholdBps)} bps of all votes`],
        ]),
      ),
    ),
  };
}

// --- other views and search ----------------------------------------------------------------------

async function invalidView(r) {
  return {
    title: 'Not found',
    node: panel(
      'Page not found',
      h(
        'p',
        null,
        'This page address is not one the explorer knows: ',
        h('span', { class: 'mono' }, `#/${r.text}`),
      ),
      h('p', null, link('', 'Back to the overview')),
    ),
  };
}

const VIEWS = {
  overview,
  block: blockView,
  tx: txView,
  address: addressView,
  attribution: attributionView,
  datanet: datanetView,
  contribution: contributionView,
  model: modelView,
  inference: inferenceView,
  governance: governanceView,
  invalid: invalidView,
};

async function search(event) {
  event.preventDefault();
  const input = $('search-input');
  const q = parseSearch(input.value);
  if (!q) {
    showNotice(
      `Not found: "${input.value.trim().slice(0, 80)}" is not a block number, a block or transaction hash (0x + 64 hex digits), an address (0x + 40 hex digits) or a record such as "datanet 1", "contribution 2", "model 3" or "inference 4".`,
    );
    return;
  }
  if (q.kind !== 'hash') go(`#/${q.kind}/${q.id}`);
  else {
    try {
      const [tx, block] = await rpc.batch([
        ['eth_getTransactionByHash', [q.id]],
        ['eth_getBlockByHash', [q.id, false]],
      ]);
      if (tx && !(tx instanceof Error)) go(`#/tx/${q.id}`);
      else if (block && !(block instanceof Error)) go(`#/block/${q.id}`);
      else {
        showNotice(`Not found: no transaction or block with hash ${q.id} is known to this node.`);
        return;
      }
    } catch (err) {
      showNotice(String(err.message ?? err));
      return;
    }
  }
  input.value = '';
  input.blur();
}

// --- start ---------------------------------------------------------------------------------------

async function start() {
  $('search').addEventListener('submit', search);
  window.addEventListener('hashchange', route);
  setInterval(tickAges, 1000);
  try {
    const [chainId, head, genesis, validators] = await rpc.batch([
      ['eth_chainId'],
      ['eth_blockNumber'],
      ['open_genesis'],
      ['open_validators'],
    ]);
    if (!(chainId instanceof Error)) state.chainId = hexToBigInt(chainId);
    if (!(head instanceof Error)) state.head = hexToNumber(head);
    setLabels(
      genesis instanceof Error ? null : genesis,
      validators instanceof Error ? [] : validators.validators,
    );
  } catch {
    state.status = 'offline';
  }
  renderChainbar();
  new HeadFeed(rpc, onHead, (status) => {
    state.status = status;
    renderChainbar();
  }).start();
  await route();
}

start();
