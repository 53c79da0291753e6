/**
 * The column arrays of node/core/row-arrays.ts, read back by PostgreSQL: whatever a text holds
 * (quotes, backslashes, braces, commas, the word NULL, newlines, CJK, an empty string) comes out as
 * it went in, null stays NULL, and unnest keeps the rows' order and columns together.
 */
import { expect } from 'chai';
import { arrayLiteral, unnestRows } from '../../node/core/row-arrays.ts';
import { POSTGRES_URL, withClient } from '../support/test-database.ts';

const AWKWARD = ['', 'NULL', 'null', '"', '\\', '\\"', '{a,b}', 'a,b', ' padded ', 'line\nbreak\ttab', '政务服务 "监察"', '{"k":"v\\"w"}', "it's"];

describe('integration: rows as column arrays (node/core/row-arrays.ts)', () => {
  it('gives PostgreSQL back every text as it was, and null as NULL', async () => {
    await withClient(POSTGRES_URL, async (client) => {
      const values = [...AWKWARD, null];
      const { rows } = await client.query<{ value: string | null }>('SELECT unnest($1::text[]) AS value', [arrayLiteral(values)]);
      expect(rows.map((row) => row.value)).to.deep.equal(values);
    });
  });

  it('unnests rows in order with their typed columns, JSON text into jsonb', async () => {
    interface Row { name: string | null; n: number; doc: string; at: Date | null }
    const input: Row[] = AWKWARD.map((name, i) => ({ name, n: i * 7 - 3, doc: JSON.stringify({ name, i }), at: i % 3 === 0 ? null : new Date(Date.UTC(2026, 2, i + 1, 2)) }));
    input.push({ name: null, n: 0, doc: '[]', at: null });
    const r = unnestRows(input, [['name', 'text'], ['n', 'int'], ['doc', 'jsonb'], ['at', 'timestamptz']]);
    await withClient(POSTGRES_URL, async (client) => {
      const { rows } = await client.query<{ name: string | null; n: number; doc: unknown; at: Date | null; ord: string }>(
        `SELECT r.name, r.n, r.doc, r.at, r.ord FROM ${r.from} ORDER BY r.ord`, r.params);
      expect(rows.map((row) => ({ name: row.name, n: row.n, doc: row.doc, at: row.at }))).to.deep.equal(
        input.map((row) => ({ ...row, doc: JSON.parse(row.doc) })));
      expect(rows.map((row) => Number(row.ord))).to.deep.equal(input.map((_, i) => i + 1));
    });
  });
});
