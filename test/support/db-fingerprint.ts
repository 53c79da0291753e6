/**
 * A fingerprint of a test database's content: per table, its row count and an md5 of all its rows
 * in a stable order. Two equal fingerprints mean nothing was inserted, changed or deleted. Tables
 * and columns that record attempts on purpose (the audit trail, refused events, failed-login
 * counters) can be left out by name.
 */
import pg from 'pg';
import { withClient } from './test-database.ts';

export type Fingerprint = Record<string, { rows: number; md5: string }>;

export interface FingerprintOptions {
  /** Tables left out entirely. */
  skipTables?: readonly string[];
  /** `table.column` left out of a table's rows. */
  skipColumns?: readonly string[];
}

/** Fingerprints every table of the `public` schema over one connection (superuser: it reads everything). */
export function fingerprint(databaseUrl: string, options: FingerprintOptions = {}): Promise<Fingerprint> {
  return withClient(databaseUrl, async (client) => {
    const columns = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')
       ORDER BY table_name, ordinal_position`);
    const byTable = new Map<string, string[]>();
    for (const { table_name: table, column_name: column } of columns.rows) {
      if (options.skipTables?.includes(table) || options.skipColumns?.includes(`${table}.${column}`)) continue;
      byTable.set(table, [...(byTable.get(table) ?? []), column]);
    }
    const result: Fingerprint = {};
    for (const [table, names] of byTable) {
      const row = `ROW(${names.map((name) => `t.${pg.escapeIdentifier(name)}`).join(', ')})::text`;
      const answer = await client.query<{ rows: string; md5: string }>(
        `SELECT count(*)::text AS rows, md5(coalesce(string_agg(${row}, E'\\n' ORDER BY ${row}), '')) AS md5 FROM ${pg.escapeIdentifier(table)} t`);
      result[table] = { rows: Number(answer.rows[0]!.rows), md5: answer.rows[0]!.md5 };
    }
    return result;
  });
}

/** Waits until background work (event log sequencing, queued jobs) has stopped changing the database, and answers that fingerprint. */
export async function settledFingerprint(databaseUrl: string, options: FingerprintOptions = {}, timeoutMs = 20_000): Promise<Fingerprint> {
  const deadline = Date.now() + timeoutMs;
  let previous = await fingerprint(databaseUrl, options);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const current = await fingerprint(databaseUrl, options);
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    if (Date.now() > deadline) throw new Error('the database kept changing: background work did not settle');
    previous = current;
  }
}

/** The tables whose fingerprints differ, for a readable failure. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const tables = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...tables].filter((table) => JSON.stringify(before[table]) !== JSON.stringify(after[table])).sort();
}
