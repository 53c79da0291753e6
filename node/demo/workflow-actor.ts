/**
 * Plays the people of a county's warning-and-correction workflow (预警纠错) against a running node,
 * through its public HTTP API, so that the demo's alerts do not just pile up but are worked through.
 * Each signs in as themselves (demo-sessions.ts): the supervisor reads the lists and decides, a
 * department's officer (经办人) explains its notices and its leader (负责人) signs its appeals, so
 * the alert history and the audit trail name the people (`user:<login>`).
 *
 * Every tick (default 10 s) it reads the alert lists page by page (newest first) and takes at most
 * `maxActionsPerTick` actions (default 50): four fifths for the workflow (each list an equal share,
 * then what the quiet lists leave to the busy ones), the rest, plus what the workflow did not use,
 * for the review of the imported history:
 *
 * | alerts                         | who        | what                                                                 |
 * |--------------------------------|------------|----------------------------------------------------------------------|
 * | appealed                       | supervisor | upholds (60%) or revokes (40%) the appeal                            |
 * | explained                      | supervisor | accepts (75%) or rejects (25%, with a reason) the explanation        |
 * | rejected                       | supervisor | records accountability (50%, once); the department appeals (10%)     |
 * | escalated                      | department | explains (60%); else the supervisor rejects it as unanswered         |
 * | notified (督办单)              | department | explains (60%) or appeals (5%); the rest wait for the sweep to escalate them when due |
 * | open ABNORMAL_OUTCOME          | supervisor | reviews: accepts '已复核' (80%) or issues a notice (12%); the department appeals (8%) |
 * | open TIME_RED_LIGHT            | supervisor | issues a notice (35%)                                                |
 * | open process, fee, suspension  | supervisor | issues a notice (50%) or accepts after review (30%)                  |
 * | open LATE_REPORT of history    | supervisor | accepts '历史数据补录, 已复核' (the backfill is reported late by nature) |
 * | open TIME_YELLOW_LIGHT         | —          | left alone: a warning to the department                              |
 *
 * "The department" explains as its officer and appeals as its leader; a department without staff
 * in `departmentStaff` leaves its notices unanswered.
 *
 * Who does what, which text and how many ticks an alert waits in a state before the next step
 * (1-3, so every state can be seen) are drawn from a PRNG seeded by (seed, alert id, step), so the
 * same seed plays the same way. A 409 (someone else moved the alert first, already appealed, appeal
 * period over) is normal and skipped; network errors, 5xx and 429 are retried with backoff.
 */
import { ALERT_STATUSES, ALERT_STATUS_LABELS, type AlertStatus } from '../supervision/alert-workflow.ts';
import { formatShanghai, mulberry32 } from './case-scenarios.ts';
import { DemoClient, Stopped, describeError, excerpt, type DemoClientOptions, type HttpAnswer } from './demo-client.ts';
import type { Credentials } from './demo-sessions.ts';

/** The people of one department: its officer explains, its leader appeals. */
export interface DepartmentStaff {
  officer: Credentials;
  leader: Credentials;
}

/** Settings of a {@link WorkflowActor}. */
export interface WorkflowActorOptions extends DemoClientOptions {
  /** The node's origin, e.g. 'http://127.0.0.1:8082'. */
  baseUrl: string;
  /** The county's supervisor (监察员): reads every list, issues notices and decides. */
  supervisor: Credentials;
  /** Each department's staff, by department code; alerts of a department not here get no answer. */
  departmentStaff: ReadonlyMap<string, DepartmentStaff>;
  /** Seed of the people's choices. */
  seed: number;
  /** Current time; defaults to the system clock. */
  clock?: () => Date;
  /** One-line progress messages; defaults to console.log. */
  log?: (message: string) => void;
  /** Pause between two ticks, in ms (default 10,000). */
  intervalMs?: number;
  /** Most actions (POSTs, and the reads before an accountability record) per tick (default 50). */
  maxActionsPerTick?: number;
  /** A summary of the alerts by status every this many ticks (default 6), and at the first tick. */
  summaryEveryTicks?: number;
  /**
   * A LATE_REPORT alert whose late event occurred before this instant was reported late because the
   * demo imported history (the simulator's backfill, or the catch-up after a restart); defaults to
   * the time the actor is created, which main.ts does once the backfill is posted.
   */
  historyBefore?: Date;
}

