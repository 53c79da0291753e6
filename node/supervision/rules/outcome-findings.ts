/**
 * The outcome rule: a case that ends without serving the applicant (refused at intake, denied,
 * returned, voided, lapsed for want of supplements) is reviewed by the supervisors.
 */
import type { ConclusionResult } from '../../cases/case-event.ts';
import { RESULT_LABELS } from './rule-catalog.ts';
import { finding, type RuleContext } from './rule-context.ts';
import type { Finding } from './rule-types.ts';

/** Conclusions that are abnormal; approved, withdrawn (by the applicant) and transferred are not. */
const ABNORMAL_RESULTS: ReadonlySet<ConclusionResult> = new Set<ConclusionResult>([
  'denied',
  'returned',
  'voided',
  'supplementTimeout',
]);

/**
 * ABNORMAL_OUTCOME: the case was not accepted (facts.status 'notAccepted'), or concluded with
 * result denied, returned, voided or supplementTimeout. foundAt = the notAccepted or concluded
 * event's occurredAt; details { eventId, result ('notAccepted' for a refusal), reason (the
 * refusal's reason) }.
 */
export function abnormalOutcomeFinding(ctx: RuleContext): Finding | null {
  const { intake, conclusion } = ctx.lifecycle;
  if (ctx.facts.status === 'notAccepted' && intake !== null && intake.event.type === 'notAccepted') {
    const { eventId, occurredAt, reason } = intake.event;
    return finding('ABNORMAL_OUTCOME', occurredAt, `办件 ${ctx.caseNo} 不予受理: ${reason}`, {
      eventId,
      result: 'notAccepted',
      reason,
    });
  }
  if (ctx.facts.status === 'concluded' && conclusion !== null && conclusion.event.type === 'concluded') {
    const { eventId, occurredAt, result } = conclusion.event;
    if (!ABNORMAL_RESULTS.has(result)) return null;
    return finding('ABNORMAL_OUTCOME', occurredAt, `办件 ${ctx.caseNo} 以「${RESULT_LABELS[result]}」办结`, {
      eventId,
      result,
    });
  }
  return null;
}
