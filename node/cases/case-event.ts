/**
 * The TypeScript shape of case events on the wire (办件过程信息): the one source of truth for it.
 * `schemas/case-event.schema.json` validates the same shape; the `as const` arrays below are shared
 * so the schema's enums and the code cannot drift apart.
 */

/** Every event type, in no particular order. */
export const EVENT_TYPES = ['accepted', 'notAccepted', 'stage', 'suspended', 'resumed', 'fee', 'concluded'] as const;
export type CaseEventType = (typeof EVENT_TYPES)[number];

/** 申请方式: 窗口, 网上, 移动端, 自助终端. */
export const CHANNELS = ['hall', 'web', 'app', 'kiosk'] as const;
export type Channel = (typeof CHANNELS)[number];

/** 审批环节: 承办, 审核, 批准 (审批环节代码 1/2/3). */
export const STAGES = ['undertake', 'review', 'approve'] as const;
export type Stage = (typeof STAGES)[number];

/** What the handler did at a stage. */
export const STAGE_ACTIONS = ['pass', 'return', 'other'] as const;
export type StageAction = (typeof STAGE_ACTIONS)[number];

/** Why the clock stops: 特别程序 or 补正. */
export const SUSPENSION_PROCEDURES = ['special', 'supplement'] as const;
export type SuspensionProcedure = (typeof SUSPENSION_PROCEDURES)[number];

/** Unit of a time limit: working days (工作日) or calendar days (自然日). */
export const LIMIT_UNITS = ['workday', 'calendarDay'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

/** 办结结果: 准予/出证, 不予许可, 退回, 作废, 撤回, 转报, 补正超时. */
export const CONCLUSION_RESULTS = [
  'approved',
  'denied',
  'returned',
  'voided',
  'withdrawn',
  'transferred',
  'supplementTimeout',
] as const;
export type ConclusionResult = (typeof CONCLUSION_RESULTS)[number];

/** Fields every event carries. */
export interface CaseEventBase {
  /** Unique at its sender; resending the same id is idempotent. */
  eventId: string;
  /** 办件编号 (GB/T 39046 an..50). */
  caseNo: string;
  type: CaseEventType;
  /** ISO 8601 date-time with an offset; dates are taken in Asia/Shanghai. */
  occurredAt: string;
}

/** 申请人. */
export interface Applicant {
  name: string;
  /** 申请人证件类型 (GB/T 39046 code). */
  idType?: string;
  /** 申请人证件号码. */
  idNo?: string;
}

/** 经办人. */
export interface Handler {
  id: string;
  name: string;
}

/** What an application carries at intake, accepted or not. */
export interface IntakeFields {
  /** 事项编码. */
  itemCode: string;
  /** 实施主体编码. */
  departmentCode: string;
  applicant: Applicant;
  channel?: Channel;
  /** 查询密码; the node stores only a hash. */
  queryPassword?: string;
  /** 承诺办结时限 for this case, overriding the item's. */
  promisedLimitDays?: number;
}

/** 受理: the clock starts the day after. */
export interface AcceptedEvent extends CaseEventBase, IntakeFields {
  type: 'accepted';
}

/** 不予受理: terminal, stands instead of `accepted`. */
export interface NotAcceptedEvent extends CaseEventBase, IntakeFields {
  type: 'notAccepted';
  /** 不予受理原因. */
  reason: string;
}

/** A handling step (审批环节). */
export interface StageEvent extends CaseEventBase {
  type: 'stage';
  stage: Stage;
  action?: StageAction;
  handler?: Handler;
  /** 审批意见. */
  opinion?: string;
}

/** The clock stops (特别程序 / 补正). */
export interface SuspendedEvent extends CaseEventBase {
  type: 'suspended';
  procedure: SuspensionProcedure;
  /** 特别程序种类: expertReview, siteInspection, hearing, testing, appraisal, extension … */
  kind?: string;
  reason?: string;
  /** 特别程序时限. */
  plannedDays?: number;
  plannedUnit?: LimitUnit;
}

/** The clock runs again (恢复计时). */
export interface ResumedEvent extends CaseEventBase {
  type: 'resumed';
}

/** A fee charged (收费). */
export interface FeeEvent extends CaseEventBase {
  type: 'fee';
  /** 收费项目编码. */
  feeCode: string;
  /** Amount in fen (0.01 yuan), an integer. */
  amountFen: number;
}

/** 办结: terminal. */
export interface ConcludedEvent extends CaseEventBase {
  type: 'concluded';
  result: ConclusionResult;
}

/** One case event, discriminated on `type`. */
export type CaseEvent =
  | AcceptedEvent
  | NotAcceptedEvent
  | StageEvent
  | SuspendedEvent
  | ResumedEvent
  | FeeEvent
  | ConcludedEvent;
