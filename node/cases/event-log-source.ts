/**
 * The node's events for the log sequencer (federation/log/sequencer.ts), and a runner that
 * coalesces the requests to sequence: one run at a time, and one more if asked meanwhile.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { sequenceEvents, type UnloggedEvents } from '../../federation/index.ts';
import { transactionRunner, type SqlRunner } from '../core/db.ts';

export const unloggedCaseEvents: UnloggedEvents = {
  async next(sql, limit) {
    const rows = await sql.query<{ seq: string; payload: object }>(
      'SELECT seq, payload FROM case_events WHERE log_index IS NULL ORDER BY seq LIMIT $1', [limit]);
    return rows.map((row) => ({ seq: Number(row.seq), event: row.payload }));
  },
  async markLogged(sql, entries) {
    await sql.query(`UPDATE case_events AS e SET log_index = x.leaf FROM unnest($1::bigint[], $2::bigint[]) AS x(seq, leaf)
      WHERE e.seq = x.seq`, [entries.map((entry) => entry.seq), entries.map((entry) => entry.leafIndex)]);
  },
};

export interface EventLogSequencer {
  /** Asks for a run soon; returns at once. */
  kick(): void;
  /** Runs now (after any run in progress) and answers how many events it appended. */
  runNow(): Promise<number>;
  /** Waits for the run in progress, if any. */
  idle(): Promise<void>;
}

export function createEventLogSequencer(orm: MikroORM, logger: Logger): EventLogSequencer {
  const transaction = <T>(work: (sql: SqlRunner) => Promise<T>): Promise<T> => orm.em.fork().transactional((tx) => work(transactionRunner(tx)));
  // `current` is the last run started or queued; at most one run waits behind the one going, and
  // every caller meanwhile joins that waiting run (it starts after their events committed).
  let current: Promise<number> = Promise.resolve(0);
  let waiting: Promise<number> | null = null;
  const run = (): Promise<number> => {
    if (waiting) return waiting;
    const next = current.then(() => {
      waiting = null;
      return sequenceEvents(transaction, unloggedCaseEvents).catch((error: unknown) => {
        logger.error({ err: error }, 'event log sequencing failed; the next run retries');
        return 0;
      });
    });
    waiting = next;
    current = next;
    return next;
  };
  return {
    kick: () => void run(),
    runNow: run,
    idle: async () => {
      await current;
    },
  };
}
