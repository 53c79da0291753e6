/**
 * The speed targets of issue 10 (item 5), each with the data size it is stated for: a run on
 * smaller data (`--quick`, or a size knob) is judged too, but only as an indication.
 */

/** One target: how the table prints it, whether a figure meets it, and at what size it counts. */
export interface Target {
  /** As the table prints it, e.g. "≥ 30,000". */
  text: string;
  met(value: number): boolean;
  /** The data size the target is stated for, in the unit the bench counts (events or cases). */
  size: number;
  sizeUnit: 'events' | 'cases';
}

const number = (value: number): string => value.toLocaleString('en-US');

function atLeast(limit: number, size: number, sizeUnit: Target['sizeUnit'], text = `≥ ${number(limit)}`): Target {
  return { text, met: (value) => value >= limit, size, sizeUnit };
}

function atMost(limit: number, size: number, sizeUnit: Target['sizeUnit']): Target {
  return { text: `≤ ${number(limit)}`, met: (value) => value <= limit, size, sizeUnit };
}

function below(limit: number, size: number, sizeUnit: Target['sizeUnit'], unit: string): Target {
  return { text: `< ${number(limit)} ${unit}`, met: (value) => value < limit, size, sizeUnit };
}

/** The full ingest bench posts 1,011,163 events (200,000 demo cases); the targets speak of "the 1,000,000-event bench". */
const INGEST_EVENTS = 1_000_000;
const QUERY_CASES = 1_000_000;
const SWEEP_CASES = 1_000_000;

export const TARGETS = {
  /** Events answered as accepted per second over the whole ingest run. */
  ingestEventsPerSec: atLeast(30_000, INGEST_EVENTS, 'events'),
  /** Peak RSS of the node process during the ingest run, in MB. */
  ingestRssMB: atMost(400, INGEST_EVENTS, 'events'),
  /**
   * "A cost per event that does not grow with the data": the last tenth's rate over the first
   * tenth's. The issue names no number; 0.9 leaves room for the noise of a shared machine.
   */
  ingestLastToFirst: atLeast(0.9, INGEST_EVENTS, 'events', '≥ 0.9 × first tenth'),
  /** GET /api/v1/board p99, in ms. */
  boardP99Ms: below(50, QUERY_CASES, 'cases', 'ms p99'),
  /** GET /api/v1/cases?light=... p99, in ms, for every light and variant. */
  listP99Ms: below(20, QUERY_CASES, 'cases', 'ms p99'),
  /** One runSweep call, none due and 1 % due, in seconds. */
  sweepSeconds: below(1, SWEEP_CASES, 'cases', 's'),
} as const satisfies Record<string, Target>;

/**
 * `met` / `MISSED` at the target's size or larger; in parentheses on smaller data, where the
 * figure says little about the target; `unknown` when the figure is missing.
 */
export function verdict(target: Target, value: number | null, size: number): string {
  if (value === null) return 'unknown';
  const met = target.met(value);
  if (size >= target.size) return met ? 'met' : 'MISSED';
  return met ? '(met)' : '(missed)';
}
