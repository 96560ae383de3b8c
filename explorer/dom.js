// DOM building for the explorer's views: elements whose text always goes in as text (never as
// HTML), links to routes, tables, fields and badges. Shared by app.js and the attribution views.
import { formatOpen, formatTimestamp, shortHex, timeAgo, toBigInt } from './format.js';
import { RpcError } from './rpc.js';

/** lowercase address → { name, role: 'validator' | 'reward' | 'module' | 'node' }, filled by app.js. */
export const labels = new Map();

/** An element; children that are not Nodes are added as text. Attributes are set as attributes. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  add(el, children);
  return el;
}

export function add(el, children) {
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return add(el, children);
}

/** Only hash routes built here go into hrefs. */
export const link = (route, text, title) => h('a', { href: `#/${route}`, title }, text);

export function blockLink(number) {
  return link(`block/${number}`, String(number));
}

export function txLink(hash, full = false, keep = 8) {
  return h('a', { href: `#/tx/${hash}`, class: 'mono', title: hash }, full ? hash : shortHex(hash, keep));
}

export function addressLink(address, full = false) {
  if (!address) return h('span', { class: 'muted' }, '—');
  const lower = address.toLowerCase();
  const label = labels.get(lower);
  return h(
    'span',
    { class: 'addr' },
    h('a', { href: `#/address/${lower}`, class: 'mono', title: lower }, full ? lower : shortHex(lower, 6)),
    label ? h('span', { class: `tag tag-${label.role}` }, label.name) : null,
  );
}

/** A validator's name (its address in the tooltip) where known, else the address. */
export function nameLink(address) {
  const lower = address?.toLowerCase();
  const label = labels.get(lower);
  if (label?.role !== 'validator') return addressLink(address);
  return h('a', { href: `#/address/${lower}`, title: lower }, label.name);
}

export function amount(wei) {
  return h('span', { class: 'amount', title: `${wei} wei` }, formatOpen(wei));
}

/** A relative time that the 1-second ticker keeps current. */
export function ago(seconds) {
  return h('span', { class: 'ago', 'data-time': String(seconds), title: formatTimestamp(seconds) }, '');
}

export function tickAges() {
  const now = Date.now() / 1000;
  for (const el of document.querySelectorAll('[data-time]')) {
    el.textContent = timeAgo(now - Number(el.getAttribute('data-time')));
  }
}

export function copyButton(text) {
  return h(
    'button',
    {
      type: 'button',
      class: 'copy',
      title: 'Copy',
      onclick: async (event) => {
        const button = event.currentTarget;
        try {
          await navigator.clipboard.writeText(text);
          button.textContent = 'copied';
        } catch {
          button.textContent = 'copy failed';
        }
        setTimeout(() => {
          button.textContent = 'copy';
        }, 1200);
      },
    },
    'copy',
  );
}

export function panel(title, ...children) {
  return h('section', { class: 'panel' }, title ? h('h2', null, title) : null, ...children);
}

export function table(headers, rows, { empty = 'Nothing here.', className = '' } = {}) {
  if (rows.length === 0) return h('p', { class: 'muted empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: className },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((text) => h('th', { scope: 'col' }, text)),
        ),
      ),
      h('tbody', null, rows.map(row)),
    ),
  );
}

export function row(cells) {
  return h(
    'tr',
    null,
    cells.map((c) => h('td', null, c)),
  );
}

/** A definition list of label/value pairs; pairs with a null value are left out. */
export function fields(pairs) {
  return h(
    'dl',
    { class: 'fields' },
    pairs
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([label, value]) => [h('dt', null, label), h('dd', null, value)]),
  );
}

export function stat(label, value, sub) {
  const valueEl = h('div', { class: 'stat-value' }, value);
  const subEl = h('div', { class: 'stat-sub' }, sub ?? '');
  return {
    el: h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), valueEl, subEl),
    valueEl,
    subEl,
  };
}

export function badge(text, kind) {
  return h('span', { class: `badge badge-${kind}` }, text);
}

export function errorPanel(err) {
  const message =
    err instanceof RpcError ? `${err.message} (JSON-RPC error ${err.code})` : String(err?.message ?? err);
  return h(
    'section',
    { class: 'panel error' },
    h('h2', null, 'Could not load this page'),
    h('p', null, message),
  );
}

