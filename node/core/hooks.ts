/**
 * How one feature tells the others that something happened without importing them: a typed hook
 * the feature calls inside its own transaction, with that transaction, and the subscribers that
 * the node's wiring (node/hook-wiring.ts) registers once at start. A subscriber works in the
 * caller's transaction, so what it writes commits or rolls back with the change that caused it;
 * its error propagates to the caller and undoes the whole transaction.
 *
 * Features may import each other only in the directions test/unit/architecture/feature-imports.test.ts
 * allows; "A happened" travels from a lower feature to a higher one through these hooks.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

/** What a subscriber does when the hook is called: its work inside `tx`. */
export type HookSubscriber<Args extends readonly unknown[]> = (tx: EntityManager, ...args: Args) => Promise<void>;

/** A hook: call it to tell the subscribers; `subscribe` at wiring time. */
export interface Hook<Args extends readonly unknown[]> {
  /** Tells every subscriber, one after another in subscription order, inside `tx`. */
  (tx: EntityManager, ...args: Args): Promise<void>;
  /** The hook's name, for logs and errors. */
  readonly hookName: string;
  /**
   * Adds `subscriber` (a subscriber already there is not added twice, so wiring two nodes in one
   * process is harmless); answers a function that removes it again.
   */
  subscribe(subscriber: HookSubscriber<Args>): () => void;
  /** How many subscribers the hook has (the wiring checks it is complete). */
  readonly subscriberCount: number;
}

/** Declares a hook whose callers pass `Args` after the transaction. */
export function defineHook<Args extends readonly unknown[]>(name: string): Hook<Args> {
  const subscribers = new Set<HookSubscriber<Args>>();
  const hook = async (tx: EntityManager, ...args: Args): Promise<void> => {
    for (const subscriber of [...subscribers]) await subscriber(tx, ...args);
  };
  return Object.defineProperties(hook, {
    hookName: { value: name },
    subscriberCount: { get: () => subscribers.size },
    subscribe: {
      value: (subscriber: HookSubscriber<Args>) => {
        subscribers.add(subscriber);
        return () => void subscribers.delete(subscriber);
      },
    },
  }) as Hook<Args>;
}

/**
 * Why cases may be judged differently now: their events, the calendar, the policy, their item, or
 * a time rule a release changed (restDayDeadline: a calendar-day deadline on a rest day moves to
 * the next working day, 民法典第二百零三条).
 */
export type CaseChangeReason = 'events' | 'calendar' | 'policy' | 'catalog' | 'restDayDeadline';

/**
 * These cases changed (new events, or their timeline dates moved under new rules). The sweep
 * subscribes: it evaluates them again.
 */
export const casesChanged = defineHook<[caseNos: readonly string[], reason: CaseChangeReason]>('casesChanged');

/** The rules of one item (its fees or stages) changed, so every case of it may be judged differently. */
export const itemRulesChanged = defineHook<[itemCode: string]>('itemRulesChanged');

/**
 * A rule that reads every case changed (the reporting deadlines of the policy): every case that
 * has an intake may be judged differently.
 */
export const allCasesChanged = defineHook<[reason: CaseChangeReason]>('allCasesChanged');

/** Every hook the node declares, for the wiring's completeness check. */
export const NODE_HOOKS: readonly Pick<Hook<[]>, 'hookName' | 'subscriberCount'>[] = [casesChanged, itemRulesChanged, allCasesChanged];
