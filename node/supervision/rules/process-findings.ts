/**
 * The process rules: a case passes its item's stages (承办 → 审核 → 批准) in order, and a decision
 * (准予 / 不予许可) is made only after them. They read the stage events of the running case.
 */
import type { ConclusionResult, Stage } from '../../cases/case-event.ts';
import { RESULT_LABELS, STAGE_LABELS } from './rule-catalog.ts';
import { finding, type RuleContext } from './rule-context.ts';
import type { Finding } from './rule-types.ts';

/** Results that are a decision on the application, and so need the approval stage before them. */
const DECISIONS: ReadonlySet<ConclusionResult> = new Set<ConclusionResult>(['approved', 'denied']);

/**
 * PROCESS_ORDER (only when item.stages is non-empty): walking the stage events of the running case
 * (after intake, before the conclusion) in fold order, a stage event for item.stages[i] (i > 0)
 * before any stage event for item.stages[i - 1] is a violation; so is a conclusion with a decision
 * ('approved' or 'denied') before any stage event for the item's last stage (the approval). Stage
 * events for stages the item does not have are ignored. foundAt = occurredAt of the first offending
 * event; details { eventId, stage or result, missingBefore }.
 */
export function processOrderFinding(ctx: RuleContext): Finding | null {
  const stages = ctx.item?.stages ?? [];
  if (stages.length === 0) return null;
  const seen = new Set<Stage>();
  for (const counted of ctx.lifecycle.stages) {
    if (counted.event.type !== 'stage') continue;
    const stage = counted.event.stage;
    const i = stages.indexOf(stage);
    if (i < 0) continue;
    const before = i > 0 ? stages[i - 1]! : null;
    if (before !== null && !seen.has(before)) {
      return finding(
        'PROCESS_ORDER',
        counted.event.occurredAt,
        `办件 ${ctx.caseNo} 未经「${STAGE_LABELS[before]}」环节即进入「${STAGE_LABELS[stage]}」环节`,
        { eventId: counted.event.eventId, stage, missingBefore: before },
      );
    }
    seen.add(stage);
  }
  const conclusion = ctx.lifecycle.conclusion;
  const approval = stages[stages.length - 1]!;
  if (conclusion !== null && conclusion.event.type === 'concluded') {
    const result = conclusion.event.result;
    if (DECISIONS.has(result) && !seen.has(approval)) {
      return finding(
        'PROCESS_ORDER',
        conclusion.event.occurredAt,
        `办件 ${ctx.caseNo} 未经「${STAGE_LABELS[approval]}」环节即作出${RESULT_LABELS[result]}决定`,
        { eventId: conclusion.event.eventId, result, missingBefore: approval },
      );
    }
  }
  return null;
}

/**
 * PROCESS_MISSING_STAGE (only when item.stages is non-empty): the case concluded with a decision
 * ('approved' or 'denied') and one or more of item.stages never had a stage event while the case
 * ran. foundAt = the conclusion's occurredAt; details { eventId, result, missing: Stage[] } in the
 * item's order. (When only the approval is missing PROCESS_ORDER fires too, as the issue defines.)
 */
export function missingStageFinding(ctx: RuleContext): Finding | null {
  const stages = ctx.item?.stages ?? [];
  const conclusion = ctx.lifecycle.conclusion;
  if (stages.length === 0 || conclusion === null || conclusion.event.type !== 'concluded') return null;
  const result = conclusion.event.result;
  if (!DECISIONS.has(result)) return null;
  const seen = new Set<Stage>();
  for (const counted of ctx.lifecycle.stages) if (counted.event.type === 'stage') seen.add(counted.event.stage);
  const missing = stages.filter((stage) => !seen.has(stage));
  if (missing.length === 0) return null;
  return finding(
    'PROCESS_MISSING_STAGE',
    conclusion.event.occurredAt,
    `办件 ${ctx.caseNo} 缺少「${missing.map((s) => STAGE_LABELS[s]).join('、')}」环节即作出${RESULT_LABELS[result]}决定`,
    { eventId: conclusion.event.eventId, result, missing },
  );
}
