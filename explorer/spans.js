// An inference's output and its attributed spans as the page shows them: pure (no DOM, no network),
// so the tests import it directly. Offsets are byte offsets into the output, as the record keeps them.

/** Hex ("0x…") to bytes; throws on anything that is not whole bytes of hex. */
export function hexToBytes(hex) {
  if (typeof hex !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(hex)) throw new TypeError('not hex bytes');
  const bytes = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return bytes;
}

/** ASCII control bytes other than tab, newline and carriage return (never inside a UTF-8 sequence). */
const isControl = (b) => (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f;

/** Whether the output reads as text: valid UTF-8 without control characters. */
export function isText(bytes) {
  if (bytes.some(isControl)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * A run of output bytes for display: as UTF-8 text when the whole output is text, else as hex byte
 * pairs. A span boundary inside a multi-byte character shows U+FFFD on both sides rather than
 * moving the boundary: the page shows the spans exactly as recorded.
 */
export function showBytes(bytes, text) {
  if (text) return new TextDecoder().decode(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * The output cut at every span boundary: [{ start, end, span }] covering [0, length) in order, where
 * `span` is the index of the span that was paid for those bytes (the first span covering them: a
 * later span is only paid for bytes no earlier span covers) or null. Spans past the end are clipped.
 */
export function segments(length, spans) {
  const owner = new Array(length).fill(null);
  spans.forEach((s, i) => {
    const start = Math.max(0, Number(s.outputStart));
    const end = Math.min(length, start + Number(s.length));
    for (let b = start; b < end; b++) if (owner[b] === null) owner[b] = i;
  });
  const out = [];
  for (let b = 0; b < length; b++) {
    const last = out.at(-1);
    if (last && last.span === owner[b]) last.end = b + 1;
    else out.push({ start: b, end: b + 1, span: owner[b] });
  }
  return out;
}

/** How many distinct colours the stylesheet has for contributions (.hue-0 … .hue-N). */
export const HUES = 10;

/** Each contribution id (as a string) → its colour index, in order of first appearance. */
export function huesOf(contributionIds) {
  const hues = new Map();
  for (const id of contributionIds) {
    const key = String(id);
    if (!hues.has(key)) hues.set(key, hues.size % HUES);
  }
  return hues;
}
