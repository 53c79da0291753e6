/**
 * Runs every supervision rule on one case (issue 4). Pure: the same input gives the same outcome
 * on any node, which is what lets a parent re-supervise a child by recomputing.
 */
import { startOfLocalDayIso, type DayNumber } from '../../calendar/local-date.ts';
import { feeAmountMismatchFinding, feeNotInStandardFinding, feeOnFreeItemFinding } from './fee-findings.ts';
import { lateReportFinding } from './late-report-finding.ts';
import { abnormalOutcomeFinding } from './outcome-findings.ts';
import { missingStageFinding, processOrderFinding } from './process-findings.ts';
import { buildRuleContext, isRunning, type RuleContext } from './rule-context.ts';
import { RULE_CODES, type Finding, type RuleCode, type RuleInput, type RuleOutcome } from './rule-types.ts';
import { overrunDueDay, supplementRepeatedFinding, suspensionOverrunFinding } from './suspension-findings.ts';
import {
  redCardFinding,
  redLightFinding,
  timeDueDays,
  yellowCardFinding,
  yellowLightFinding,
} from './time-findings.ts';

/** One function per rule code; a Record, so a new code without a rule does not type-check. */
const RULE_FUNCTIONS: Readonly<Record<RuleCode, (ctx: RuleContext) => Finding | null>> = {
  TIME_YELLOW_LIGHT: yellowLightFinding,
  TIME_RED_LIGHT: redLightFinding,
  YELLOW_CARD: yellowCardFinding,
  RED_CARD: redCardFinding,
  PROCESS_ORDER: processOrderFinding,
  PROCESS_MISSING_STAGE: missingStageFinding,
  SUSPENSION_OVERRUN: suspensionOverrunFinding,
  SUPPLEMENT_REPEATED: supplementRepeatedFinding,
  FEE_NOT_IN_STANDARD: feeNotInStandardFinding,
  FEE_AMOUNT_MISMATCH: feeAmountMismatchFinding,
  FEE_ON_FREE_ITEM: feeOnFreeItemFinding,
  ABNORMAL_OUTCOME: abnormalOutcomeFinding,
  LATE_REPORT: lateReportFinding,
};

/**
 * What the supervision rules find on a case at `input.at`. Never reads the clock.
 *
 * The events are sorted and filtered to occurredAt <= at, folded (foldCaseEvents) and the
 * timeline computed (when `input.limit` is known) once; each rule then reads that context. At
 * most one finding per rule, in the order of RULE_CODES.
 *
 * `nextDueAt` is the earliest instant strictly after `at` at which a time-based finding could newly
 * appear with no new event: 00:00 local of the yellowFrom day (when it can raise a yellow light),
 * of deadline + 1, of the yellow and red card days, and of the day the open suspension runs over
 * its planned days (unless SUSPENSION_OVERRUN is already found); only thresholds not yet reached
 * count, and only while the case is open or paused. Null otherwise (e.g. concluded, not accepted,
 * or a pending deadline with no planned suspension days).
 *
 * @throws RangeError for a malformed occurredAt or receivedAt, an invalid `at`, events of another
 *   case, or a bad limit.
 */
export function evaluateRules(input: RuleInput): RuleOutcome {
  const ctx = buildRuleContext(input);
  const findings: Finding[] = [];
  for (const code of RULE_CODES) {
    const found = RULE_FUNCTIONS[code](ctx);
    if (found !== null) findings.push(found);
  }
  return { findings, nextDueAt: nextDueAt(ctx, findings) };
}

function nextDueAt(ctx: RuleContext, findings: readonly Finding[]): string | null {
  if (!isRunning(ctx)) return null;
  const days: DayNumber[] = timeDueDays(ctx);
  // A later overrun would not change a finding the first overrunning suspension already made.
  if (!findings.some((f) => f.rule === 'SUSPENSION_OVERRUN')) {
    const overrun = overrunDueDay(ctx);
    if (overrun !== null) days.push(overrun);
  }
  if (days.length === 0) return null;
  // Every day here is after atDay, so its 00:00 is strictly after `at`.
  return startOfLocalDayIso(Math.min(...days));
}
