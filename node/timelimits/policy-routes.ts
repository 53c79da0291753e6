/** `/api/v1/policy`: the time-limit policy (yellow light, yellow and red card thresholds). */
import Router from '@koa/router';
import { AppError } from '../http/errors.ts';
import { assertSchema } from '../http/validation.ts';
import type { RequestState } from '../http/state.ts';
import { TIME_POLICY_KEY, type TimeRules } from './time-rules.ts';
import { TimePolicyRecord } from './time-policy.entity.ts';
import { changeRules } from './rule-change.ts';
import { validateTimePolicy, type TimePolicy } from './policy.ts';

export function policyRouter(rules: TimeRules): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/policy', async (ctx) => {
    const row = await ctx.state.em.findOne(TimePolicyRecord, { key: TIME_POLICY_KEY });
    ctx.body = { ...rules.current.policy, source: row ? 'node' : 'default', updatedAt: row?.updatedAt.toISOString() ?? null };
  });

  router.put('/policy', async (ctx) => {
    assertSchema('time-policy.schema.json', ctx.request.body);
    let policy: TimePolicy;
    try {
      policy = validateTimePolicy(ctx.request.body);
    } catch (error) {
      const message = (error as Error).message;
      const field = /time policy (\w+)/.exec(message)?.[1] ?? '/';
      throw new AppError('POLICY_INVALID', { field, problem: message });
    }
    const recomputed = await changeRules(ctx.state.em, rules, async (tx) => {
      const row = await tx.findOne(TimePolicyRecord, { key: TIME_POLICY_KEY });
      if (row) tx.assign(row, policy);
      else tx.create(TimePolicyRecord, { key: TIME_POLICY_KEY, ...policy });
    }, {});
    const row = await ctx.state.em.fork().findOneOrFail(TimePolicyRecord, { key: TIME_POLICY_KEY });
    ctx.body = { ...policy, source: 'node', updatedAt: row.updatedAt.toISOString(), recomputed };
  });

  return router;
}