export function throttle(fn, ms) {
  let last = 0;
  let timer = null;
  return () => {
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn();
    } else if (timer === null) {
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        fn();
      }, wait);
    }
  };
}

/** A link to an attribution record's page: "Datanet #3" or its name. */
export function recordLink(kind, id, text) {
  return link(`${kind}/${BigInt(id)}`, text ?? `#${BigInt(id)}`, `${kind} ${BigInt(id)}`);
}

/** A link to a record labelled with its id and, if it has one, its name: "#2 Protocol LoRA". */
export function namedLink(kind, id, name) {
  return recordLink(kind, id, name ? `#${BigInt(id)} ${name}` : `#${BigInt(id)}`);
}

/** Whether a JSON-RPC error is the module saying the record does not exist. */
export function isUnknownRecord(err) {
  return err instanceof RpcError && /unknown (datanet|contribution|model|inference)/i.test(err.message);
}

/** The page for an id that is not on the chain: says so plainly, with the way back. */
export function notFound(what, id, detail) {
  return {
    title: `${what} not found`,
    node: h(
      'section',
      { class: 'panel not-found' },
      h('h1', null, `${what} ${id} not found`),
      h('p', null, detail ?? `This chain has no ${what.toLowerCase()} with id ${id}.`),
      h('p', null, link('attribution', 'Attribution overview'), ' · ', link('', 'Chain overview')),
    ),
  };
}

/**
 * A horizontal bar of parts that sum to `total` (bigints), each part [label, amount, hue class],
 * with widths set through the CSSOM (the page's CSP forbids inline style attributes).
 */
export function shareBar(parts, total) {
  const bar = h('div', { class: 'share-bar', role: 'img' });
  for (const [label, value, hue] of parts) {
    if (value <= 0n || total <= 0n) continue;
    const part = h('span', { class: `share ${hue}`, title: `${label}: ${formatOpen(value)}` });
    // Ten-thousandths of the whole: exact integer arithmetic, then a CSS percentage.
    const width = (value * 10_000n) / total;
    part.style.width = `${Number(width) / 100}%`;
    bar.append(part);
  }
  bar.setAttribute('aria-label', parts.map(([label, value]) => `${label} ${formatOpen(value)}`).join(', '));
  return bar;
}

/** The key under a share bar: for each part its colour, its label in bold, then `detail` nodes. */
export function barLegend(items) {
  return h(
    'ul',
    { class: 'bar-legend' },
    items.map(([hue, label, ...detail]) =>
      h(
        'li',
        null,
        h('span', { class: `swatch ${hue}`, 'aria-hidden': 'true' }),
        h('b', null, label),
        ...detail,
      ),
    ),
  );
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes (no text content: charts carry their numbers in <title>s). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) el.setAttribute(key, String(value));
  for (const child of children) el.append(child instanceof Node ? child : String(child));
  return el;
}

/** A table row for a record that could not be read: its id, the error, and empty cells to `columns`. */
export function failedRow(first, err, columns) {
  const cells = [first, h('span', { class: 'failure' }, String(err?.message ?? err))];
  while (cells.length < columns) cells.push('');
  return cells;
}

/** A record page's first panel: its title and badge, then its fields. */
export function headerPanel(title, badgeEl, pairs, ...more) {
  return panel(null, h('div', { class: 'title-row' }, h('h1', null, title), badgeEl), fields(pairs), ...more);
}

/** A record time (block time in milliseconds, as a quantity) with how long ago; null for 0 ("not yet"). */
export function recordTime(ms) {
  const n = Number(toBigInt(ms ?? 0));
  if (n === 0) return null;
  return h('span', null, formatTimestamp(n / 1000), ' (', ago(n / 1000), ')');
}

const CONTRIBUTION_STATUS_KIND = { pending: 'info', accepted: 'ok', rejected: 'bad', flagged: 'warn' };

/** A contribution's status (open_getContribution's name for it) as a badge. */
export function contributionBadge(status) {
  return badge(String(status), CONTRIBUTION_STATUS_KIND[status] ?? 'muted');
}
