// The canonical attribution of an inference (docs/attribution.md, "Canonical attribution"): over the
// union of all proven spans, each output byte belongs to the earliest-registered contribution that
// covers it; bytes no span covers belong to nobody. A pure function of the set of spans: the order
// they arrive in does not matter, and adding a span can only move a byte to an earlier contribution
// or from nobody to someone (test/state/modules/attribution/canonical.test.ts checks both against
// a per-byte reference).

/** An output range attributed to one contribution. */
export interface Segment {
  readonly outputStart: number;
  readonly length: number;
  readonly contributionId: bigint;
}

/**
 * Registration order: the one place that says which of two contributions was registered first
 * (today the lower id; commit-reveal registration may switch it to commit order).
 */
export function registeredBefore(a: bigint, b: bigint): boolean {
  return a < b;
}

/**
 * The canonical attribution of `spans` (proven spans or an earlier canonical attribution: both are
 * ranges with an owner), as disjoint segments in output order, adjacent ranges of the same owner
 * merged. O(n log n) in the number of spans.
 */
export function canonicalSegments(spans: readonly Segment[]): Segment[] {
  const cuts = [...new Set(spans.flatMap((s) => [s.outputStart, s.outputStart + s.length]))].sort(
    (a, b) => a - b,
  );
  const byStart = spans.filter((s) => s.length > 0).sort((a, b) => a.outputStart - b.outputStart);
  const out: Segment[] = [];
  // Spans covering the current elementary range; those that end before it are dropped as it moves.
  let open: Segment[] = [];
  let next = 0;
  for (let c = 0; c + 1 < cuts.length; c++) {
    const from = cuts[c]!;
    const to = cuts[c + 1]!;
    while (next < byStart.length && byStart[next]!.outputStart <= from) open.push(byStart[next++]!);
    open = open.filter((s) => s.outputStart + s.length > from);
    let owner: bigint | undefined;
    for (const s of open)
      if (owner === undefined || registeredBefore(s.contributionId, owner)) owner = s.contributionId;
    if (owner === undefined) continue;
    const last = out[out.length - 1];
    if (last && last.contributionId === owner && last.outputStart + last.length === from) {
      out[out.length - 1] = { ...last, length: to - last.outputStart };
    } else {
      out.push({ outputStart: from, length: to - from, contributionId: owner });
    }
  }
  return out;
}

/** Output bytes whose owner differs between two canonical attributions. */
export function bytesMoved(before: readonly Segment[], after: readonly Segment[]): number {
  const cuts = [
    ...new Set([...before, ...after].flatMap((s) => [s.outputStart, s.outputStart + s.length])),
  ].sort((a, b) => a - b);
  const ownerAt = (segments: readonly Segment[], at: number) =>
    segments.find((s) => s.outputStart <= at && at < s.outputStart + s.length)?.contributionId;
  let moved = 0;
  for (let c = 0; c + 1 < cuts.length; c++) {
    if (ownerAt(before, cuts[c]!) !== ownerAt(after, cuts[c]!)) moved += cuts[c + 1]! - cuts[c]!;
  }
  return moved;
}

/** Attributed bytes per contribution, in ascending id order. */
export function bytesByContribution(segments: readonly Segment[]): { id: bigint; bytes: number }[] {
  const totals = new Map<bigint, number>();
  for (const s of segments) totals.set(s.contributionId, (totals.get(s.contributionId) ?? 0) + s.length);
  return [...totals]
    .map(([id, bytes]) => ({ id, bytes }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * For each span (in the given order), the bytes it holds in the canonical attribution `segments`:
 * bytes its contribution owns, each counted for the first span of that contribution covering it.
 * The counts sum to the attributed bytes. Runs once per record: no sets or sorts per span, only
 * the contribution's segments against the union of its earlier spans.
 */
export function ownedBytes(spans: readonly Segment[], segments: readonly Segment[]): number[] {
  // Per contribution, the union of its earlier spans: disjoint ranges in output order.
  const earlier = new Map<bigint, readonly Range[]>();
  return spans.map((s) => {
    const from = s.outputStart;
    const to = from + s.length;
    const before = earlier.get(s.contributionId) ?? [];
    let owned = 0;
    for (const g of segments) {
      if (g.contributionId !== s.contributionId) continue;
      const start = Math.max(from, g.outputStart);
      const end = Math.min(to, g.outputStart + g.length);
      if (start < end) owned += end - start - overlap(before, start, end);
    }
    earlier.set(s.contributionId, unite(before, from, to));
    return owned;
  });
}

interface Range {
  readonly start: number;
  readonly end: number;
}

/** Bytes of [start, end) inside disjoint `ranges`. */
function overlap(ranges: readonly Range[], start: number, end: number): number {
  let inside = 0;
  for (const r of ranges) inside += Math.max(0, Math.min(end, r.end) - Math.max(start, r.start));
  return inside;
}

/** Disjoint ranges in order, with [from, to) added (merged with those it meets). */
function unite(ranges: readonly Range[], from: number, to: number): readonly Range[] {
  if (from >= to) return ranges;
  const out: Range[] = [];
  let start = from;
  let end = to;
  let placed = false;
  for (const r of ranges) {
    if (r.end < start) {
      out.push(r);
    } else if (end < r.start) {
      if (!placed) out.push({ start, end });
      placed = true;
      out.push(r);
    } else {
      start = Math.min(start, r.start);
      end = Math.max(end, r.end);
    }
  }
  if (!placed) out.push({ start, end });
  return out;
}
