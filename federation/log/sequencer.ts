/**
 * The log sequencer: appends the node's committed events that are not in its Merkle log yet, in
 * the order they were accepted, one writer at a time (an advisory lock). Ingestion appends its
 * events itself, in its own transaction; the sequencer catches the few it could not number (a
 * concurrent resend of the same id) and events stored before the log existed. It runs after each
 * ingest and before each sync, so every checkpoint covers every event committed before it.
 */
import type { SqlRunner } from '../sql-runner.ts';
import { appendLeaves } from './log-store.ts';
import { eventLeafHash } from './event-leaf.ts';

/** The node's events, as the sequencer needs them. */
export interface UnloggedEvents {
  /** Up to `limit` events not yet in the log, oldest acceptance first (stored form). */
  next(sql: SqlRunner, limit: number): Promise<{ seq: number; event: object }[]>;
  /** Records the leaf each event became. */
  markLogged(sql: SqlRunner, entries: { seq: number; leafIndex: number }[]): Promise<void>;
}

const LOG_LOCK = "hashtext('supervision.event-log')";
const CHUNK = 20000;

/** The log's single-writer lock, for the rest of the caller's transaction (ingest takes it too). */
export async function lockEventLog(sql: SqlRunner): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock(${LOG_LOCK})`);
}

/**
 * Appends everything unlogged; answers the number of events appended. `transaction` runs one
 * chunk atomically: the leaves and the events' marks commit together.
 */
export async function sequenceEvents(transaction: <T>(work: (sql: SqlRunner) => Promise<T>) => Promise<T>, events: UnloggedEvents): Promise<number> {
  let appended = 0;
  for (;;) {
    const count = await transaction(async (sql) => {
      await lockEventLog(sql);
      const batch = await events.next(sql, CHUNK);
      if (batch.length === 0) return 0;
      const { firstIndex } = await appendLeaves(sql, batch.map(({ event }) => eventLeafHash(event)));
      await events.markLogged(sql, batch.map(({ seq }, offset) => ({ seq, leafIndex: firstIndex + offset })));
      return batch.length;
    });
    appended += count;
    if (count < CHUNK) return appended;
  }
}
