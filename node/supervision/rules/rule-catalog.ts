/**
 * The catalog of supervision rules: for each rule code its current version, a Chinese title and a
 * one-line Chinese description, as alerts and the API show them. A rule's version goes up whenever
 * its definition changes, so a stored finding says which definition found it.
 */
import type { ConclusionResult, LimitUnit, Stage, SuspensionProcedure } from '../../cases/case-event.ts';
import { RULE_CODES, type RuleCode } from './rule-types.ts';

/** What the catalog says of one rule. */
export interface RuleInfo {
  code: RuleCode;
  /** The current version of the rule's definition (1 for every rule so far). */
  version: number;
  /** Short Chinese title, e.g. '红牌'. */
  title: string;
  /** One line in Chinese saying when the rule finds something. */
  description: string;
}

// A Record keyed by RuleCode so that a new code without an entry does not type-check.
const CATALOG: Readonly<Record<RuleCode, Omit<RuleInfo, 'code'>>> = {
  TIME_YELLOW_LIGHT: {
    version: 1,
    title: '黄灯预警',
    description: '办件在办理中进入办结期限的最后阶段(剩余工作日不多于预警天数)',
  },
  TIME_RED_LIGHT: {
    version: 1,
    title: '红灯超期',
    description: '办件在办理中超过承诺办结期限',
  },
  YELLOW_CARD: {
    version: 1,
    title: '黄牌',
    description: '办件超期工作日数达到黄牌标准',
  },
  RED_CARD: {
    version: 1,
    title: '红牌',
    description: '办件超期工作日数达到红牌标准',
  },
  PROCESS_ORDER: {
    version: 1,
    title: '环节顺序违规',
    description: '审批环节未按承办、审核、批准的顺序进行,或未经批准环节即作出决定',
  },
  PROCESS_MISSING_STAGE: {
    version: 1,
    title: '环节缺失',
    description: '办件作出准予或不予许可决定时缺少事项规定的审批环节',
  },
  SUSPENSION_OVERRUN: {
    version: 1,
    title: '暂停计时超期',
    description: '特别程序或补正暂停计时的时长超过其计划时限',
  },
  SUPPLEMENT_REPEATED: {
    version: 1,
    title: '多次补正',
    description: '同一办件要求申请人补正材料超过一次',
  },
  FEE_NOT_IN_STANDARD: {
    version: 1,
    title: '超标准收费',
    description: '收取的费用项目不在事项的收费标准之内',
  },
  FEE_AMOUNT_MISMATCH: {
    version: 1,
    title: '收费金额不符',
    description: '收费金额与事项收费标准规定的金额不一致',
  },
  FEE_ON_FREE_ITEM: {
    version: 1,
    title: '免费事项收费',
    description: '不收费事项的办件收取了费用',
  },
  ABNORMAL_OUTCOME: {
    version: 1,
    title: '办结结果异常',
    description: '办件不予受理,或以不予许可、退回、作废、补正超时办结',
  },
  LATE_REPORT: {
    version: 1,
    title: '数据上报不及时',
    description: '办件过程信息未在规定时间前上报(工作日当天,或非工作日后的第一个工作日)',
  },
};

/** Every rule, in the order of RULE_CODES. */
export const RULES: readonly Readonly<RuleInfo>[] = Object.freeze(
  RULE_CODES.map((code) => Object.freeze({ code, ...CATALOG[code] })),
);

const BY_CODE: ReadonlyMap<string, Readonly<RuleInfo>> = new Map(RULES.map((rule) => [rule.code, rule]));

/** Whether a string (e.g. an API parameter) is a rule code. */
export function isRuleCode(value: string): value is RuleCode {
  return BY_CODE.has(value);
}

/** The catalog entry of a rule. */
export function ruleInfo(code: RuleCode): Readonly<RuleInfo> {
  const info = BY_CODE.get(code);
  if (info === undefined) throw new RangeError(`unknown rule code ${JSON.stringify(code)}`);
  return info;
}

/** Chinese names of the stages (审批环节), for messages. */
export const STAGE_LABELS: Readonly<Record<Stage, string>> = {
  undertake: '承办',
  review: '审核',
  approve: '批准',
};

/** Chinese names of the conclusion results (办结结果), for messages. */
export const RESULT_LABELS: Readonly<Record<ConclusionResult, string>> = {
  approved: '准予许可',
  denied: '不予许可',
  returned: '退回',
  voided: '作废',
  withdrawn: '撤回',
  transferred: '转报',
  supplementTimeout: '补正超时',
};

/** Chinese names of the suspension procedures, for messages. */
export const PROCEDURE_LABELS: Readonly<Record<SuspensionProcedure, string>> = {
  special: '特别程序',
  supplement: '补正',
};

/** Chinese names of the limit units, for messages. */
export const UNIT_LABELS: Readonly<Record<LimitUnit, string>> = {
  workday: '工作日',
  calendarDay: '自然日',
};
