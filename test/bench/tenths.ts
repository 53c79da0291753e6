/**
 * The rate and the CPU per event of the first and of the last tenth of an ingest run's requests, to
 * tell whether the cost per event grows as the tables grow. Both windows are measured from one
 * answer to another, in the order the answers came: the first tenth from the first answer (so the
 * time to fill the pipeline at the start is left out, as the drain at the end is by the last
 * window) to the k-th answer after it, the last tenth over the last k answers (k = a tenth of the
 * requests, at least 1).
 */
import type pg from 'pg';
import type { OnAnswer, SendTotals } from './dataset.ts';
import { postgresCpu, postgresCpuDelta } from './support.ts';

/** One window: how many requests and events were answered in it, how fast, at what CPU per event. */
export interface TenthFigures {
  requests: number;
  events: number;
  seconds: number;
  eventsPerSec: number;
  /** Node process CPU per event, in microseconds; null when /proc does not say. */
  nodeCpuUsPerEvent: number | null;
  /** PostgreSQL CPU per event (the database's backends and the shared writers), in microseconds. */
  pgCpuUsPerEvent: number;
}

export interface Tenths {
  first: TenthFigures;
  last: TenthFigures;
  /** The last tenth's rate over the first tenth's: below 1 when the cost per event grew with the data. */
  lastToFirst: number;
}

interface Mark {
  at: number;
  accepted: number;
  nodeCpu: number | null;
  pgCpu: Map<number, number>;
}

/** Samples the run at the answers that bound both windows; `result()` is null for fewer than 3 requests. */
export class TenthsProbe {
  readonly #k: number;
  readonly #bounds: readonly [number, number, number, number];
  readonly #marks = new Map<number, Mark>();
  readonly #db: pg.Client;
  readonly #database: string;
  readonly #nodeCpu: () => number | null;

  /** `requests` the run will send; `db` a spare connection to `database`; `nodeCpu` the node's CPU seconds so far. */
  constructor(requests: number, db: pg.Client, database: string, nodeCpu: () => number | null) {
    this.#k = Math.max(1, Math.round(requests / 10));
    this.#bounds = [1, 1 + this.#k, requests - this.#k, requests];
    this.#db = db;
    this.#database = database;
    this.#nodeCpu = nodeCpu;
  }

  /** The hook for `sendBodies`: reads the clock, the accepted count and the node's CPU before it awaits PostgreSQL's. */
  readonly onAnswer: OnAnswer = async (answered: number, totals: Readonly<SendTotals>): Promise<void> => {
    if (!this.#bounds.includes(answered)) return;
    const at = performance.now();
    const accepted = totals.accepted;
    const nodeCpu = this.#nodeCpu();
    this.#marks.set(answered, { at, accepted, nodeCpu, pgCpu: await postgresCpu(this.#db, this.#database) });
  };

  result(): Tenths | null {
    const [a, b, c, d] = this.#bounds.map((bound) => this.#marks.get(bound));
    if (!a || !b || !c || !d || this.#bounds[2] < this.#bounds[1]) return null;
    const first = this.#window(a, b);
    const last = this.#window(c, d);
    return { first, last, lastToFirst: Math.round((last.eventsPerSec / Math.max(1, first.eventsPerSec)) * 100) / 100 };
  }

  #window(from: Mark, to: Mark): TenthFigures {
    const events = to.accepted - from.accepted;
    const seconds = (to.at - from.at) / 1000;
    const perEvent = (cpuSeconds: number): number => Math.round((cpuSeconds * 1e6) / Math.max(1, events));
    return {
      requests: this.#k,
      events,
      seconds: Math.round(seconds * 100) / 100,
      eventsPerSec: Math.round(events / Math.max(seconds, 1e-6)),
      nodeCpuUsPerEvent: from.nodeCpu === null || to.nodeCpu === null ? null : perEvent(to.nodeCpu - from.nodeCpu),
      pgCpuUsPerEvent: perEvent(postgresCpuDelta(from.pgCpu, to.pgCpu)),
    };
  }
}
