/** `/api/v1/policy`: the time-limit policy (yellow light, yellow and red card thresholds). */
import { isoLocal, isoLocalOrNull } from '../core/instants.ts';
import { AppError } from '../core/errors.ts';
import { defineRoute, publishedBody, type RouteShape } from '../core/route-contract.ts';
import { TIME_POLICY_KEY, type TimeRules } from './time-rules.ts';
import { TimePolicyRecord } from './time-policy.entity.ts';
import { changeRules } from './rule-change.ts';
import { timePolicyField, validateTimePolicy, type TimePolicy } from './policy.ts';
import { presentProvenance, type PolicyIssuer } from './policy-provenance.ts';

/** `issuer` signs what a PUT sets at the province and refuses a PUT on a policy issued above. */
export function policyRoutes(rules: TimeRules, issuer: PolicyIssuer): RouteShape[] {
  const get = defineRoute({
    method: 'GET', path: '/policy', summary: '时限策略 (the time-limit policy in force)',
    handler: async (ctx) => {
      const row = await ctx.state.em.findOne(TimePolicyRecord, { key: TIME_POLICY_KEY });
      ctx.body = { ...rules.current.policy, source: row ? 'node' : 'default', ...presentProvenance(row ?? {}), updatedAt: isoLocalOrNull(row?.updatedAt) };
    },
  });

  const put = defineRoute({
    method: 'PUT', path: '/policy', summary: '设置时限策略并重算 (set the time-limit policy; verdicts are recomputed)',
    body: publishedBody<unknown>('time-policy.schema.json'),
    handler: async (ctx) => {
      let policy: TimePolicy;
      try {
        policy = validateTimePolicy(ctx.input.body);
      } catch (error) {
        const message = (error as Error).message;
        const field = timePolicyField(error);
        throw new AppError('POLICY_INVALID', { field, problem: message });
      }
      const recomputed = await changeRules(ctx.state.em, rules, async (tx) => {
        const row = await tx.findOne(TimePolicyRecord, { key: TIME_POLICY_KEY });
        issuer.assertSettableHere(row, 'timePolicy');
        const provenance = await issuer.provenanceFor('timePolicy', undefined, { ...policy }, row);
        if (row) tx.assign(row, { ...policy, ...provenance });
        else tx.create(TimePolicyRecord, { key: TIME_POLICY_KEY, ...policy, ...provenance });
      }, {});
      // Read again in the request's transaction: the change is not committed before the answer is built.
      const row = await ctx.state.em.findOneOrFail(TimePolicyRecord, { key: TIME_POLICY_KEY }, { refresh: true });
      ctx.body = { ...policy, source: 'node', ...presentProvenance(row), updatedAt: isoLocal(row.updatedAt), recomputed };
    },
  });

  return [get, put];
}
