/**
 * GET /api/v1/rollups over a fake SqlRunner, behind the node's own error renderer: parameters are
 * checked before any statement runs, the node must be in this node's subtree, sums arrive as
 * numbers, and a failure is the usual `{error: {code, message, details: {field}}}`.
 */
import { expect } from 'chai';
import Koa from 'koa';
import Router from '@koa/router';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorRenderer } from '../../../node/http/error-renderer.ts';
import type { RequestState } from '../../../node/http/state.ts';
import { rollupRoutes, type RollupRouteDeps } from '../../../federation/rollups/rollup-routes.ts';
import { routerOf } from '../../../node/core/route-contract.ts';
import { SUMMARY_COUNTS, zeroCounts } from '../../../federation/rollups/summary-row.ts';
import type { SqlRunner } from '../../../federation/sql-runner.ts';

const SELF = '610200';
// code -> parent code
const REGISTRY: Record<string, string | null> = { '610000': null, '610200': '610000', '610203': '610200', '610204': '610200', '610300': '610000' };

interface Statement {
  text: string;
  params: readonly unknown[];
}

/** Answers the subtree query from REGISTRY and the sums query with `sums` (as the driver would: bigint sums as strings). */
function fakeSql(statements: Statement[], sums: Record<string, unknown>[]): SqlRunner {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      statements.push({ text, params });
      if (text.includes('WITH RECURSIVE')) {
        const found = new Set([params[0] as string]);
        for (let grew = true; grew;) {
          grew = false;
          for (const [code, parent] of Object.entries(REGISTRY)) {
            if (parent !== null && found.has(parent) && !found.has(code)) {
              found.add(code);
              grew = true;
            }
          }
        }
        return [...found].sort().map((code) => ({ code })) as Row[];
      }
      if (text.includes('FROM rollup_summaries')) return sums as Row[];
      throw new Error(`unexpected statement: ${text}`);
    },
  };
}

/** Serves the router as the node mounts it (under /api/v1, behind its error renderer); answers the base URL. */
async function serve(deps: RollupRouteDeps, servers: Server[]): Promise<string> {
  const app = new Koa<RequestState>();
  app.use(errorRenderer());
  const api = routerOf(rollupRoutes(deps), '/api/v1');
  app.use(api.routes()).use(api.allowedMethods());
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/rollups`;
}

describe('GET /api/v1/rollups (fake database)', () => {
  const servers: Server[] = [];
  let base: string;
  let statements: Statement[] = [];
  let sums: Record<string, unknown>[] = [];
  const sql: SqlRunner = { query: (text, params) => fakeSql(statements, sums).query(text, params) };

  before(async () => {
    base = await serve({ sql, self: { code: SELF } }, servers);
  });

  after(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    statements = [];
    sums = [];
  });

  const get = async (query: string, url = base) => {
    const response = await fetch(`${url}?${query}`);
    return { status: response.status, body: await response.json() as Record<string, any> };
  };

  it('refuses a bad parameter with INVALID_PARAMETER naming it, before any statement', async () => {
    const answer = await get('from=2026-03-01&to=2026-02-01');
    expect(answer.status).to.equal(400);
    expect(answer.body.error.code).to.equal('INVALID_PARAMETER');
    expect(answer.body.error.details).to.deep.equal({ field: 'to', problem: 'must not be before from' });
    expect(answer.body.error.message).to.contain('to');
    expect(statements).to.deep.equal([]);
  });

  it('sums this node\'s whole subtree by default, and answers numbers', async () => {
    sums = [
      { key: '610200', ...Object.fromEntries(SUMMARY_COUNTS.map((c, i) => [c, String(i)])) },
      { key: '610203', ...Object.fromEntries(SUMMARY_COUNTS.map((c) => [c, '10'])) },
    ];
    const answer = await get('from=2026-03-01&to=2026-03-31');
    expect(answer.status).to.equal(200);
    const first = { key: '610200', ...Object.fromEntries(SUMMARY_COUNTS.map((c, i) => [c, i])) };
    const second = { key: '610203', ...Object.fromEntries(SUMMARY_COUNTS.map((c) => [c, 10])) };
    expect(answer.body).to.deep.equal({
      from: '2026-03-01', to: '2026-03-31', groupBy: 'node', node: SELF, items: [first, second],
      totals: Object.fromEntries(SUMMARY_COUNTS.map((c, i) => [c, i + 10])),
    });
    const sumsStatement = statements.find((s) => s.text.includes('FROM rollup_summaries'));
    expect(sumsStatement?.params).to.deep.equal([['610200', '610203', '610204'], '2026-03-01', '2026-03-31']);
    expect(sumsStatement?.text).to.match(/GROUP BY node_code/);
  });

  it('sums a descendant\'s subtree by the grouping asked for', async () => {
    const answer = await get('from=2026-03-01&to=2026-03-31&node=610204&groupBy=item');
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal({ from: '2026-03-01', to: '2026-03-31', groupBy: 'item', node: '610204', items: [], totals: zeroCounts() });
    const sumsStatement = statements.find((s) => s.text.includes('FROM rollup_summaries'));
    expect(sumsStatement?.params[0]).to.deep.equal(['610204']);
    expect(sumsStatement?.text).to.match(/GROUP BY item_code/);
  });

  it('refuses a node outside this node\'s subtree: a sibling or the parent', async () => {
    for (const node of ['610300', '610000', '110000']) {
      const answer = await get(`from=2026-03-01&to=2026-03-31&node=${node}`);
      expect(answer.status, node).to.equal(400);
      expect(answer.body.error.details.field, node).to.equal('node');
      expect(statements.some((s) => s.text.includes('FROM rollup_summaries')), node).to.equal(false);
    }
  });
});