/** What the people did (per tick and in total). */
export interface WorkflowCounts {
  /** Alerts raised since the previous tick, and how many of them came with a notice (cards). */
  raised: number;
  raisedWithNotice: number;
  /** 说明: the department answered a notice. */
  explained: number;
  /** 采纳 / 未采纳: the supervisor's decision on an explanation (or on an unanswered escalation). */
  accepted: number;
  rejected: number;
  /** Notices seen to have escalated (the sweep does this when a notice is unanswered when due). */
  escalated: number;
  appealed: number;
  upheld: number;
  revoked: number;
  accountability: number;
  /** Notices the supervisor issued on open alerts. */
  notified: number;
  /** Open alerts the supervisor reviewed and closed (accept, nothing to correct). */
  reviewed: number;
  /** LATE_REPORT alerts of the imported history accepted. */
  historyReviewed: number;
  /** Actions refused with 409 because the alert had moved on (normal with several actors). */
  conflicts: number;
}

interface AlertView {
  id: number;
  rule: string;
  departmentCode: string | null;
  status: AlertStatus;
  appealDueOn: string | null;
  hasNotice: boolean;
  /** details.occurredAt of a LATE_REPORT alert. */
  occurredAt: string | null;
}

type Counter = Exclude<keyof WorkflowCounts, 'raised' | 'raisedWithNotice' | 'escalated' | 'conflicts'>;

const PAGE = 200;
/** Pages of one list read per tick: a long list is worked from its newest end. */
const MAX_PAGES = 10;
/** Pages of the full read behind a summary (500 alerts each). */
const MAX_SUMMARY_PAGES = 400;
/** Of the per-tick actions, the share the workflow may take before the history review gets the rest. */
const WORKFLOW_SHARE = 0.8;

const OVERDUE_RULES = new Set(['TIME_YELLOW_LIGHT', 'TIME_RED_LIGHT', 'YELLOW_CARD', 'RED_CARD']);
/** Open alerts of these rules: the supervisor issues a notice on some and closes others on review. */
const OTHER_OPEN_RULES = [
  'PROCESS_ORDER', 'PROCESS_MISSING_STAGE', 'SUSPENSION_OVERRUN', 'SUPPLEMENT_REPEATED',
  'FEE_NOT_IN_STANDARD', 'FEE_AMOUNT_MISMATCH', 'FEE_ON_FREE_ITEM',
] as const;

/** Steps of an alert's life that a choice is drawn for (the salt of the PRNG). */
const STEP = { notified: 1, explained: 2, escalated: 3, appealed: 4, rejected: 5, abnormal: 6, redLight: 7, otherOpen: 8, history: 9 } as const;

