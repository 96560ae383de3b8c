// Regenerates chunkTree.json: `node test/state/modules/attribution/vectors/generate.ts`. Only after
// a deliberate change of the chunking scheme (every registered contribution's root would change).
import { writeFileSync } from 'node:fs';
import { bytesToHex, utf8ToBytes } from '../../../../../core/bytes.ts';
import { ChunkTree, chunkLeafHash, splitChunks } from '../../../../../core/chunkTree.ts';

function pseudoRandom(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const cases: { name: string; chunkSize: number; content: Uint8Array }[] = [
  { name: 'one short chunk', chunkSize: 4, content: utf8ToBytes('a') },
  { name: 'one full chunk', chunkSize: 4, content: utf8ToBytes('abcd') },
  { name: 'two chunks, short tail', chunkSize: 4, content: utf8ToBytes('abcde') },
  { name: 'three chunks (lone node promoted)', chunkSize: 4, content: utf8ToBytes('abcdefghij') },
  { name: 'four chunks', chunkSize: 4, content: utf8ToBytes('abcdefghijklm') },
  { name: 'five chunks', chunkSize: 4, content: utf8ToBytes('abcdefghijklmnopq') },
  { name: 'seven chunks', chunkSize: 4, content: utf8ToBytes('the quick brown fox jumps ov') },
  { name: 'nine chunks', chunkSize: 4, content: utf8ToBytes('pack my box with five dozen liquor jugs') },
  { name: '1000 bytes in 256-byte chunks', chunkSize: 256, content: pseudoRandom(1000) },
];

const vectors = cases.map(({ name, chunkSize, content }) => {
  const tree = new ChunkTree(content, chunkSize);
  return {
    name,
    chunkSize,
    content: bytesToHex(content),
    leaves: splitChunks(content, chunkSize).map((chunk, i) => bytesToHex(chunkLeafHash(i, chunk))),
    root: bytesToHex(tree.root),
    paths: Array.from({ length: tree.leafCount }, (_, i) => tree.path(i).map(bytesToHex)),
  };
});

const note =
  'chunk tree vectors (core/chunkTree.ts, docs/attribution.md): leaf = sha256(0x00 || u64be(index) || chunk), ' +
  'inner = sha256(0x01 || left || right), a lone node at the end of a level is promoted (RFC 6962 shape)';
writeFileSync(
  new URL('./chunkTree.json', import.meta.url),
  `${JSON.stringify({ note, vectors }, null, 2)}\n`,
);
