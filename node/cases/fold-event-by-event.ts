/**
 * Refolding a case in ingest is pure computation over its events: the fold, the calendar, date
 * arithmetic. Should it throw on what one event holds (a date the calendar cannot count to, say),
 * that event alone is refused and the rest of the batch, this case's other events included, still
 * goes in: one event must never fail a batch or an import.
 */
import { parseInstant } from '../calendar/local-date.ts';

export interface Unfoldable<T> {
  item: T;
  /** What the fold threw. */
  reason: string;
}

export interface FoldedEventByEvent<T, R> {
  /** The fold of the kept events; null when none could be kept. */
  row: R | null;
  kept: T[];
  refused: Unfoldable<T>[];
}

/**
 * Called once the fold of all of `incoming` threw: adds them one at a time in time order (ties in
 * the order given), keeping each that folds with those kept before it and refusing each that makes
 * the fold throw. Quadratic in `incoming` (each try folds the kept ones again), which is fine for
 * a path only a broken event takes.
 */
export function foldEventByEvent<T, R>(incoming: readonly T[], occurredAt: (item: T) => string, fold: (items: T[]) => R): FoldedEventByEvent<T, R> {
  const inTimeOrder = incoming.map((item, position) => ({ item, position, ms: parseInstant(occurredAt(item)) }))
    .sort((a, b) => a.ms - b.ms || a.position - b.position);
  const kept: T[] = [];
  const refused: Unfoldable<T>[] = [];
  let row: R | null = null;
  for (const { item } of inTimeOrder) {
    try {
      row = fold([...kept, item]);
      kept.push(item);
    } catch (error) {
      refused.push({ item, reason: String((error as Error)?.message ?? error).slice(0, 300).toWellFormed() });
    }
  }
  return { row, kept, refused };
}