/** 说明理由 and 整改情况, by kind of rule. */
const EXPLANATIONS: Readonly<Record<'overdue' | 'abnormal' | 'suspension' | 'fee' | 'process' | 'other', readonly (readonly [string, string])[]>> = {
  overdue: [
    ['申请人补充材料耗时较长, 承办人员同期参加集中培训, 未及时跟进, 导致办件超期。', '该件已办结并向申请人致歉; 科室建立到期前三个工作日提醒台账, 专人跟踪在办件。'],
    ['现场勘验需协调住建、消防等多个部门, 勘验时间推迟, 且未依法办理延期手续。', '勘验已完成, 办件已办结; 今后确需延期的依法报批并书面告知申请人。'],
    ['窗口人员岗位调整, 工作交接不到位, 办件在系统中积压未办。', '积压办件已全部清理办结; 修订岗位交接制度, 每日下班前清理在办件。'],
    ['专家评审会延期召开, 审核环节等待评审意见, 未按特别程序暂停计时。', '评审意见已出具, 办件已办结; 今后专家评审依法按特别程序暂停计时并告知申请人。'],
    ['业务系统升级期间无法打印证照, 导致办结延误。', '系统已恢复, 办件已办结; 已与信息中心约定系统升级避开办理高峰并提前公告。'],
  ],
  abnormal: [
    ['申请事项不属于本机关职权范围, 已当场书面告知申请人向有权机关申请。', '不予受理决定书及告知记录已上传系统备查, 并在窗口公示事项受理范围。'],
    ['申请人提交的材料经核查与实际情况不符, 依法作出不予许可决定。', '已书面说明理由并告知申请人申请复议或提起诉讼的权利, 相关材料已归档。'],
    ['补正期限届满申请人仍未补正, 依法以补正超时办结。', '已电话回访申请人并告知重新申请的途径; 今后补正期间每五个工作日提醒一次。'],
  ],
  suspension: [
    ['补正材料需申请人从外地调取, 补正时间超过了计划时限。', '已督促申请人补齐材料并恢复计时, 今后逾期未补正的依法终止办理并告知。'],
    ['一次性告知不到位, 前后两次要求申请人补正材料。', '已向申请人致歉; 修订一次性告知清单, 科室负责人审核后再发补正通知。'],
  ],
  fee: [
    ['收费系统中的收费标准未及时按新文件更新, 导致收费与标准不符。', '已按现行标准更新收费系统, 多收费用已全额退还申请人。'],
    ['窗口人员误选收费项目。', '已更正收费并退还差额; 收费项目改为由系统按事项自动带出。'],
  ],
  process: [
    ['审批环节在系统中补录不及时, 造成环节顺序与实际办理不一致。', '已补正系统记录; 要求各环节办理当日在系统中完成流转。'],
    ['承办人员对办理规程理解不到位, 漏走审核环节。', '该件已补办审核手续; 组织科室学习办事指南, 严格按承办、审核、批准流转。'],
  ],
  other: [
    ['经核查, 系承办人员对办理规范理解不到位所致。', '已组织科室学习办事指南, 对该办件逐项整改并报送整改情况。'],
  ],
};

