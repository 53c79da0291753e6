/**
 * Where the hashes of a proof live in a log that stores only perfect subtrees. Pure arithmetic on
 * sizes; the store (log-store.ts) fetches the nodes it names.
 *
 * Every element of an RFC 9162 proof, and every root, is MTH of a run of leaves [start, end) whose
 * start is a multiple of a power of two at least as long as the run. Such a run is a row of
 * perfect subtrees, one per set bit of its length, largest first; its MTH is those subtrees'
 * hashes folded from the right. A run is perfect itself except where it meets the right edge of
 * the tree, and a proof has at most one such run, so a proof names O(log n) stored nodes.
 *
 * This walks the tree bottom-up by levels (sibling = node index xor 1), independently of the
 * recursive PATH / PROOF of merkle.ts; the tests hold the two to the same answers.
 */

/** The perfect subtree over leaves [index * 2^level, (index + 1) * 2^level); level 0 is a leaf. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** The leaves [start, end), end > start, whose MTH is one element of a proof or a root. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The perfect subtrees that tile [start, end), left to right: at each step the largest aligned
 * subtree that starts there and fits.
 */
export function perfectSubtrees(range: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  let start = range.start;
  while (start < range.end) {
    let level = 0;
    let width = 1;
    while (start % (width * 2) === 0 && start + width * 2 <= range.end) {
      level += 1;
      width *= 2;
    }
    nodes.push({ level, index: start / width });
    start += width;
  }
  return nodes;
}

/**
 * The runs whose MTHs make the inclusion proof of leaf `index` in the tree of `size` leaves, in
 * proof order (from the leaf up). Callers check 0 <= index < size.
 */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  return siblingRanges(0, index, size);
}

/**
 * The runs whose MTHs make the consistency proof from `oldSize` to `newSize` leaves, in proof
 * order. Empty when there is nothing to prove (oldSize 0 or equal sizes). Callers check
 * 0 <= oldSize <= newSize.
 */
export function consistencyRanges(oldSize: number, newSize: number): LeafRange[] {
  if (oldSize === 0 || oldSize === newSize) return [];
  // The old tree's last perfect subtree: its path to the new root carries the proof.
  let level = 0;
  let width = 1;
  while ((oldSize / width) % 2 === 0) {
    level += 1;
    width *= 2;
  }
  const index = oldSize / width - 1;
  // When the old tree is that subtree (a power of two), the verifier has its hash already.
  const own: LeafRange[] = index === 0 ? [] : [{ start: oldSize - width, end: oldSize }];
  return [...own, ...siblingRanges(level, index, newSize)];
}

/** The siblings met going up from node (level, index) to the root of the tree of `size` leaves. */
function siblingRanges(level: number, index: number, size: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let node = index;
  for (let width = 2 ** level; width < size; width *= 2) {
    const sibling = node % 2 === 0 ? node + 1 : node - 1;
    const start = sibling * width;
    // A right sibling wholly past the edge does not exist: the node moves up unchanged.
    if (start < size) ranges.push({ start, end: Math.min(start + width, size) });
    node = Math.floor(node / 2);
  }
  return ranges;
}
