/**
 * The node arithmetic behind the PostgreSQL log. The expected node sets are those of
 * github.com/transparency-dev/merkle (log_proofs_test.go, proof/proof_test.go: TestInclusion,
 * TestConsistency), written here as leaf ranges: a stored node (level, index) is
 * [index * 2^level, (index + 1) * 2^level), and a run of nodes they rehash into one is the
 * range those nodes tile. Then, for every tree of 1..64 leaves, the ranges give exactly the
 * hashes of merkle.ts's recursive proofs.
 */
import { expect } from 'chai';
import { consistencyProof, inclusionProof, leafHash, nodeHash, rootOf } from '../../../../federation/log/merkle.ts';
import { consistencyRanges, inclusionRanges, perfectSubtrees, type LeafRange } from '../../../../federation/log/tree-layout.ts';

const r = (start: number, end: number): LeafRange => ({ start, end });

describe('federation/log tree-layout', () => {
  it('tiles a run of leaves with the largest aligned perfect subtrees, left to right', () => {
    expect(perfectSubtrees(r(0, 0))).to.deep.equal([]);
    expect(perfectSubtrees(r(0, 1))).to.deep.equal([{ level: 0, index: 0 }]);
    expect(perfectSubtrees(r(0, 7))).to.deep.equal([{ level: 2, index: 0 }, { level: 1, index: 2 }, { level: 0, index: 6 }]);
    expect(perfectSubtrees(r(4, 7))).to.deep.equal([{ level: 1, index: 2 }, { level: 0, index: 6 }]);
    // The rehashed run of TestInclusion 95:81: (2,22) (1,46) (0,94).
    expect(perfectSubtrees(r(88, 95))).to.deep.equal([{ level: 2, index: 22 }, { level: 1, index: 46 }, { level: 0, index: 94 }]);
    expect(perfectSubtrees(r(0, 2 ** 40))).to.deep.equal([{ level: 40, index: 0 }]);
    expect(perfectSubtrees(r(0, 2 ** 40 + 5)).map((n) => n.level)).to.deep.equal([40, 2, 0]);
  });

  it('names the inclusion proof nodes of TestInclusion', () => {
    const cases: [number, number, LeafRange[]][] = [
      [1, 0, []],
      [2, 0, [r(1, 2)]], // b
      [2, 1, [r(0, 1)]], // a
      [3, 1, [r(0, 1), r(2, 3)]], // a c
      [7, 0, [r(1, 2), r(2, 4), r(4, 7)]], // b h l=hash(i,j)
      [7, 1, [r(0, 1), r(2, 4), r(4, 7)]], // a h l
      [7, 2, [r(3, 4), r(0, 2), r(4, 7)]], // d g l
      [7, 3, [r(2, 3), r(0, 2), r(4, 7)]], // c g l
      [7, 4, [r(5, 6), r(6, 7), r(0, 4)]], // f j k
      [7, 5, [r(4, 5), r(6, 7), r(0, 4)]], // e j k
      [7, 6, [r(4, 6), r(0, 4)]], // i k
      [4, 2, [r(3, 4), r(0, 2)]], // d g
      [5, 3, [r(2, 3), r(0, 2), r(4, 5)]], // c g e
      [6, 3, [r(2, 3), r(0, 2), r(4, 6)]], // c g i
      [6, 4, [r(5, 6), r(0, 4)]], // f k
      [15, 10, [r(11, 12), r(8, 10), r(12, 15), r(0, 8)]], // (0,11) (1,4) [(0,14) (1,6)] (3,0)
      [31, 24, [r(25, 26), r(26, 28), r(28, 31), r(16, 24), r(0, 16)]], // (0,25) (1,13) [(0,30) (1,14)] (3,2) (4,0)
      [95, 81, [r(80, 81), r(82, 84), r(84, 88), r(88, 95), r(64, 80), r(0, 64)]], // ... [(0,94) (1,46) (2,22)] (4,4) (6,0)
    ];
    for (const [size, index, want] of cases) expect(inclusionRanges(index, size), `${index} of ${size}`).to.deep.equal(want);
  });

  it('names the consistency proof nodes of TestConsistency', () => {
    const cases: [number, number, LeafRange[]][] = [
      [1, 2, [r(1, 2)]], // b
      [1, 4, [r(1, 2), r(2, 4)]], // b h
      [1, 6, [r(1, 2), r(2, 4), r(4, 6)]], // b h i
      [2, 3, [r(2, 3)]], // c
      [2, 8, [r(2, 4), r(4, 8)]], // h l
      [3, 7, [r(2, 3), r(3, 4), r(0, 2), r(4, 7)]], // c d g l=hash(i,j)
      [4, 7, [r(4, 7)]], // l=hash(i,j)
      [5, 7, [r(4, 5), r(5, 6), r(6, 7), r(0, 4)]], // e f j k
      [6, 7, [r(4, 6), r(6, 7), r(0, 4)]], // i j k
      [7, 8, [r(6, 7), r(7, 8), r(4, 6), r(0, 4)]], // j leaf#7 i k
      [1, 1, []], [2, 2, []], [3, 3, []], [4, 4, []], [5, 5, []], [7, 7, []], [8, 8, []],
      [2, 4, [r(2, 4)]], // h
      [3, 5, [r(2, 3), r(3, 4), r(0, 2), r(4, 5)]], // c d g e
      [3, 6, [r(2, 3), r(3, 4), r(0, 2), r(4, 6)]], // c d g i
      [4, 6, [r(4, 6)]], // i
      [1, 7, [r(1, 2), r(2, 4), r(4, 7)]], // b h l
      [10, 15, [r(8, 10), r(10, 12), r(12, 15), r(0, 8)]], // (1,4) (1,5) [(0,14) (1,6)] (3,0)
      [24, 31, [r(16, 24), r(24, 31), r(0, 16)]], // (3,2) [(0,30) (1,14) (2,6)] (4,0)
      [81, 95, [r(80, 81), r(81, 82), r(82, 84), r(84, 88), r(88, 95), r(64, 80), r(0, 64)]],
      [0, 5, []],
    ];
    for (const [oldSize, newSize, want] of cases) expect(consistencyRanges(oldSize, newSize), `${oldSize} -> ${newSize}`).to.deep.equal(want);
  });

  describe('against the recursive proofs of merkle.ts, every tree of 1..64 leaves', () => {
    const hashes = Array.from({ length: 64 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    // What the store does: fold the stored subtrees of a run from the right.
    const runHash = (range: LeafRange): string => {
      const tiles = perfectSubtrees(range).map((n) => rootOf(hashes.slice(n.index * 2 ** n.level, (n.index + 1) * 2 ** n.level)));
      return tiles.reduceRight((right, left) => nodeHash(left, right)).toString('hex');
    };
    const hex = (proof: Buffer[]): string[] => proof.map((h) => h.toString('hex'));

    it('folds the tiles of [0, n) into the root', () => {
      for (let n = 1; n <= 64; n++) expect(runHash(r(0, n))).to.equal(rootOf(hashes.slice(0, n)).toString('hex'));
    });

    it('gives every inclusion proof', () => {
      for (let n = 1; n <= 64; n++) {
        for (let i = 0; i < n; i++) expect(inclusionRanges(i, n).map(runHash), `${i} of ${n}`).to.deep.equal(hex(inclusionProof(hashes, i, n)));
      }
    });

    it('gives every consistency proof', () => {
      for (let n = 1; n <= 64; n++) {
        for (let m = 0; m <= n; m++) expect(consistencyRanges(m, n).map(runHash), `${m} -> ${n}`).to.deep.equal(hex(consistencyProof(hashes, m, n)));
      }
    });
  });

  it('names O(log n) stored nodes for any proof, with at most one run cut by the edge of the tree', () => {
    let seed = 7;
    const next = (below: number): number => {
      seed = (seed * 48271) % 2147483647;
      return Math.floor((seed / 2147483647) * below);
    };
    for (let trial = 0; trial < 2000; trial++) {
      const size = 1 + next(2 ** 31) * 2 ** next(20) + next(1000);
      const depth = Math.ceil(Math.log2(size));
      const cut = (ranges: LeafRange[]) => ranges.filter((x) => !Number.isInteger(Math.log2(x.end - x.start))).length;
      const nodes = (ranges: LeafRange[]) => ranges.flatMap(perfectSubtrees).length;

      const inclusion = inclusionRanges(next(size), size);
      expect(inclusion.length).to.be.at.most(depth);
      expect(cut(inclusion)).to.be.at.most(1);
      expect(nodes(inclusion)).to.be.at.most(2 * depth);

      const oldSize = 1 + next(size);
      const consistency = consistencyRanges(oldSize, size);
      expect(consistency.length).to.be.at.most(depth + 1);
      expect(cut(consistency)).to.be.at.most(1);
      expect(nodes(consistency)).to.be.at.most(3 * depth);
      expect(perfectSubtrees(r(0, size)).length).to.be.at.most(depth + 1);
    }
  });
});
