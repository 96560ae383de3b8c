// Pure formatting and parsing for the explorer: no DOM, no network, so the tests import it directly.
// Amounts are bigints end to end; decimals are placed with integer arithmetic, never with floats.

export const OPEN_DECIMALS = 18;

/** A JSON-RPC quantity ("0x1a") as a bigint; null and undefined stay null. */
export function hexToBigInt(hex) {
  if (hex === null || hex === undefined) return null;
  if (typeof hex !== 'string' || !/^0x[0-9a-fA-F]+$/.test(hex))
    throw new TypeError(`not a hex quantity: ${hex}`);
  return BigInt(hex);
}

/**
 * A quantity that may come as a number, a decimal string or a hex string (the open_ namespace moved
 * from decimal to hex; both are read), as a bigint.
 */
export function toBigInt(value) {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^(0x[0-9a-fA-F]+|\d+)$/.test(value)) return BigInt(value);
  throw new TypeError(`not a quantity: ${value}`);
}

/** A JSON-RPC quantity known to be small (heights, counts, indexes) as a number. */
export function hexToNumber(hex) {
  const value = hexToBigInt(hex);
  return value === null ? null : Number(value);
}

/** "1234567" → "1,234,567" (the digits of a non-negative integer, grouped by thousands). */
function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A base-unit amount with `decimals` places, exact: 1500000000000000000n, 18 → "1.5". Trailing
 * zeros of the fraction are dropped; the whole part is grouped by thousands unless `group` is false.
 */
export function formatUnits(value, decimals, { group = true } = {}) {
  if (typeof value !== 'bigint') throw new TypeError('formatUnits needs a bigint');
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = (abs / base).toString();
  const fraction = decimals > 0 ? (abs % base).toString().padStart(decimals, '0').replace(/0+$/, '') : '';
  const text = (group ? groupThousands(whole) : whole) + (fraction ? `.${fraction}` : '');
  return negative ? `-${text}` : text;
}

/** Wei as OPEN, exact to the last wei: 10n ** 22n → "10,000 OPEN". */
export function formatOpen(wei) {
  return `${formatUnits(wei, OPEN_DECIMALS)} OPEN`;
}

/** Wei per gas as gwei, exact: 1000000000n → "1 gwei". */
export function formatGwei(wei) {
  return `${formatUnits(wei, 9)} gwei`;
}

/** An integer with thousands separators; accepts numbers and bigints. */
export function formatInteger(value) {
  const text = BigInt(value).toString();
  return text.startsWith('-') ? `-${groupThousands(text.slice(1))}` : groupThousands(text);
}

/** "0x1234…cdef": a long hex string for tables; the full value goes in a title attribute. */
export function shortHex(hex, keep = 6) {
  if (typeof hex !== 'string' || hex.length <= 2 + keep * 2 + 1) return String(hex ?? '');
  return `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;
}

/** How long ago, from a difference in seconds: "just now", "12 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function timeAgo(seconds) {
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${Math.floor(seconds)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** A Unix time in seconds as a local date and time, e.g. "2026-01-02 15:04:05". */
export function formatTimestamp(seconds) {
  const d = new Date(Number(seconds) * 1000);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Mean seconds between blocks over a list of timestamps (seconds, any order); null with fewer than two. */
export function averageBlockTime(timestamps) {
  if (timestamps.length < 2) return null;
  const sorted = [...timestamps].sort((a, b) => a - b);
  return (sorted[sorted.length - 1] - sorted[0]) / (sorted.length - 1);
}

/** A share as a percentage with one decimal, from bigints: (2n, 3n) → "66.7%". */
export function percent(part, total) {
  if (total === 0n) return '0%';
  const tenths = (part * 1000n + total / 2n) / total;
  if (tenths === 0n && part > 0n) return '<0.1%';
  return `${tenths / 10n}.${tenths % 10n}%`;
}

/** Basis points as an exact percentage: 1000 → "10%", 1050 → "10.5%", 1 → "0.01%". */
export function formatBps(bps) {
  const value = toBigInt(bps);
  const fraction = (value % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return `${value / 100n}${fraction ? `.${fraction}` : ''}%`;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;

export const isAddress = (text) => typeof text === 'string' && ADDRESS.test(text);
export const isHash = (text) => typeof text === 'string' && HASH.test(text);

/** The attribution module's record kinds, each with its own page (`#/datanet/3`). */
export const RECORD_KINDS = ['datanet', 'contribution', 'model', 'inference'];
const RECORD_ID = /^\d{1,15}$/;

/**
 * What a search box entry names: a block number, an address, a 32-byte hash (a transaction or a
 * block: only the node can tell), or an attribution record ("inference 3", "model:2", "datanet #1").
 * null if it is none of these.
 */
export function parseSearch(text) {
  const q = String(text ?? '').trim();
  const record = /^(datanet|contribution|model|inference)s?\s*[:#]?\s*(\d{1,15})$/i.exec(q);
  if (record) return { kind: record[1].toLowerCase(), id: String(Number(record[2])) };
  if (/^\d{1,15}$/.test(q)) return { kind: 'block', id: String(Number(q)) };
  if (/^#\d{1,15}$/.test(q)) return { kind: 'block', id: String(Number(q.slice(1))) };
  if (/^0x[0-9a-fA-F]{40}$/i.test(q)) return { kind: 'address', id: `0x${q.slice(2).toLowerCase()}` };
  if (/^0x[0-9a-fA-F]{64}$/i.test(q)) return { kind: 'hash', id: `0x${q.slice(2).toLowerCase()}` };
  return null;
}

/**
 * The view a location hash names: "#/block/12", "#/block/0x…", "#/tx/0x…", "#/address/0x…",
 * "#/attribution", "#/datanet/1", "#/contribution/1", "#/model/1", "#/inference/1"; anything else (including "" and "#/") is the overview. Arguments are validated
 * here, so views only ever see well-formed numbers and hex.
 */
export function parseRoute(hash) {
  const parts = String(hash ?? '')
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '');
  const [view, arg] = parts;
  if (view === 'block' && arg !== undefined) {
    if (/^\d{1,15}$/.test(arg)) return { view: 'block', id: String(Number(arg)) };
    if (HASH.test(arg)) return { view: 'block', id: arg.toLowerCase() };
    return { view: 'invalid', text: arg };
  }
  if (view === 'tx' && arg !== undefined) {
    return HASH.test(arg) ? { view: 'tx', id: arg.toLowerCase() } : { view: 'invalid', text: arg };
  }
  if (view === 'address' && arg !== undefined) {
    return ADDRESS.test(arg) ? { view: 'address', id: arg.toLowerCase() } : { view: 'invalid', text: arg };
  }
  if (RECORD_KINDS.includes(view) && arg !== undefined) {
    return RECORD_ID.test(arg) && Number(arg) > 0
      ? { view, id: String(Number(arg)) }
      : { view: 'invalid', text: parts.join('/') };
  }
  if (view === 'attribution') return { view: 'attribution' };
  if (view === 'governance') return { view: 'governance' };
  if (view === undefined) return { view: 'overview' };
  return { view: 'invalid', text: parts.join('/') };
}
