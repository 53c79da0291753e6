/**
 * RFC 9162 hashing and proofs against the published RFC 6962 test vectors, then exhaustively for
 * every tree of 1..64 leaves.
 *
 * The vectors are those of the certificate-transparency reference implementation's
 * merkle_tree_test.cc, as carried by github.com/transparency-dev/merkle: proof/verify_test.go
 * (leaves, roots of sizes 1..8, inclusion and consistency proofs, and its corruption probes) and
 * rfc6962/rfc6962_test.go (leaf and node hashes).
 */
import { expect } from 'chai';
import {
  consistencyProof,
  emptyRoot,
  HASH_SIZE,
  inclusionProof,
  leafHash,
  nodeHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../../../federation/log/merkle.ts';
import { consistencyRanges, inclusionRanges, type LeafRange } from '../../../../federation/log/tree-layout.ts';

const hex = (text: string): Buffer => Buffer.from(text, 'hex');
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SOME_HASH = hex('abacaba000000000000000000000000000000000000000000060061e00123456');

const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const LEAF_HASHES = LEAVES.map(leafHash);
/** ROOTS[n - 1] is the root of the first n leaves. */
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);
const root = (size: number): Buffer => ROOTS[size - 1]!;

/** The published inclusion proofs (the Go file numbers leaves from 1; these are 0-based). */
const INCLUSION_VECTORS: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const CONSISTENCY_VECTORS: { oldSize: number; newSize: number; proof: string[] }[] = [
  { oldSize: 1, newSize: 1, proof: [] },
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const toHex = (hashes: readonly Uint8Array[]): string[] => hashes.map((h) => Buffer.from(h).toString('hex'));
const flipBit = (hash: Uint8Array, bit: number): Buffer => {
  const copy = Buffer.from(hash);
  copy[bit >> 3] = copy[bit >> 3]! ^ (1 << (bit & 7));
  return copy;
};
const replaceAt = (proof: readonly Buffer[], i: number, hash: Buffer): Buffer[] => proof.map((p, j) => (j === i ? hash : p));

describe('federation/log merkle: RFC 6962 test vectors', () => {
  it('hashes leaves and nodes with the 0x00 / 0x01 prefixes (rfc6962_test.go)', () => {
    expect(emptyRoot().toString('hex')).to.equal(EMPTY);
    expect(leafHash(Buffer.alloc(0)).toString('hex')).to.equal('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(leafHash(Buffer.from('L123456')).toString('hex')).to.equal('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
    expect(nodeHash(Buffer.from('N123'), Buffer.from('N456')).toString('hex')).to.equal(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });

  it('gives the empty tree the hash of the empty string, and emptyRoot() a fresh copy each time', () => {
    expect(rootOf([]).toString('hex')).to.equal(EMPTY);
    const mine = emptyRoot();
    mine.fill(0);
    expect(emptyRoot().toString('hex')).to.equal(EMPTY);
  });

  for (let size = 1; size <= 8; size++) {
    it(`computes the published root of the first ${size} leaves`, () => {
      expect(rootOf(LEAF_HASHES.slice(0, size)).toString('hex')).to.equal(root(size).toString('hex'));
    });
  }

  for (const vector of INCLUSION_VECTORS) {
    const { index, size } = vector;
    const proof = vector.proof.map(hex);
    const leaf = LEAF_HASHES[index]!;
    describe(`inclusion of leaf ${index} in the tree of ${size}`, () => {
      it('generates the published proof', () => {
        expect(toHex(inclusionProof(LEAF_HASHES, index, size))).to.deep.equal(vector.proof);
      });
      it('verifies it', () => {
        expect(verifyInclusion(leaf, index, size, proof, root(size))).to.equal(true);
      });
      it('rejects the corrupted variants of verify_test.go', () => {
        const probes: [string, boolean][] = [
          ['index - 1', verifyInclusion(leaf, index - 1, size, proof, root(size))],
          ['index + 1', verifyInclusion(leaf, index + 1, size, proof, root(size))],
          ['index ^ 2', verifyInclusion(leaf, index ^ 2, size, proof, root(size))],
          ['size * 2', verifyInclusion(leaf, index, size * 2, proof, root(size))],
          ['size / 2', verifyInclusion(leaf, index, Math.floor(size / 2), proof, root(size))],
          ['wrong leaf', verifyInclusion(Buffer.from('WrongLeaf'), index, size, proof, root(size))],
          ['empty root', verifyInclusion(leaf, index, size, proof, hex(EMPTY))],
          ['random root', verifyInclusion(leaf, index, size, proof, SOME_HASH)],
          ['trailing garbage', verifyInclusion(leaf, index, size, [...proof, Buffer.alloc(0)], root(size))],
          ['trailing root', verifyInclusion(leaf, index, size, [...proof, root(size)], root(size))],
          ['preceding garbage', verifyInclusion(leaf, index, size, [Buffer.alloc(0), ...proof], root(size))],
          ['preceding root', verifyInclusion(leaf, index, size, [root(size), ...proof], root(size))],
          ...proof.map((p, i): [string, boolean] => [`proof[${i}] bit 3`, verifyInclusion(leaf, index, size, replaceAt(proof, i, flipBit(p, 3)), root(size))]),
        ];
        if (proof.length > 0) probes.push(['removed component', verifyInclusion(leaf, index, size, proof.slice(0, -1), root(size))]);
        if (proof.length > 1) {
          probes.push(['inserted component', verifyInclusion(leaf, index, size, [proof[0]!, SOME_HASH, ...proof.slice(1)], root(size))]);
        }
        expect(probes.filter(([, accepted]) => accepted).map(([desc]) => desc)).to.deep.equal([]);
      });
    });
  }

  for (const vector of CONSISTENCY_VECTORS) {
    const { oldSize, newSize } = vector;
    const proof = vector.proof.map(hex);
    const [root1, root2] = [root(oldSize), root(newSize)];
    describe(`consistency from ${oldSize} to ${newSize}`, () => {
      it('generates the published proof', () => {
        expect(toHex(consistencyProof(LEAF_HASHES, oldSize, newSize))).to.deep.equal(vector.proof);
      });
      it('verifies it', () => {
        expect(verifyConsistency(oldSize, newSize, root1, root2, proof)).to.equal(true);
      });
      if (proof.length === 0) return;
      it('rejects the corrupted variants of verify_test.go', () => {
        const probes: [string, boolean][] = [
          ['size1 - 1', verifyConsistency(oldSize - 1, newSize, root1, root2, proof)],
          ['size1 + 1', verifyConsistency(oldSize + 1, newSize, root1, root2, proof)],
          ['size1 ^ 2', verifyConsistency(oldSize ^ 2, newSize, root1, root2, proof)],
          ['size2 * 2', verifyConsistency(oldSize, newSize * 2, root1, root2, proof)],
          ['size2 / 2', verifyConsistency(oldSize, Math.floor(newSize / 2), root1, root2, proof)],
          ['wrong root1', verifyConsistency(oldSize, newSize, Buffer.from('WrongRoot'), root2, proof)],
          ['wrong root2', verifyConsistency(oldSize, newSize, root1, Buffer.from('WrongRoot'), proof)],
          ['swapped roots', verifyConsistency(oldSize, newSize, root2, root1, proof)],
          ['empty proof', verifyConsistency(oldSize, newSize, root1, root2, [])],
          ['trailing garbage', verifyConsistency(oldSize, newSize, root1, root2, [...proof, Buffer.alloc(0)])],
          ['trailing root1', verifyConsistency(oldSize, newSize, root1, root2, [...proof, root1])],
          ['trailing root2', verifyConsistency(oldSize, newSize, root1, root2, [...proof, root2])],
          ['preceding garbage', verifyConsistency(oldSize, newSize, root1, root2, [Buffer.alloc(0), ...proof])],
          ['preceding root1', verifyConsistency(oldSize, newSize, root1, root2, [root1, ...proof])],
          ['preceding root2', verifyConsistency(oldSize, newSize, root1, root2, [root2, ...proof])],
          ['preceding proof[0]', verifyConsistency(oldSize, newSize, root1, root2, [proof[0]!, ...proof])],
          ['truncated proof', verifyConsistency(oldSize, newSize, root1, root2, proof.slice(0, -1))],
          ...proof.map((p, i): [string, boolean] => [`proof[${i}] bit 4`, verifyConsistency(oldSize, newSize, root1, root2, replaceAt(proof, i, flipBit(p, 4)))]),
        ];
        expect(probes.filter(([, accepted]) => accepted).map(([desc]) => desc)).to.deep.equal([]);
      });
    });
  }
});

describe('federation/log merkle: degenerate and malformed input', () => {
  const a = leafHash(Buffer.from('a'));
  const b = leafHash(Buffer.from('b'));
  const empty = emptyRoot();

  it('answers consistency of equal sizes and of the empty tree as verify_test.go does, with 32-byte roots', () => {
    const cases: [number, number, Buffer, Buffer, Buffer[], boolean][] = [
      [0, 0, a, b, [], false],
      [1, 1, a, b, [], false],
      [0, 0, empty, empty, [], true],
      [1, 1, b, b, [], true],
      [5, 5, a, a, [], true],
      [0, 1, empty, a, [], true],
      [0, 7, empty, a, [], true],
      // Stricter than the Go library: an empty old tree has exactly one root.
      [0, 1, a, b, [], false],
      [1, 0, a, b, [], false],
      [2, 1, a, b, [], false],
      [1, 2, a, b, [], false],
      [0, 0, empty, b, [], false],
      [0, 0, empty, empty, [empty], false],
      [0, 1, empty, a, [empty], false],
      [1, 1, a, a, [empty], false],
    ];
    for (const [oldSize, newSize, oldRoot, newRoot, proof, want] of cases) {
      expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof), `${oldSize} -> ${newSize}`).to.equal(want);
    }
  });

  it('verifies the one-leaf tree only with the leaf hash as root and an empty proof', () => {
    expect(verifyInclusion(a, 0, 1, [], a)).to.equal(true);
    expect(verifyInclusion(a, 0, 1, [], Buffer.alloc(0))).to.equal(false);
    expect(verifyInclusion(Buffer.alloc(0), 0, 1, [], a)).to.equal(false);
    expect(verifyInclusion(a, 0, 1, [], b)).to.equal(false);
    expect(verifyInclusion(a, 0, 1, [b], a)).to.equal(false);
  });

  it('rejects indexes outside the tree, including in the empty tree', () => {
    for (const [index, size] of [[0, 0], [1, 0], [1, 1], [2, 1], [8, 8], [9, 8]] as const) {
      expect(verifyInclusion(a, index, size, [], a), `${index} of ${size}`).to.equal(false);
      expect(verifyInclusion(a, index, size, [], empty), `${index} of ${size}`).to.equal(false);
    }
  });

  it('returns false, never throws, for input that is not numbers, hashes and arrays', () => {
    const junk: unknown[] = [undefined, null, -1, 1.5, NaN, Infinity, 2 ** 53, '3', 3n, {}, [], 'ab', Buffer.alloc(31), Buffer.alloc(33), new Uint8Array(32).buffer];
    const proof8 = inclusionProof(LEAF_HASHES, 3, 8);
    const good = { leaf: LEAF_HASHES[3]!, index: 3, size: 8, proof: proof8, root: root(8) };
    expect(verifyInclusion(good.leaf, good.index, good.size, good.proof, good.root)).to.equal(true);
    const throwing = new Proxy([] as Buffer[], { get() { throw new Error('hostile proof'); } });
    for (const bad of [...junk, throwing]) {
      const x = bad as never;
      expect(verifyInclusion(x, good.index, good.size, good.proof, good.root)).to.equal(false);
      expect(verifyInclusion(good.leaf, x, good.size, good.proof, good.root)).to.equal(false);
      expect(verifyInclusion(good.leaf, good.index, x, good.proof, good.root)).to.equal(false);
      expect(verifyInclusion(good.leaf, good.index, good.size, x, good.root)).to.equal(false);
      expect(verifyInclusion(good.leaf, good.index, good.size, [...good.proof.slice(0, 1), x, ...good.proof.slice(2)], good.root)).to.equal(false);
      expect(verifyInclusion(good.leaf, good.index, good.size, good.proof, x)).to.equal(false);
      const c = consistencyProof(LEAF_HASHES, 3, 8);
      expect(verifyConsistency(3, 8, root(3), root(8), c)).to.equal(true);
      expect(verifyConsistency(x, 8, root(3), root(8), c)).to.equal(false);
      expect(verifyConsistency(3, x, root(3), root(8), c)).to.equal(false);
      expect(verifyConsistency(3, 8, x, root(8), c)).to.equal(false);
      expect(verifyConsistency(3, 8, root(3), x, c)).to.equal(false);
      expect(verifyConsistency(3, 8, root(3), root(8), x)).to.equal(false);
      expect(verifyConsistency(3, 8, root(3), root(8), [x, ...c.slice(1)])).to.equal(false);
    }
  });

  it('refuses to generate proofs for arguments that describe none', () => {
    expect(() => inclusionProof(LEAF_HASHES, 0, 0)).to.throw(RangeError);
    expect(() => inclusionProof(LEAF_HASHES, 8, 8)).to.throw(RangeError);
    expect(() => inclusionProof(LEAF_HASHES, 0, 9)).to.throw(RangeError);
    expect(() => inclusionProof(LEAF_HASHES, -1, 8)).to.throw(RangeError);
    expect(() => inclusionProof(LEAF_HASHES, 0.5, 8)).to.throw(RangeError);
    expect(() => consistencyProof(LEAF_HASHES, 3, 2)).to.throw(RangeError);
    expect(() => consistencyProof(LEAF_HASHES, 3, 9)).to.throw(RangeError);
    expect(() => consistencyProof(LEAF_HASHES, -1, 8)).to.throw(RangeError);
    expect(consistencyProof(LEAF_HASHES, 0, 8)).to.deep.equal([]);
    expect(consistencyProof(LEAF_HASHES, 8, 8)).to.deep.equal([]);
    expect(consistencyProof([], 0, 0)).to.deep.equal([]);
  });

  it('proves over the first treeSize leaves whatever follows them', () => {
    const more = [...LEAF_HASHES, ...LEAF_HASHES];
    expect(toHex(inclusionProof(more, 5, 8))).to.deep.equal(INCLUSION_VECTORS[2]!.proof);
    expect(toHex(consistencyProof(more, 6, 8))).to.deep.equal(CONSISTENCY_VECTORS[2]!.proof);
  });
});

// Wrong sizes: the RFC 9162 verifiers bind a proof to the shape of the tree, not to its size. A
// proof made for one size also verifies, against the same root, for any size where the verifier
// combines the same hashes in the same order (e.g. leaf 0 of 3 and of 4: its sibling (2,3) could
// be a leaf or a node). Checkpoints sign the size with the root for that reason. The oracle below
// says when that happens, from tree shapes alone; every other wrong size must fail.

const MAX = 64;
const hashes = Array.from({ length: MAX }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
const roots = [emptyRoot(), ...Array.from({ length: MAX }, (_, i) => rootOf(hashes.slice(0, i + 1)))];

const shapes = new Map<string, string>();
/** MTH's shape over leaves [a, b), e.g. "((0,1),2)". */
function shape(a: number, b: number): string {
  const key = `${a}:${b}`;
  let known = shapes.get(key);
  if (known === undefined) {
    let k = 1;
    while (k * 2 < b - a) k *= 2;
    known = b - a === 1 ? String(a) : `(${shape(a, a + k)},${shape(a + k, b)})`;
    shapes.set(key, known);
  }
  return known;
}

/** The shape a verifier derives for [a, b) when each range it expects holds what `sent` maps it to. */
function derivedShape(a: number, b: number, sent: ReadonlyMap<string, string>): string {
  const given = sent.get(`${a}:${b}`);
  if (given !== undefined) return given;
  let k = 1;
  while (k * 2 < b - a) k *= 2;
  return `(${derivedShape(a, a + k, sent)},${derivedShape(a + k, b, sent)})`;
}

function substitution(expected: readonly LeafRange[], actual: readonly LeafRange[]): Map<string, string> {
  return new Map(expected.map((r, i) => [`${r.start}:${r.end}`, shape(actual[i]!.start, actual[i]!.end)]));
}

/** Whether a proof of leaf i in a tree of n verifies when presented as leaf i2 of a tree of n2. */
function inclusionShapeMatches(i: number, n: number, i2: number, n2: number): boolean {
  const real = inclusionRanges(i, n);
  const claimed = inclusionRanges(i2, n2);
  if (i2 >= n2 || real.length !== claimed.length) return false;
  const sent = substitution([{ start: i2, end: i2 + 1 }, ...claimed], [{ start: i, end: i + 1 }, ...real]);
  return derivedShape(0, n2, sent) === shape(0, n);
}

/** Whether a consistency proof from m to n verifies when presented as one from m2 to n2 (0 < m < n). */
function consistencyShapeMatches(m: number, n: number, m2: number, n2: number): boolean {
  if (m2 <= 0 || m2 >= n2) return false;
  const withOldRoot = (old: number, ranges: LeafRange[]): LeafRange[] =>
    (Number.isInteger(Math.log2(old)) ? [{ start: 0, end: old }, ...ranges] : ranges);
  const real = withOldRoot(m, consistencyRanges(m, n));
  const claimed = withOldRoot(m2, consistencyRanges(m2, n2));
  if (real.length !== claimed.length) return false;
  const sent = substitution(claimed, real);
  return derivedShape(0, m2, sent) === shape(0, m) && derivedShape(0, n2, sent) === shape(0, n);
}

/** Collects mismatches of many checks, to assert once (chai per check would dominate the run time). */
class Verdicts {
  count = 0;
  readonly mismatches: string[] = [];
  expect(got: boolean, want: boolean, describe: () => string): void {
    this.count += 1;
    if (got !== want) this.mismatches.push(`${describe()}: ${got}, want ${want}`);
  }
  assertNone(atLeast: number): void {
    expect(this.mismatches.slice(0, 20)).to.deep.equal([]);
    expect(this.count).to.be.at.least(atLeast);
  }
}

describe(`federation/log merkle: every tree of 1..${MAX} leaves`, function () {
  this.timeout(120000);

  it('builds the same roots level by level (rootOf) as the recursive definition of MTH', () => {
    const mth = (a: number, b: number): Buffer => {
      if (b - a === 1) return hashes[a]!;
      let k = 1;
      while (k * 2 < b - a) k *= 2;
      return nodeHash(mth(a, a + k), mth(a + k, b));
    };
    for (let n = 1; n <= MAX; n++) expect(roots[n]!.equals(mth(0, n)), `${n}`).to.equal(true);
  });

  it('verifies every inclusion proof, and no flipped bit, wrong leaf, wrong root or wrong index', () => {
    const wrong = new Verdicts();
    for (let n = 1; n <= MAX; n++) {
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(hashes, i, n);
        const leaf = hashes[i]!;
        const rootN = roots[n]!;
        wrong.expect(verifyInclusion(leaf, i, n, proof, rootN), true, () => `${i} of ${n}`);
        // Every bit of every hash for trees of up to 8 leaves; one bit of each hash, varying, above.
        const bits = n <= 8 ? Array.from({ length: HASH_SIZE * 8 }, (_, b) => b) : [(i * 31 + n) % (HASH_SIZE * 8)];
        for (const bit of bits) {
          wrong.expect(verifyInclusion(flipBit(leaf, bit), i, n, proof, rootN), false, () => `${i} of ${n}, leaf bit ${bit}`);
          wrong.expect(verifyInclusion(leaf, i, n, proof, flipBit(rootN, bit)), false, () => `${i} of ${n}, root bit ${bit}`);
          for (let j = 0; j < proof.length; j++) {
            wrong.expect(verifyInclusion(leaf, i, n, replaceAt(proof, j, flipBit(proof[j]!, bit)), rootN), false, () => `${i} of ${n}, proof[${j}] bit ${bit}`);
          }
        }
        for (let j = 0; j <= n + 1; j++) {
          if (j !== i) wrong.expect(verifyInclusion(leaf, j, n, proof, rootN), false, () => `${i} of ${n} as ${j}`);
        }
        wrong.expect(verifyInclusion(leaf, i, n, [...proof, hashes[0]!], rootN), false, () => `${i} of ${n}, extended`);
        if (proof.length > 0) {
          wrong.expect(verifyInclusion(leaf, i, n, proof.slice(1), rootN), false, () => `${i} of ${n}, first dropped`);
          wrong.expect(verifyInclusion(leaf, i, n, proof.slice(0, -1), rootN), false, () => `${i} of ${n}, last dropped`);
          wrong.expect(verifyInclusion(leaf, i, n, [...proof].reverse(), rootN), proof.length === 1, () => `${i} of ${n}, reversed`);
        }
      }
    }
    wrong.assertNone(150000);
  });

  it('rejects every inclusion proof at a wrong tree size, unless the tree has the same shape there', () => {
    const wrong = new Verdicts();
    let sameShape = 0;
    for (let n = 1; n <= MAX; n++) {
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(hashes, i, n);
        // Every other size; and both moved by d, which presents the path inside a right subtree
        // as a whole tree (e.g. leaf 5 of 6 as leaf 1 of 2, whose proof would be one hash shorter).
        const claims: [number, number][] = [];
        for (let n2 = 0; n2 <= MAX + 1; n2++) if (n2 !== n) claims.push([i, n2]);
        for (let d = 1; d <= i; d++) claims.push([i - d, n - d]);
        for (let d = 1; d <= 8; d++) claims.push([i + d, n + d]);
        for (const [i2, n2] of claims) {
          const want = inclusionShapeMatches(i, n, i2, n2);
          wrong.expect(verifyInclusion(hashes[i]!, i2, n2, proof, roots[n]!), want, () => `${i} of ${n} as ${i2} of ${n2}`);
          if (want) sameShape += 1;
        }
      }
    }
    wrong.assertNone(180000);
    // Common for a leaf left of the last perfect subtree (leaf 0 has the same path in every tree
    // of 33..64 leaves), yet most wrong sizes are caught.
    expect(sameShape).to.be.within(1, wrong.count / 3);
  });

  it('verifies every consistency proof, and no flipped bit, wrong root, truncation or extension', () => {
    const wrong = new Verdicts();
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(hashes, m, n);
        const [r1, r2] = [roots[m]!, roots[n]!];
        wrong.expect(verifyConsistency(m, n, r1, r2, proof), true, () => `${m} -> ${n}`);
        wrong.expect(proof.length === 0, m === 0 || m === n, () => `${m} -> ${n}, empty proof`);
        const bits = n <= 8 ? Array.from({ length: HASH_SIZE * 8 }, (_, b) => b) : [(m * 31 + n) % (HASH_SIZE * 8)];
        for (const bit of bits) {
          wrong.expect(verifyConsistency(m, n, flipBit(r1, bit), r2, proof), false, () => `${m} -> ${n}, root1 bit ${bit}`);
          // Every tree extends the empty one: from size 0 the new root is not looked at.
          wrong.expect(verifyConsistency(m, n, r1, flipBit(r2, bit), proof), m === 0, () => `${m} -> ${n}, root2 bit ${bit}`);
          for (let j = 0; j < proof.length; j++) {
            wrong.expect(verifyConsistency(m, n, r1, r2, replaceAt(proof, j, flipBit(proof[j]!, bit))), false, () => `${m} -> ${n}, proof[${j}] bit ${bit}`);
          }
        }
        wrong.expect(verifyConsistency(m, n, r1, r2, [...proof, hashes[0]!]), false, () => `${m} -> ${n}, extended`);
        if (proof.length > 0) {
          wrong.expect(verifyConsistency(m, n, r1, r2, proof.slice(1)), false, () => `${m} -> ${n}, first dropped`);
          wrong.expect(verifyConsistency(m, n, r1, r2, proof.slice(0, -1)), false, () => `${m} -> ${n}, last dropped`);
          wrong.expect(verifyConsistency(m, n, r2, r1, proof), false, () => `${m} -> ${n}, roots swapped`);
        }
      }
    }
    wrong.assertNone(50000);
  });

  it('rejects every consistency proof at a wrong old or new size, unless the trees have the same shape there', () => {
    const wrong = new Verdicts();
    let sameShape = 0;
    for (let n = 2; n <= MAX; n++) {
      for (let m = 1; m < n; m++) {
        const proof = consistencyProof(hashes, m, n);
        const [r1, r2] = [roots[m]!, roots[n]!];
        const probes: [number, number][] = [];
        for (let m2 = 0; m2 <= MAX + 1; m2++) if (m2 !== m) probes.push([m2, n]);
        for (let n2 = 0; n2 <= MAX + 1; n2++) if (n2 !== n) probes.push([m, n2]);
        for (let d = 1; d < m; d++) probes.push([m - d, n - d]);
        for (let d = 1; d <= 8; d++) probes.push([m + d, n + d]);
        for (const [m2, n2] of probes) {
          const want = consistencyShapeMatches(m, n, m2, n2);
          wrong.expect(verifyConsistency(m2, n2, r1, r2, proof), want, () => `${m} -> ${n} as ${m2} -> ${n2}`);
          if (want) sameShape += 1;
        }
      }
    }
    wrong.assertNone(300000);
    expect(sameShape).to.be.within(1, wrong.count / 5);
  });
});