const REJECT_REASONS = [
  '说明理由不充分, 未提供佐证材料, 不予采纳。',
  '整改措施不具体, 未明确责任人和完成时限, 不予采纳。',
  '超期原因属内部管理问题, 理由不成立, 不予采纳。',
] as const;
const ACCEPT_REASONS = ['说明属实, 整改到位, 予以采纳。', '说明理由成立, 整改措施可行, 予以采纳。'] as const;
const APPEAL_REASONS: Readonly<Record<'overdue' | 'abnormal' | 'other', readonly string[]>> = {
  overdue: [
    '该办件已依法启动特别程序, 暂停计时期间不应计入办理时限, 附特别程序审批表。',
    '申请人书面申请延期办理, 有延期申请书为证, 不属于超期。',
  ],
  abnormal: ['不予受理系依法作出, 已书面告知申请人, 不属于异常办结。'],
  other: ['系统上报数据有误, 实际已按规定办理, 附办理材料。'],
};
const PEOPLE = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄涛', '周婷', '吴强', '徐丽', '孙浩'] as const;
const DECISIONS = ['诫勉谈话', '通报批评', '责令作出书面检查', '批评教育', '扣减年度绩效考核分'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStatus(value: unknown): value is AlertStatus {
  return typeof value === 'string' && (ALERT_STATUSES as readonly string[]).includes(value);
}

/** An alert of the API, or null for anything else. */
function toAlert(value: unknown): AlertView | null {
  if (!isRecord(value) || typeof value.id !== 'number' || typeof value.rule !== 'string' || !isStatus(value.status)) return null;
  const occurredAt = isRecord(value.details) && typeof value.details.occurredAt === 'string' ? value.details.occurredAt : null;
  return {
    id: value.id, rule: value.rule, departmentCode: typeof value.departmentCode === 'string' ? value.departmentCode : null, status: value.status,
    appealDueOn: typeof value.appealDueOn === 'string' ? value.appealDueOn : null,
    hasNotice: isRecord(value.notice), occurredAt,
  };
}

/** A page of `GET /api/v1/alerts`. */
function toPage(body: unknown): { items: AlertView[]; nextCursor: string | null } | null {
  if (!isRecord(body) || !Array.isArray(body.items)) return null;
  const items = body.items.map(toAlert).filter((alert): alert is AlertView => alert !== null);
  return { items, nextCursor: typeof body.nextCursor === 'string' ? body.nextCursor : null };
}

function errorCode(body: unknown): string | null {
  return isRecord(body) && isRecord(body.error) && typeof body.error.code === 'string' ? body.error.code : null;
}

/** Seed of the choices of one alert at one step: a cheap integer hash of (seed, id, step). */
function choiceSeed(seed: number, id: number, step: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(id, 0xc2b2ae35) ^ Math.imul(step + 1, 0x27d4eb2d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

function pick<T>(rng: () => number, values: readonly T[]): T {
  const value = values[Math.floor(rng() * values.length)];
  if (value === undefined) throw new RangeError('pick: no values');
  return value;
}

function ruleKind(rule: string): keyof typeof EXPLANATIONS {
  if (OVERDUE_RULES.has(rule)) return 'overdue';
  if (rule === 'ABNORMAL_OUTCOME') return 'abnormal';
  if (rule === 'SUSPENSION_OVERRUN' || rule === 'SUPPLEMENT_REPEATED') return 'suspension';
  if (rule.startsWith('FEE_')) return 'fee';
  if (rule.startsWith('PROCESS_')) return 'process';
  return 'other';
}

function appealKind(rule: string): keyof typeof APPEAL_REASONS {
  const kind = ruleKind(rule);
  return kind === 'overdue' || kind === 'abnormal' ? kind : 'other';
}

const zeroCounts = (): WorkflowCounts => ({
  raised: 0, raisedWithNotice: 0, explained: 0, accepted: 0, rejected: 0, escalated: 0, appealed: 0, upheld: 0,
  revoked: 0, accountability: 0, notified: 0, reviewed: 0, historyReviewed: 0, conflicts: 0,
});

/**
 * The people of one county's workflow, one tick every `intervalMs` until stopped.
 *
 * @example
 * const actor = new WorkflowActor({ baseUrl: 'http://127.0.0.1:8082', supervisor, departmentStaff, seed: 20261125 });
 * actor.start();
 * // ...
 * await actor.stop();
 */
export class WorkflowActor {
  readonly #seed: number;
  readonly #clock: () => Date;
  readonly #log: (message: string) => void;
  readonly #client: DemoClient;
  readonly #intervalMs: number;
  readonly #maxActions: number;
  readonly #summaryEvery: number;
  readonly #historyBeforeMs: number;
  readonly #supervisor: Credentials;
  readonly #departmentStaff: ReadonlyMap<string, DepartmentStaff>;

  /** Each alert's status when last seen, and the tick it was first seen in that status. */
  readonly #seen = new Map<number, { status: AlertStatus; tick: number }>();
  /** Alerts appealed once (a second appeal is refused), or whose appeal period is over. */
  readonly #noAppeal = new Set<number>();
  /** Rejected alerts already checked for accountability (recorded, or chosen not to be). */
  readonly #accountabilityDone = new Set<number>();
  #tick = 0;
  #budget = 0;
  #lastSeenId: number | null = null;
  #counts = zeroCounts();
  readonly #total = zeroCounts();
  #loop: Promise<void> | undefined;

  constructor(options: WorkflowActorOptions) {
    this.#seed = options.seed >>> 0;
    this.#clock = options.clock ?? (() => new Date());
    this.#log = options.log ?? ((message) => console.log(message));
    this.#supervisor = options.supervisor;
    this.#departmentStaff = options.departmentStaff;
    this.#client = new DemoClient(options.baseUrl, options.supervisor, '工作流', this.#log, options);
    this.#intervalMs = options.intervalMs ?? 10_000;
    this.#maxActions = Math.max(1, Math.floor(options.maxActionsPerTick ?? 50));
    this.#summaryEvery = Math.max(1, Math.floor(options.summaryEveryTicks ?? 6));
    this.#historyBeforeMs = (options.historyBefore ?? this.#clock()).getTime();
  }

  /** Totals so far. */
  get totals(): Readonly<WorkflowCounts> {
    return { ...this.#total };
  }

  /** Starts the ticks in the background (the first one at once). */
  start(): void {
    if (this.#loop !== undefined) throw new Error('WorkflowActor: already started');
    this.#loop = this.#run();
  }

  /** Ends the ticks: waits for the request in flight, then returns. Safe to call twice. */
  async stop(): Promise<void> {
    this.#client.stop();
    await this.#loop;
  }

  /** One tick now, outside the loop (for tests). */
  async tickOnce(): Promise<WorkflowCounts> {
    await this.#runTick();
    return { ...this.#counts };
  }

  async #run(): Promise<void> {
    while (!this.#client.stopping) {
      try {
        await this.#runTick();
      } catch (error) {
        if (error instanceof Stopped) break;
        // A bug in one tick should not end the demo; the next tick tries again.
        this.#log(`工作流: 本轮出错 tick failed: ${describeError(error)}`);
      }
      await this.#client.sleep(this.#intervalMs);
    }
    const t = this.#total;
    this.#log(
      `工作流: 已停止 stopped (说明 ${t.explained}, 采纳 ${t.accepted}, 未采纳 ${t.rejected}, 申诉 ${t.appealed}, ` +
        `下发督办 ${t.notified}, 复核 ${t.reviewed}, 补录复核 ${t.historyReviewed}, 问责 ${t.accountability}, ` +
        `${t.conflicts} skipped on 409)`,
    );
  }

  async #runTick(): Promise<void> {
    this.#tick += 1;
    this.#counts = zeroCounts();
    const summaryTick = this.#lastSeenId === null || this.#tick % this.#summaryEvery === 0;
    if (this.#lastSeenId !== null) await this.#countNew();

    // The workflow first: each list an equal share, then what the quiet ones left to the busy ones
    // in this order (decisions on answers before new answers, so the pipeline drains); then the
    // review of the imported history with the rest.
    const lists: (() => Promise<void>)[] = [
      () => this.#scanPages('status=appealed', (alert) => this.#onAppealed(alert)),
      () => this.#scanPages('status=explained', (alert) => this.#onExplained(alert)),
      () => this.#scanPages('status=rejected', (alert) => this.#onRejected(alert)),
      () => this.#scanPages('status=escalated', (alert) => this.#onEscalated(alert)),
      () => this.#scanPages('status=open&rule=ABNORMAL_OUTCOME', (alert) => this.#onAbnormal(alert)),
      () => this.#scanPages('status=open&rule=TIME_RED_LIGHT', (alert) => this.#onRedLight(alert)),
      () => this.#scanPages('status=notified', (alert) => this.#onNotified(alert)),
      async () => {
        for (const rule of OTHER_OPEN_RULES) await this.#scanPages(`status=open&rule=${rule}`, (alert) => this.#onOtherOpen(alert));
      },
    ];
    const workflow = Math.ceil(this.#maxActions * WORKFLOW_SHARE);
    this.#budget = workflow;
    const cutShort: (() => Promise<void>)[] = [];
    for (const scan of lists) if (await this.#withCap(Math.ceil(workflow / lists.length), scan)) cutShort.push(scan);
    for (const scan of cutShort) await this.#withCap(this.#budget, scan);
    this.#budget += this.#maxActions - workflow;
    await this.#withCap(this.#budget, () => this.#scanPages('status=open&rule=LATE_REPORT', (alert) => this.#onLateReport(alert)));

    for (const key of Object.keys(this.#counts) as (keyof WorkflowCounts)[]) this.#total[key] += this.#counts[key];
    if (this.#lastSeenId !== null) this.#logTick();
    if (summaryTick) await this.#summarize();
  }

  // ---- what the people do --------------------------------------------------------------------

  async #onAppealed(alert: AlertView): Promise<void> {
    const rng = this.#ready(alert, STEP.appealed);
    if (!rng) return;
    if (rng() < 0.4) await this.#act(alert, 'revoke', { reason: '经复核, 申诉理由成立, 撤销该预警。' }, 'revoked');
    else await this.#act(alert, 'uphold', { reason: '经复核, 申诉理由不成立, 维持原预警。' }, 'upheld');
  }

  async #onExplained(alert: AlertView): Promise<void> {
    const rng = this.#ready(alert, STEP.explained);
    if (!rng) return;
    if (rng() < 0.75) await this.#act(alert, 'accept', { reason: pick(rng, ACCEPT_REASONS) }, 'accepted');
    else await this.#act(alert, 'reject', { reason: pick(rng, REJECT_REASONS) }, 'rejected');
  }

  async #onRejected(alert: AlertView): Promise<void> {
    const rng = this.#ready(alert, STEP.rejected);
    if (!rng) return;
    const roll = rng();
    if (roll < 0.1 && this.#mayAppeal(alert)) {
      await this.#act(alert, 'appeal', { reason: pick(rng, APPEAL_REASONS[appealKind(alert.rule)]) }, 'appealed');
    } else if (roll < 0.6 && !this.#accountabilityDone.has(alert.id)) {
      await this.#recordAccountability(alert, rng);
    }
  }

  async #onEscalated(alert: AlertView): Promise<void> {
    const prior = this.#seen.get(alert.id);
    if (prior?.status === 'notified') this.#counts.escalated += 1;
    const rng = this.#ready(alert, STEP.escalated);
    if (!rng) return;
    if (rng() < 0.6) {
      const [explanation, correction] = pick(rng, EXPLANATIONS[ruleKind(alert.rule)]);
      await this.#act(alert, 'explain', { explanation: `(升级督办后补充说明) ${explanation}`, correction }, 'explained');
    } else if (this.#age(alert) >= 3) {
      await this.#act(alert, 'reject', { reason: '督办单逾期未答复, 升级督办后仍未说明, 不予采纳。' }, 'rejected');
    }
  }

  async #onNotified(alert: AlertView): Promise<void> {
    const rng = this.#ready(alert, STEP.notified);
    if (!rng) return;
    const roll = rng();
    if (roll < 0.05 && this.#mayAppeal(alert)) {
      await this.#act(alert, 'appeal', { reason: pick(rng, APPEAL_REASONS[appealKind(alert.rule)]) }, 'appealed');
    } else if (roll < 0.65) {
      const [explanation, correction] = pick(rng, EXPLANATIONS[ruleKind(alert.rule)]);
      await this.#act(alert, 'explain', { explanation, correction }, 'explained');
    }
    // Otherwise the department lets the notice lie; the sweep escalates it once it is due.
  }

  async #onAbnormal(alert: AlertView): Promise<void> {
    const rng = this.#ready(alert, STEP.abnormal);
    if (!rng) return;
    const roll = rng();
    if (roll < 0.08 && this.#mayAppeal(alert)) {
      await this.#act(alert, 'appeal', { reason: pick(rng, APPEAL_REASONS.abnormal) }, 'appealed');
    } else if (roll < 0.2) {
      await this.#act(alert, 'notify', { demand: '请说明作出该办结结果的依据, 并报送告知申请人的情况。' }, 'notified');
    } else {
      await this.#act(alert, 'accept', { reason: '已复核' }, 'reviewed');
    }
  }

  async #onRedLight(alert: AlertView): Promise<void> {
    const rng = this.#ready(alert, STEP.redLight);
    if (rng && rng() < 0.35) await this.#act(alert, 'notify', {}, 'notified');
  }

  async #onOtherOpen(alert: AlertView): Promise<void> {
    const rng = this.#ready(alert, STEP.otherOpen);
    if (!rng) return;
    const roll = rng();
    if (roll < 0.5) await this.#act(alert, 'notify', {}, 'notified');
    else if (roll < 0.8) await this.#act(alert, 'accept', { reason: '已复核, 情况属实, 已当场纠正。' }, 'reviewed');
  }

  async #onLateReport(alert: AlertView): Promise<void> {
    if (this.#observe(alert) < 1 || alert.occurredAt === null || Date.parse(alert.occurredAt) >= this.#historyBeforeMs) return;
    await this.#act(alert, 'accept', { reason: '历史数据补录, 已复核' }, 'historyReviewed');
  }

  async #recordAccountability(alert: AlertView, rng: () => number): Promise<void> {
    if (!this.#spend()) return;
    // Once per alert, also across restarts: look before recording.
    const detail = await this.#client.request('GET', `/api/v1/alerts/${alert.id}`);
    this.#accountabilityDone.add(alert.id);
    if (detail.status !== 200 || !isRecord(detail.body) || !Array.isArray(detail.body.accountability) || detail.body.accountability.length > 0) return;
    if (!this.#spend()) {
      this.#accountabilityDone.delete(alert.id);
      return;
    }
    const body = { person: pick(rng, PEOPLE), decision: pick(rng, DECISIONS), decidedOn: formatShanghai(this.#clock()).slice(0, 10) };
    const answer = await this.#client.request('POST', `/api/v1/alerts/${alert.id}/accountability`, body);
    if (answer.status === 201) this.#counts.accountability += 1;
    else this.#refused(alert, 'accountability', answer);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Notes the alert's status; answers how many ticks it has been in it. */
  #observe(alert: AlertView): number {
    const prior = this.#seen.get(alert.id);
    if (prior?.status === alert.status) return this.#tick - prior.tick;
    this.#seen.set(alert.id, { status: alert.status, tick: this.#tick });
    return 0;
  }

  #age(alert: AlertView): number {
    const prior = this.#seen.get(alert.id);
    return prior ? this.#tick - prior.tick : 0;
  }

  /**
   * The choices of this alert at this step, once it has waited its 1-3 ticks in its state and
   * there is budget left; else null.
   */
  #ready(alert: AlertView, step: number): (() => number) | null {
    const age = this.#observe(alert);
    const rng = mulberry32(choiceSeed(this.#seed, alert.id, step));
    const wait = 1 + Math.floor(rng() * 3);
    return age >= wait && this.#budget > 0 ? rng : null;
  }

  #mayAppeal(alert: AlertView): boolean {
    if (this.#noAppeal.has(alert.id) || alert.appealDueOn === null) return false;
    return alert.appealDueOn >= formatShanghai(this.#clock()).slice(0, 10);
  }

  #spend(): boolean {
    if (this.#budget <= 0) return false;
    this.#budget -= 1;
    return true;
  }

  /** Who takes `action` on `alert`: its department's officer explains, its leader appeals, the supervisor does the rest. */
  #actorFor(alert: AlertView, action: string): Credentials | null {
    if (action !== 'explain' && action !== 'appeal') return this.#supervisor;
    const staff = alert.departmentCode === null ? undefined : this.#departmentStaff.get(alert.departmentCode);
    if (!staff) return null;
    return action === 'explain' ? staff.officer : staff.leader;
  }

  /** POST /api/v1/alerts/{id}/{action} as the person who takes it; a 409 is normal, anything else refused is logged. */
  async #act(alert: AlertView, action: string, body: Record<string, string>, counter: Counter): Promise<void> {
    const actor = this.#actorFor(alert, action);
    if (actor === null || !this.#spend()) return;
    const answer = await this.#client.request('POST', `/api/v1/alerts/${alert.id}/${action}`, body, actor);
    if (action === 'appeal') this.#noAppeal.add(alert.id);
    if (answer.status === 200) {
      this.#counts[counter] += 1;
      const after = toAlert(answer.body);
      if (after) this.#observe(after);
      return;
    }
    this.#refused(alert, action, answer);
  }

  #refused(alert: AlertView, action: string, answer: HttpAnswer): void {
    const code = errorCode(answer.body);
    if (answer.status === 409 || answer.status === 404) {
      // ALERT_ACTION_NOT_ALLOWED: it moved on; ALREADY_APPEALED, APPEAL_WINDOW_CLOSED: no appeal.
      this.#counts.conflicts += 1;
      if (code === 'ALREADY_APPEALED' || code === 'APPEAL_WINDOW_CLOSED') this.#noAppeal.add(alert.id);
      return;
    }
    this.#log(`工作流: 预警 #${alert.id} 的操作 ${action} 被拒绝 refused: HTTP ${answer.status} ${excerpt(answer.body)}`);
  }

  /**
   * Runs `scan` with at most `cap` of the tick's remaining actions; answers whether it used them
   * all (so its list may hold more to do).
   */
  async #withCap(cap: number, scan: () => Promise<void>): Promise<boolean> {
    const outer = this.#budget;
    const own = Math.min(outer, cap);
    this.#budget = own;
    try {
      await scan();
      return this.#budget <= 0;
    } finally {
      this.#budget = outer - (own - this.#budget);
    }
  }

  /** Reads the list `query` newest first, page by page, handing each alert to `handle` while there is budget. */
  async #scanPages(query: string, handle: (alert: AlertView) => Promise<void>): Promise<void> {
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES && this.#budget > 0; page++) {
      const answer = await this.#client.request('GET', `/api/v1/alerts?${query}&limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`);
      const list = answer.status === 200 ? toPage(answer.body) : null;
      if (!list) {
        this.#log(`工作流: 预警列表读取失败 list failed (${query}): HTTP ${answer.status} ${excerpt(answer.body)}`);
        return;
      }
      for (const alert of list.items) {
        if (this.#budget <= 0) break;
        await handle(alert);
      }
      if (list.nextCursor === null) return;
      cursor = list.nextCursor;
    }
  }

  /** Counts the alerts raised since the last look (ids above the highest seen). */
  async #countNew(): Promise<void> {
    const since = this.#lastSeenId ?? 0;
    let cursor: string | null = null;
    for (let page = 0; page < MAX_SUMMARY_PAGES; page++) {
      const answer = await this.#client.request('GET', `/api/v1/alerts?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`);
      const list = answer.status === 200 ? toPage(answer.body) : null;
      if (!list) return;
      for (const alert of list.items) {
        if (alert.id <= since) return;
        this.#lastSeenId = Math.max(this.#lastSeenId ?? 0, alert.id);
        this.#counts.raised += 1;
        if (alert.hasNotice) this.#counts.raisedWithNotice += 1;
      }
      if (list.nextCursor === null) return;
      cursor = list.nextCursor;
    }
  }

  #logTick(): void {
    const c = this.#counts;
    const moved = c.raised + c.explained + c.accepted + c.rejected + c.escalated + c.appealed + c.upheld + c.revoked +
      c.accountability + c.notified + c.reviewed + c.historyReviewed;
    if (moved === 0) return;
    const extras: [string, number][] = [
      ['维持', c.upheld], ['撤销', c.revoked], ['问责', c.accountability], ['下发督办', c.notified], ['复核', c.reviewed], ['补录复核', c.historyReviewed],
    ];
    this.#log(
      `预警 新增 ${c.raised} (督办 ${c.raisedWithNotice}) · 说明 ${c.explained} · 采纳 ${c.accepted} · 未采纳 ${c.rejected} · ` +
        `升级 ${c.escalated} · 申诉 ${c.appealed}` + extras.filter(([, n]) => n > 0).map(([label, n]) => ` · ${label} ${n}`).join(''),
    );
  }

  /** Reads every alert and logs how many are in each status; the first time, also sets the mark for "new". */
  async #summarize(): Promise<void> {
    const byStatus = new Map<AlertStatus, number>();
    let total = 0;
    let maxId = 0;
    let cursor: string | null = null;
    let complete = false;
    for (let page = 0; page < MAX_SUMMARY_PAGES; page++) {
      const answer = await this.#client.request('GET', `/api/v1/alerts?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      const list = answer.status === 200 ? toPage(answer.body) : null;
      if (!list) return;
      for (const alert of list.items) {
        total += 1;
        maxId = Math.max(maxId, alert.id);
        byStatus.set(alert.status, (byStatus.get(alert.status) ?? 0) + 1);
      }
      if (list.nextCursor === null) {
        complete = true;
        break;
      }
      cursor = list.nextCursor;
    }
    if (this.#lastSeenId === null) this.#lastSeenId = maxId;
    const parts = ALERT_STATUSES.map((status) => `${ALERT_STATUS_LABELS[status]} ${byStatus.get(status) ?? 0}`);
    this.#log(`预警汇总 alerts 共 ${complete ? '' : '≥'}${total}: ${parts.join(' · ')}`);
  }
}
