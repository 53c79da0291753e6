/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing over SHA-256, with inclusion and
 * consistency proofs: generation over leaf hashes held in memory (section 2.1.3.1 PATH, 2.1.4.1
 * PROOF) and verification (2.1.3.2, 2.1.4.2).
 *
 * The functions work on leaf hashes, not on leaf data: MTH of one entry is its leaf hash, so a
 * caller hashes each entry once with {@link leafHash} and the tree above it is the same. Sizes and
 * indexes are JavaScript numbers (safe integers); shifts are written as division because the
 * bitwise operators truncate to 32 bits.
 *
 * Generators throw `RangeError` on arguments that describe no proof. Verifiers never throw: they
 * answer false for anything that is not a valid proof, because their input comes off the wire.
 */
import { createHash, hash } from 'node:crypto';

/** Bytes in every hash of the log (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);
const EMPTY_ROOT = createHash('sha256').digest();

/** MTH of the empty tree: SHA-256 of the empty string. A fresh copy, so callers may keep it. */
export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}

/** The hash of one log entry: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  // One-shot hashing: a Hash object per leaf cost about twice as much, for a million leaves a batch run.
  return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
}

/** 0x01 || left || right, filled by nodeHash (synchronous, so one buffer serves every call). */
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_SIZE, NODE_PREFIX[0]);

/** The hash of an interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_SIZE);
  return hash('sha256', NODE_INPUT, 'buffer');
}

/**
 * MTH over the given leaf hashes (RFC 9162 2.1.1); the empty list gives {@link emptyRoot}.
 * Built level by level, a lone last node moving up unchanged: that is the same tree as MTH's split
 * at the largest power of two below n, without recursion over a million leaves.
 */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return emptyRoot();
  let level: readonly Uint8Array[] = leafHashes;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return Buffer.from(level[0]!);
}

/**
 * The inclusion proof (audit path) of leaf `index` in the tree of the first `treeSize` leaves:
 * PATH(m, D[n]) of RFC 9162 2.1.3.1, ordered from the leaf up.
 * @throws RangeError unless 0 <= index < treeSize <= leafHashes.length.
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, treeSize: number): Buffer[] {
  requireSize(treeSize, leafHashes.length, 'treeSize');
  if (!isCount(index) || index >= treeSize) throw new RangeError(`leaf index ${index} is not in a tree of ${treeSize}`);
  const proof: Buffer[] = [];
  const path = (m: number, start: number, end: number): void => {
    if (end - start === 1) return;
    const k = splitPoint(end - start);
    if (m < k) {
      path(m, start, start + k);
      proof.push(subtreeHash(leafHashes, start + k, end));
    } else {
      path(m - k, start + k, end);
      proof.push(subtreeHash(leafHashes, start, start + k));
    }
  };
  path(index, 0, treeSize);
  return proof;
}

/**
 * The consistency proof from the tree of the first `oldSize` leaves to the tree of the first
 * `newSize`: PROOF(m, D[n]) of RFC 9162 2.1.4.1. Empty when oldSize is 0 or equals newSize, the
 * two cases where there is nothing to prove.
 * @throws RangeError unless 0 <= oldSize <= newSize <= leafHashes.length.
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number, newSize: number): Buffer[] {
  requireSize(newSize, leafHashes.length, 'newSize');
  if (!isCount(oldSize) || oldSize > newSize) throw new RangeError(`oldSize ${oldSize} is not in 0..${newSize}`);
  const proof: Buffer[] = [];
  if (oldSize === 0 || oldSize === newSize) return proof;
  // SUBPROOF(m, D[start:end], b): b says whether D[start:end] is still the whole old tree, whose
  // root the verifier already has.
  const subproof = (m: number, start: number, end: number, whole: boolean): void => {
    if (m === end - start) {
      if (!whole) proof.push(subtreeHash(leafHashes, start, end));
      return;
    }
    const k = splitPoint(end - start);
    if (m <= k) {
      subproof(m, start, start + k, whole);
      proof.push(subtreeHash(leafHashes, start + k, end));
    } else {
      subproof(m - k, start + k, end, false);
      proof.push(subtreeHash(leafHashes, start, start + k));
    }
  };
  subproof(oldSize, 0, newSize, true);
  return proof;
}

/**
 * Whether `proof` shows that `leafHash` is leaf `index` of the tree of `treeSize` leaves whose
 * root is `root` (RFC 9162 2.1.3.2). False, never an exception, for malformed input: an index
 * outside the tree, a proof of the wrong length, hashes that are not 32 bytes.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    if (!isCount(index) || !isCount(treeSize) || index >= treeSize) return false;
    if (!isHash(leafHash) || !isHash(root) || !isProof(proof)) return false;
    let fn = index;
    let sn = treeSize - 1;
    let r: Uint8Array = leafHash;
    for (const p of proof) {
      if (sn === 0) return false;
      if (isOdd(fn) || fn === sn) {
        r = nodeHash(p, r);
        // Skip the levels where this node is the last one and has no right sibling.
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      } else {
        r = nodeHash(r, p);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && sameBytes(r, root);
  } catch {
    return false;
  }
}

/**
 * Whether `proof` shows that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the
 * tree of `newSize` leaves with root `newRoot` (RFC 9162 2.1.4.2). Equal sizes need equal roots
 * and an empty proof; an old size of 0 needs the empty-tree root and an empty proof. False, never
 * an exception, for malformed input (oldSize > newSize, wrong proof length, bad hash sizes).
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  try {
    if (!isCount(oldSize) || !isCount(newSize) || oldSize > newSize) return false;
    if (!isHash(oldRoot) || !isHash(newRoot) || !isProof(proof)) return false;
    if (oldSize === newSize) return proof.length === 0 && sameBytes(oldRoot, newRoot);
    if (oldSize === 0) return proof.length === 0 && sameBytes(oldRoot, EMPTY_ROOT);
    if (proof.length === 0) return false;
    // A power-of-two old tree is a node of the new one; the proof leaves it out as the verifier
    // already holds its hash.
    const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
    let fn = oldSize - 1;
    let sn = newSize - 1;
    while (isOdd(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    let fr: Uint8Array = path[0]!;
    let sr: Uint8Array = path[0]!;
    for (let i = 1; i < path.length; i++) {
      const c = path[i]!;
      if (sn === 0) return false;
      if (isOdd(fn) || fn === sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && sameBytes(fr, oldRoot) && sameBytes(sr, newRoot);
  } catch {
    return false;
  }
}

/** MTH(D[start:end]) by the definition in RFC 9162 2.1.1, for end > start. */
function subtreeHash(leafHashes: readonly Uint8Array[], start: number, end: number): Buffer {
  if (end - start === 1) return Buffer.from(leafHashes[start]!);
  const k = splitPoint(end - start);
  return nodeHash(subtreeHash(leafHashes, start, start + k), subtreeHash(leafHashes, start + k, end));
}

/** k: the largest power of two smaller than n, for n > 1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function requireSize(size: number, available: number, name: string): void {
  if (!isCount(size) || size > available) throw new RangeError(`${name} ${size} is not in 0..${available}`);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

function isProof(value: unknown): value is readonly Uint8Array[] {
  return Array.isArray(value) && value.every(isHash);
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
