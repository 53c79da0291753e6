/**
 * `GET /api/v1/rollups?from=YYYY-MM-DD&to=YYYY-MM-DD&groupBy=node|department|item&node=<code>`
 * (behind the API's authentication): sums of the summary rows of a node's whole subtree, its own
 * departments included, over a range of days. `node` defaults to this node and must be this node
 * or one of its descendants.
 *
 * Answer: `{from, to, groupBy, node, items: [{key, ...sums}], totals: {...sums}}`, items sorted by
 * key. State counts summed over several days are case-days; see `queryRollups`.
 */
import Router from '@koa/router';
import type { SqlRunner } from '../keys/key-store.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { parseRollupParams } from './rollup-params.ts';
import { queryRollups, subtreeCodes } from './rollup-store.ts';

/** What the route needs; a `FederationContext` has it all. */
export interface RollupRouteDeps {
  /** Statements on their own (no transaction needed: two reads). */
  sql: SqlRunner;
  self: { code: string };
  /** The 400 naming a query field; by default INVALID_PARAMETER with `{field, problem}` details. */
  badRequest?: (field: string, problem: string) => Error;
}

/** INVALID_PARAMETER (400), rendered by the node like its own errors of that code. */
export function invalidParameter(field: string, problem: string): Error {
  return new FederationError('INVALID_PARAMETER', `参数 ${field} 无效 (invalid parameter ${field}: ${problem})`, { field, problem });
}

export function rollupRouter(deps: RollupRouteDeps): Router {
  const badRequest = deps.badRequest ?? invalidParameter;
  const router = new Router();
  router.get('/rollups', async (ctx) => {
    const parsed = parseRollupParams(ctx.query, deps.self.code);
    if (!parsed.ok) throw badRequest(parsed.problem.field, parsed.problem.problem);
    const { from, to, groupBy, node } = parsed.params;
    let nodes = await subtreeCodes(deps.sql, deps.self.code);
    if (node !== deps.self.code) {
      if (!nodes.includes(node)) throw badRequest('node', `must be this node (${deps.self.code}) or one of its descendants`);
      nodes = await subtreeCodes(deps.sql, node);
    }
    const { items, totals } = await queryRollups(deps.sql, { from, to, groupBy, nodes });
    ctx.body = { from, to, groupBy, node, items, totals };
  });
  return router;
}
