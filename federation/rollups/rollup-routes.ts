/**
 * `GET /api/v1/rollups?from=YYYY-MM-DD&to=YYYY-MM-DD&groupBy=node|department|item&node=<code>`
 * (behind the API's authentication): sums of the summary rows of a node's whole subtree, its own
 * departments included, over a range of days. `node` defaults to this node and must be this node
 * or one of its descendants.
 *
 * Answer: `{from, to, groupBy, node, items: [{key, ...sums}], totals: {...sums}}`, items sorted by
 * key. State counts summed over several days are case-days; see `queryRollups`.
 */
import Type from 'typebox';
import type { SqlRunner } from '../sql-runner.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { federationRoute, type AnyFederationRoute } from '../http/route-contract.ts';
import { parseRollupParams } from './rollup-params.ts';
import { ROLLUP_GROUPS, queryRollups, subtreeCodes } from './rollup-store.ts';

/** What the route needs; a `FederationContext` has it all. */
export interface RollupRouteDeps {
  /** Statements on their own (no transaction needed: two reads). */
  sql: SqlRunner;
  self: { code: string };
}

/** INVALID_PARAMETER (400), rendered by the node like its own errors of that code. */
export function invalidParameter(field: string, problem: string): Error {
  return new FederationError('INVALID_PARAMETER', `参数 ${field} 无效 (invalid parameter ${field}: ${problem})`, { field, problem });
}

/** The query's shape; the range rules (to not before from, less than 3 years) are parseRollupParams'. */
const RollupQuery = Type.Object({
  from: Type.String({ format: 'date', description: '起始日 YYYY-MM-DD (first day)' }),
  to: Type.String({ format: 'date', description: '截止日 YYYY-MM-DD (last day, inclusive)' }),
  groupBy: Type.Optional(Type.Enum([...ROLLUP_GROUPS])),
  node: Type.Optional(Type.String({ pattern: '^\\d{6}$', description: '本节点或其下级 (this node or a descendant; default this node)' })),
}, { additionalProperties: false });

export function rollupRoutes(deps: RollupRouteDeps): AnyFederationRoute[] {
  return [federationRoute({
    method: 'GET', path: '/rollups', summary: '辖区汇总 (sums of the summary rows of a node\'s subtree over a range of days)', query: RollupQuery,
    handler: async (ctx) => {
      const parsed = parseRollupParams(ctx.input.query, deps.self.code);
      if (!parsed.ok) throw invalidParameter(parsed.problem.field, parsed.problem.problem);
      const { from, to, groupBy, node } = parsed.params;
      let nodes = await subtreeCodes(deps.sql, deps.self.code);
      if (node !== deps.self.code) {
        if (!nodes.includes(node)) throw invalidParameter('node', `must be this node (${deps.self.code}) or one of its descendants`);
        nodes = await subtreeCodes(deps.sql, node);
      }
      const { items, totals } = await queryRollups(deps.sql, { from, to, groupBy, nodes });
      ctx.body = { from, to, groupBy, node, items, totals };
    },
  })];
}
