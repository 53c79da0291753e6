/**
 * Wiring of the hooks (node/core/hooks.ts): who listens to what, registered once at start.
 * Features call hooks instead of importing one another; this is the one place that knows which
 * feature answers which hook.
 */
import { NODE_HOOKS } from './core/hooks.ts';
import { subscribeSweepSchedule } from './supervision/sweep-schedule.ts';

/**
 * Subscribes every feature to the hooks it answers. Idempotent (a subscriber is registered once,
 * however many nodes a process starts).
 * @throws Error when a hook is left without a subscriber: a change nobody hears would be lost silently.
 */
export function wireHooks(): void {
  // The sweep: changed cases, items and rules make cases due for evaluation.
  subscribeSweepSchedule();
  const unheard = NODE_HOOKS.filter((hook) => hook.subscriberCount === 0).map((hook) => hook.hookName);
  if (unheard.length > 0) throw new Error(`hooks without a subscriber: ${unheard.join(', ')}`);
}
