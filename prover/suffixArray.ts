// Suffix array construction by induced sorting (SA-IS: Nong, Zhang and Chan, "Two Efficient
// Algorithms for Linear Time Suffix Array Construction", 2011), linear in the text length.
// Hand-written because no maintained npm package builds suffix arrays over tens of megabytes:
// measured here at about 25 s and 500 MB for a 50 MB corpus (docs/attribution.md, "Prover").
//
// The text is an array of symbols in [0, alphabetSize); the end of the text is a virtual sentinel
// smaller than every symbol. The result lists the text's suffixes in lexicographic order.

type Text = Uint16Array | Int32Array;

export function suffixArray(text: Text, alphabetSize: number): Int32Array {
  const sa = new Int32Array(text.length);
  if (text.length > 0) sais(text, sa, text.length, alphabetSize);
  return sa;
}

const S = 1;
const L = 0;

function sais(text: Text, sa: Int32Array, n: number, k: number): void {
  // Suffix types: S if smaller than the next suffix, L if larger; the last one is L (the virtual
  // sentinel after it is smaller). An LMS position is an S directly after an L.
  const type = new Uint8Array(n);
  type[n - 1] = L;
  for (let i = n - 2; i >= 0; i--) {
    const a = text[i]!;
    const b = text[i + 1]!;
    type[i] = a < b || (a === b && type[i + 1] === S) ? S : L;
  }
  const isLms = (i: number) => i > 0 && type[i] === S && type[i - 1] === L;

  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[text[i]!]!++;
  const bucket = new Int32Array(k);

  // 1. Sort the LMS substrings: drop LMS positions at their bucket ends, then induce.
  bucketEnds(counts, bucket);
  sa.fill(-1);
  for (let i = n - 1; i >= 1; i--) if (isLms(i)) sa[--bucket[text[i]!]!] = i;
  induce(text, sa, type, counts, bucket);

  // 2. Name the sorted LMS substrings; equal substrings get equal names.
  let m = 0;
  for (let i = 0; i < n; i++) if (isLms(sa[i]!)) sa[m++] = sa[i]!;
  sa.fill(-1, m);
  let names = 0;
  let previous = -1;
  for (let i = 0; i < m; i++) {
    const position = sa[i]!;
    if (previous < 0 || !equalLmsSubstrings(text, type, position, previous, n)) names++;
    previous = position;
    // Two LMS positions are at least two apart, so position/2 indexes are distinct.
    sa[m + (position >> 1)] = names - 1;
  }
  let j = n - 1;
  for (let i = n - 1; i >= m; i--) if (sa[i]! >= 0) sa[j--] = sa[i]!;

  // 3. Sort the LMS suffixes: recursively if names repeat, directly otherwise.
  const reduced = sa.subarray(n - m, n);
  const order = sa.subarray(0, m);
  if (names < m) {
    sais(reduced.slice(), order, m, names);
  } else {
    for (let i = 0; i < m; i++) order[reduced[i]!] = i;
  }

  // 4. Place the sorted LMS suffixes at their bucket ends and induce the rest.
  j = 0;
  for (let i = 1; i < n; i++) if (isLms(i)) reduced[j++] = i;
  for (let i = 0; i < m; i++) order[i] = reduced[order[i]!]!;
  sa.fill(-1, m);
  bucketEnds(counts, bucket);
  for (let i = m - 1; i >= 0; i--) {
    const position = sa[i]!;
    sa[i] = -1;
    sa[--bucket[text[position]!]!] = position;
  }
  induce(text, sa, type, counts, bucket);
}

function bucketStarts(counts: Int32Array, bucket: Int32Array): void {
  let sum = 0;
  for (let c = 0; c < counts.length; c++) {
    bucket[c] = sum;
    sum += counts[c]!;
  }
}

function bucketEnds(counts: Int32Array, bucket: Int32Array): void {
  let sum = 0;
  for (let c = 0; c < counts.length; c++) {
    sum += counts[c]!;
    bucket[c] = sum;
  }
}

/** Induces L suffixes left to right from the placed ones, then S suffixes right to left. */
function induce(text: Text, sa: Int32Array, type: Uint8Array, counts: Int32Array, bucket: Int32Array): void {
  const n = text.length;
  bucketStarts(counts, bucket);
  // The suffix before the virtual sentinel is L and comes first in its bucket.
  sa[bucket[text[n - 1]!]!++] = n - 1;
  for (let i = 0; i < n; i++) {
    const j = sa[i]! - 1;
    if (j >= 0 && type[j] === L) sa[bucket[text[j]!]!++] = j;
  }
  bucketEnds(counts, bucket);
  for (let i = n - 1; i >= 0; i--) {
    const j = sa[i]! - 1;
    if (j >= 0 && type[j] === S) sa[--bucket[text[j]!]!] = j;
  }
}

function equalLmsSubstrings(text: Text, type: Uint8Array, a: number, b: number, n: number): boolean {
  for (let d = 0; ; d++) {
    const x = a + d;
    const y = b + d;
    if (x === n || y === n || text[x] !== text[y] || type[x] !== type[y]) return false;
    const xLms = x > 0 && type[x] === S && type[x - 1] === L;
    const yLms = y > 0 && type[y] === S && type[y - 1] === L;
    if (d > 0 && (xLms || yLms)) return xLms && yLms;
  }
}
