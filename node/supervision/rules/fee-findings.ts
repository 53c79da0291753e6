/**
 * The fee rules: what a case is charged must match its item's fee standard (收费标准). They need
 * the item, and read every fee event that occurred by `at`, whatever the state of the case then
 * (a fee charged at collection, after the conclusion, is still a fee).
 */
import type { FeeEvent } from '../../cases/case-event.ts';
import type { ItemFee } from '../../catalog/item.entity.ts';
import { finding, type RuleContext } from './rule-context.ts';
import type { Finding, RuleCode } from './rule-types.ts';

/** The fee events that occurred by `at`, in fold order. */
function feeEvents(ctx: RuleContext): FeeEvent[] {
  const fees: FeeEvent[] = [];
  for (const counted of ctx.events) if (counted.event.type === 'fee') fees.push(counted.event);
  return fees;
}

/** Fen as yuan with two decimals, for messages. */
function yuan(fen: number): string {
  return (fen / 100).toFixed(2);
}

/** The finding for the first offending charge (in fold order), counting all of them. */
function firstOffence(
  rule: RuleCode,
  offending: readonly FeeEvent[],
  message: (fee: FeeEvent) => string,
  extra: (fee: FeeEvent) => Record<string, unknown> = () => ({}),
): Finding | null {
  const fee = offending[0];
  if (fee === undefined) return null;
  return finding(rule, fee.occurredAt, message(fee), {
    eventId: fee.eventId,
    feeCode: fee.feeCode,
    amountFen: fee.amountFen,
    ...extra(fee),
    count: offending.length,
  });
}

function standardOf(fees: readonly ItemFee[], code: string): ItemFee | undefined {
  return fees.find((f) => f.code === code);
}

/**
 * FEE_NOT_IN_STANDARD (item known, item.fees non-empty): a fee event whose feeCode is not one of
 * the item's fees. foundAt = the first such event's occurredAt; details { eventId, feeCode,
 * amountFen, count }.
 */
export function feeNotInStandardFinding(ctx: RuleContext): Finding | null {
  const item = ctx.item;
  if (item === null || item.fees.length === 0) return null;
  const offending = feeEvents(ctx).filter((fee) => standardOf(item.fees, fee.feeCode) === undefined);
  return firstOffence(
    'FEE_NOT_IN_STANDARD',
    offending,
    (fee) => `办件 ${ctx.caseNo} 收取了收费标准以外的费用 ${fee.feeCode} (${yuan(fee.amountFen)} 元)`,
  );
}

/**
 * FEE_AMOUNT_MISMATCH (item known): a fee event whose feeCode is in the item's standard but whose
 * amountFen differs from the standard's. foundAt = the first such event's occurredAt; details
 * { eventId, feeCode, amountFen, standardFen, count }.
 */
export function feeAmountMismatchFinding(ctx: RuleContext): Finding | null {
  const item = ctx.item;
  if (item === null || item.fees.length === 0) return null;
  const offending = feeEvents(ctx).filter((fee) => {
    const standard = standardOf(item.fees, fee.feeCode);
    return standard !== undefined && standard.amountFen !== fee.amountFen;
  });
  const standardFen = (fee: FeeEvent): number => standardOf(item.fees, fee.feeCode)!.amountFen;
  return firstOffence(
    'FEE_AMOUNT_MISMATCH',
    offending,
    (fee) => `办件 ${ctx.caseNo} 收费 ${fee.feeCode} 金额 ${yuan(fee.amountFen)} 元, 与收费标准 ${yuan(standardFen(fee))} 元不符`,
    (fee) => ({ standardFen: standardFen(fee) }),
  );
}

/**
 * FEE_ON_FREE_ITEM (item known, item.fees empty): a fee event with amountFen > 0 (a zero charge is
 * not a charge). foundAt = the first such event's occurredAt; details { eventId, feeCode,
 * amountFen, count }.
 */
export function feeOnFreeItemFinding(ctx: RuleContext): Finding | null {
  const item = ctx.item;
  if (item === null || item.fees.length > 0) return null;
  const offending = feeEvents(ctx).filter((fee) => fee.amountFen > 0);
  return firstOffence(
    'FEE_ON_FREE_ITEM',
    offending,
    (fee) => `不收费事项的办件 ${ctx.caseNo} 收取了费用 ${fee.feeCode} (${yuan(fee.amountFen)} 元)`,
  );
}
