/**
 * Deterministic generator of realistic case histories for the demo.
 *
 * {@link generateCase} turns (rng, caseNo, item, acceptance instant, scenario) into the full list of
 * events a department's business system would report for that case, from 受理 to 办结. It is pure:
 * the same rng seed gives the same events. Working days come from the node's own
 * {@link WorkCalendar} (loaded from config/calendars by demo-calendar.ts), so generated cases keep
 * the real holidays and adjusted working days (调休) that the node judges them by.
 */
import {
  DEMO_APPLICANT_PROFILES,
  DEMO_COUNTY_CODE,
  type ApplicantProfile,
  type CatalogItem,
  type LimitUnit,
} from './catalog.ts';
import { isoFromDay, localDayOf, type DayNumber } from '../calendar/local-date.ts';
import type { WorkCalendar } from '../calendar/work-calendar.ts';
// The wire types of events are the node's own (one source of truth for their shape).
import type {
  Applicant, CaseEvent, Channel, Handler, IntakeFields, Stage as StageCode, StageAction,
} from '../cases/case-event.ts';

/** How a generated case goes. */
export type Scenario = 'onTime' | 'early' | 'late' | 'suspended' | 'refused' | 'immediate' | 'open';

/** Every scenario, in a stable order. */
export const SCENARIOS: readonly Scenario[] = ['onTime', 'early', 'late', 'suspended', 'refused', 'immediate', 'open'];

/** One event of `POST /api/v1/events`, as a plain JSON-ready object. */
export type DemoCaseEvent = CaseEvent;

/** Input of {@link generateCase}. */
export interface GenerateCaseOptions {
  /** Uniform [0, 1) source; all randomness comes from here. */
  rng: () => number;
  caseNo: string;
  item: CatalogItem;
  /** The 受理 instant; the generator expects a working day during office hours. */
  acceptedAt: Date;
  /** The working days the case is handled on and its deadline counted in. */
  calendar: WorkCalendar;
  /** Defaults to {@link pickScenario}. */
  scenario?: Scenario;
  /** Defaults to the item's entry in DEMO_APPLICANT_PROFILES, else a person. */
  applicantProfile?: ApplicantProfile;
}

// ---------------------------------------------------------------------------------------------
// Randomness

/**
 * Mulberry32: a tiny 32-bit seeded PRNG, good enough for demo data and fully reproducible.
 * @returns a function giving uniform numbers in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function randInt(rng: () => number, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function pick<T>(rng: () => number, list: readonly T[]): T {
  const value = list[Math.floor(rng() * list.length)];
  if (value === undefined) throw new RangeError('pick from an empty list');
  return value;
}

function weighted<T>(rng: () => number, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((sum, [, w]) => sum + w, 0);
  let r = rng() * total;
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  const last = table.at(-1);
  if (last === undefined) throw new RangeError('weighted pick from an empty table');
  return last[0];
}

/** FNV-1a, to seed per-department rosters from their codes. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Local time in Asia/Shanghai (fixed +08:00) and the working days of the node's own calendar

const MS_PER_DAY = 86_400_000;
const OFFSET_MS = 8 * 3_600_000;
const OFFICE_OPEN = 8 * 3600 + 30 * 60;
const OFFICE_CLOSE = 17 * 3600 + 30 * 60;
const LAST_SECOND = 86_399;

/** Local date in Asia/Shanghai of an instant, as whole days since 1970-01-01 (the node's {@link localDayOf}). */
export function shanghaiDay(instant: Date): DayNumber {
  return localDayOf(instant);
}

/** The instant of second `second` (0..86399) of local day `day`. */
export function shanghaiInstant(day: DayNumber, second: number): Date {
  return new Date(day * MS_PER_DAY + second * 1000 - OFFSET_MS);
}

function secondOfDay(instant: Date): number {
  const ms = instant.getTime() + OFFSET_MS;
  return Math.floor((ms - Math.floor(ms / MS_PER_DAY) * MS_PER_DAY) / 1000);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** ISO 8601 with the +08:00 offset, whole seconds: '2025-06-03T09:14:05+08:00'. */
export function formatShanghai(instant: Date): string {
  const local = new Date(Math.floor(instant.getTime() / 1000) * 1000 + OFFSET_MS);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}+08:00`
  );
}

/** Working days in [from, to], with `from` always first (the acceptance day counts as a handling day). */
function handlingDays(calendar: WorkCalendar, from: DayNumber, to: DayNumber): DayNumber[] {
  const days = [from];
  for (let d = from + 1; d <= to; d++) if (calendar.isWorkingDay(d)) days.push(d);
  return days;
}

/** Latest working day in [floor, day], or `floor` when there is none. */
function workingDayOnOrBefore(calendar: WorkCalendar, day: DayNumber, floor: DayNumber): DayNumber {
  for (let d = day; d > floor; d--) if (calendar.isWorkingDay(d)) return d;
  return floor;
}

/**
 * The last day within the limit with one closed pause (S, E]: the n-th counting day after
 * `accepted`, n = 0 meaning the acceptance day itself. This is the node's deadline (README, time
 * rules) except for a calendar-day item whose n-th day is a rest day: the node then moves the
 * deadline to the next working day, so a case concluded by this day is on time either way, and
 * one concluded 2 or more working days after it is late either way.
 */
function deadline(calendar: WorkCalendar, accepted: DayNumber, n: number, unit: LimitUnit, pause?: { from: DayNumber; to: DayNumber }): DayNumber {
  let d = accepted;
  for (let left = n; left > 0; ) {
    d++;
    const counts = unit === 'calendarDay' || calendar.isWorkingDay(d);
    const paused = pause !== undefined && d > pause.from && d <= pause.to;
    if (counts && !paused) left--;
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Content: names, handlers, opinions

const SURNAMES = [
  '王', '张', '李', '刘', '杨', '赵', '陈', '高', '马', '郭', '白', '田', '任', '何', '雷', '薛',
  '冯', '孙', '周', '吴', '党', '韩', '惠', '贺', '朱', '宋', '董', '屈', '兰', '曹',
] as const;
const GIVEN_NAMES = [
  '建国', '秀兰', '志强', '丽娟', '海燕', '伟', '芳', '军', '敏', '静', '磊', '艳', '勇', '娜', '涛',
  '明', '超', '霞', '平', '刚', '桂英', '晓东', '红梅', '文博', '子涵', '浩然', '雨萱', '欣怡', '俊杰',
  '思远', '佳怡', '宇航', '少华', '春燕', '国强', '玉兰', '新民', '亚楠', '鹏飞', '振华',
] as const;
const FIRM_NAMES = [
  '鑫源', '宏达', '秦川', '恒通', '金泰', '瑞丰', '华鼎', '永昌', '顺安', '兴盛', '玉华', '陈炉',
  '福临', '嘉和', '广泰', '润丰', '北塬', '长荣', '聚鑫', '新耀',
] as const;

function personName(rng: () => number): string {
  return pick(rng, SURNAMES) + pick(rng, GIVEN_NAMES);
}

/** ISO 7064 MOD 11-2 check character of an 18-digit 居民身份号码 (GB 11643). */
function idCardCheck(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * (weights[i] ?? 0);
  return '10X98765432'[sum % 11] ?? '0';
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Check character of an 18-character 统一社会信用代码 (GB 32100). */
function usccCheck(body17: string): string {
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(body17[i] ?? '0') * (weights[i] ?? 0);
  return USCC_CHARS[(31 - (sum % 31)) % 31] ?? '0';
}

// Synthetic identities: 111 居民身份证 and 001 统一社会信用代码 as the applicant's idType codes.
function makeApplicant(rng: () => number, profile: ApplicantProfile): Applicant {
  if (profile.kind === 'person') {
    const birth = new Date(Date.UTC(randInt(rng, 1955, 2004), randInt(rng, 0, 11), randInt(rng, 1, 28)));
    const body =
      `${DEMO_COUNTY_CODE}${birth.getUTCFullYear()}${pad(birth.getUTCMonth() + 1)}${pad(birth.getUTCDate())}` +
      pad(randInt(rng, 0, 999), 3);
    return { name: personName(rng), idType: '111', idNo: body + idCardCheck(body) };
  }
  let org = '';
  for (let i = 0; i < 9; i++) org += USCC_CHARS[Math.floor(rng() * USCC_CHARS.length)] ?? '0';
  const body = `91${DEMO_COUNTY_CODE}${org}`;
  return {
    name: `铜川市印台区${pick(rng, FIRM_NAMES)}${pick(rng, profile.trades)}`,
    idType: '001',
    idNo: body + usccCheck(body),
  };
}

const STAGE_ROLES: Record<StageCode, string> = { undertake: 'CB', review: 'SH', approve: 'PZ' };

/** A department's staff for a stage: two people, stable for a department code. */
function handlerFor(rng: () => number, departmentCode: string, stage: StageCode): Handler {
  const index = Math.floor(rng() * 2);
  const roster = mulberry32(hashString(`${departmentCode}/${stage}/${index}`));
  return { id: `${departmentCode}-${STAGE_ROLES[stage]}${pad(index + 1)}`, name: personName(roster) };
}

const OPINIONS: Record<StageCode, readonly string[]> = {
  undertake: [
    '申请材料齐全，符合法定形式，同意提交审核。',
    '经初审，申请材料符合要求，拟同意。',
    '已核对申请材料原件，拟同意并转审核。',
  ],
  review: [
    '经审核，申请人符合法定条件，同意报批。',
    '经现场核查，情况属实，审核通过。',
    '材料审查无误，同意。',
  ],
  approve: ['同意，准予许可。', '同意办理。', '准予行政许可，予以发证。'],
};
const IMMEDIATE_OPINIONS = {
  undertake: ['申请材料齐全，符合法定形式，当场办理。', '材料核验无误，即收即办。'],
  approve: ['同意，当场办结。', '同意，当场出证。'],
} as const;
const RETURN_OPINIONS = [
  '申请材料与现场核查情况不一致，退回承办人重新核查。',
  '承办意见依据不充分，退回补充说明。',
];
const DENY_OPINIONS = [
  '经审查，申请人不符合法定条件，不予许可。',
  '经现场核查，经营场所不符合要求，不予许可。',
];
const REFUSAL_REASONS = [
  '申请事项不属于本机关职权范围，已告知申请人向有关机关申请。',
  '申请人不具备申请资格。',
  '申请材料不齐全且申请人拒绝补正。',
  '申请事项依法不需要取得行政许可。',
];
const SPECIAL_PROCEDURES: readonly (readonly [string, string])[] = [
  ['siteInspection', '需组织现场勘验。'],
  ['expertReview', '涉及专业技术问题，需组织专家评审。'],
  ['testing', '需委托第三方机构检验检测。'],
  ['appraisal', '需进行技术鉴定。'],
  ['hearing', '涉及申请人与他人之间重大利益关系，依法组织听证。'],
];
const SUPPLEMENT_REASONS = [
  '申请材料中经营场所平面图不清晰，通知申请人补正。',
  '缺少法定代表人身份证明，通知申请人补正。',
  '申请表签章不全，一次性告知申请人补正。',
];

// ---------------------------------------------------------------------------------------------
// Scenarios

/**
 * A realistic mix of scenarios for one case of `item`: 即办件 are almost always concluded the same
 * day; other items are mostly on time or early, some late, some suspended, a few refused or stalled.
 */
export function pickScenario(rng: () => number, item: CatalogItem): Scenario {
  if (item.promisedLimitDays === 0) {
    return weighted<Scenario>(rng, [['immediate', 88], ['refused', 4], ['late', 5], ['open', 3]]);
  }
  return weighted<Scenario>(rng, [
    ['onTime', 36], ['early', 33], ['late', 10], ['suspended', 12], ['refused', 5], ['open', 4],
  ]);
}

/**
 * 办件编号: county code + local acceptance date (yyyyMMdd) + 6-digit daily sequence,
 * e.g. '61020320250603000042' (20 characters, well within GB/T 39046's an..50).
 */
export function generateCaseNo(countyCode: string, acceptedAt: Date, sequence: number): string {
  if (!/^\d{6}$/.test(countyCode)) throw new RangeError(`county code must be 6 digits: ${countyCode}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) {
    throw new RangeError(`sequence must be 1..999999: ${sequence}`);
  }
  return `${countyCode}${isoFromDay(shanghaiDay(acceptedAt)).replaceAll('-', '')}${pad(sequence, 6)}`;
}

// Omit distributed over the union, so each member keeps its own fields.
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before it gets its id, case number and time. */
type Draft = DistributiveOmit<DemoCaseEvent, 'eventId' | 'caseNo' | 'occurredAt'>;
interface Step {
  day: number;
  event: Draft;
}

/**
 * Spreads steps over handling days: `count` nondecreasing indexes into `days`, the first near
 * the start (handlers pick a case up quickly) and the last near the end.
 */
function spread(rng: () => number, days: readonly number[], count: number): number[] {
  const last = days.length - 1;
  const idx = Array.from({ length: count }, () => randInt(rng, 0, last)).sort((a, b) => a - b);
  if (count > 0) {
    idx[0] = Math.min(idx[0] ?? 0, rng() < 0.6 ? 0 : Math.min(1, last));
    idx[count - 1] = Math.max(idx[count - 1] ?? last, rng() < 0.5 ? last : Math.max(0, last - 1));
  }
  idx.sort((a, b) => a - b);
  return idx.map((i) => days[i] ?? days[0] ?? 0);
}

function stage(rng: () => number, item: CatalogItem, code: StageCode, action: StageAction = 'pass', opinion?: string): Draft {
  return {
    type: 'stage',
    stage: code,
    action,
    handler: handlerFor(rng, item.departmentCode, code),
    opinion: opinion ?? pick(rng, OPINIONS[code]),
  };
}

/** Stages from 承办 to 批准, sometimes with one return from 审核 back to 承办. */
function handlingDrafts(rng: () => number, item: CatalogItem, denied: boolean, returnChance: number): Draft[] {
  const drafts: Draft[] = [stage(rng, item, 'undertake')];
  if (rng() < returnChance) {
    drafts.push(stage(rng, item, 'review', 'return', pick(rng, RETURN_OPINIONS)), stage(rng, item, 'undertake'));
  }
  drafts.push(stage(rng, item, 'review'));
  drafts.push(denied ? stage(rng, item, 'approve', 'other', pick(rng, DENY_OPINIONS)) : stage(rng, item, 'approve'));
  return drafts;
}

function closingDrafts(item: CatalogItem, denied: boolean): Draft[] {
  const fees: Draft[] = denied ? [] : item.fees.map((fee) => ({ type: 'fee', feeCode: fee.code, amountFen: fee.amountFen }));
  return [...fees, { type: 'concluded', result: denied ? 'denied' : 'approved' }];
}

/**
 * Gives each step a time of day: steps of one day get increasing seconds within office hours,
 * after the acceptance on the acceptance day; `compact` keeps a same-day case within two hours.
 */
function timeSteps(rng: () => number, steps: readonly Step[], acceptedAt: Date, compact: boolean): Date[] {
  const acceptedDay = shanghaiDay(acceptedAt);
  const acceptedSecond = secondOfDay(acceptedAt);
  const times: Date[] = [];
  for (let i = 0; i < steps.length; ) {
    const day = steps[i]?.day ?? acceptedDay;
    let j = i;
    while (j < steps.length && steps[j]?.day === day) j++;
    const count = j - i;
    const lo = day === acceptedDay ? acceptedSecond + 60 : OFFICE_OPEN;
    let hi = compact ? Math.min(OFFICE_CLOSE, lo + 7200) : OFFICE_CLOSE;
    // A late acceptance still needs room: run past closing time rather than into the next day.
    if (hi - lo < count * 120) hi = Math.min(LAST_SECOND, lo + count * 120);
    const width = Math.max(1, Math.floor((hi - lo) / count));
    for (let k = 0; k < count; k++) {
      const second = Math.min(LAST_SECOND, lo + k * width + Math.floor(rng() * width));
      times.push(shanghaiInstant(day, second));
    }
    i = j;
  }
  return times;
}

/**
 * Generates every event of one case, in order: `${caseNo}-01`, `-02`, ... with +08:00 timestamps.
 *
 * - onTime: concluded on the deadline day (or the working day before it);
 * - early: concluded in the first half of the committed limit;
 * - late: concluded 2 to 7 working days after the deadline;
 * - suspended: a special procedure or a supplement after 承办, resumed, then concluded on time;
 * - refused: a single notAccepted event;
 * - immediate: concluded within two hours of acceptance, the same local day;
 * - open: accepted and picked up, then stalled without a conclusion.
 *
 * Events lie in the future when `acceptedAt` is recent; the caller posts each when it falls due.
 */
export function generateCase(options: GenerateCaseOptions): DemoCaseEvent[] {
  const { rng, caseNo, item, calendar } = options;
  const scenario = options.scenario ?? pickScenario(rng, item);
  const acceptedAt = new Date(Math.floor(options.acceptedAt.getTime() / 1000) * 1000);
  const profile = options.applicantProfile ?? DEMO_APPLICANT_PROFILES[item.itemCode] ?? { kind: 'person' };
  const n = item.promisedLimitDays;
  const unit = item.limitUnit;
  const a = shanghaiDay(acceptedAt);

  const channel: Channel =
    n === 0 ? weighted<Channel>(rng, [['hall', 80], ['kiosk', 10], ['web', 10]])
      : weighted<Channel>(rng, [['hall', 45], ['web', 30], ['app', 18], ['kiosk', 7]]);
  const intake: IntakeFields = {
    itemCode: item.itemCode,
    departmentCode: item.departmentCode,
    applicant: makeApplicant(rng, profile),
    channel,
    queryPassword: pad(randInt(rng, 0, 999_999), 6),
    promisedLimitDays: n,
  };
  const withIds = (drafts: readonly { at: Date; event: Draft }[]): DemoCaseEvent[] =>
    drafts.map(({ at, event: { type, ...fields } }, i) => ({
      // Envelope fields first, so the JSON reads like the wire examples.
      eventId: `${caseNo}-${pad(i + 1)}`,
      caseNo,
      type,
      occurredAt: formatShanghai(at),
      ...fields,
    }) as DemoCaseEvent);

  if (scenario === 'refused') {
    return withIds([{ at: acceptedAt, event: { type: 'notAccepted', ...intake, reason: pick(rng, REFUSAL_REASONS) } }]);
  }

  const denied = scenario !== 'open' && scenario !== 'immediate' && rng() < 0.07;
  const steps: Step[] = [];
  const due = deadline(calendar, a, n, unit);

  if (scenario === 'immediate') {
    const drafts = [
      stage(rng, item, 'undertake', 'pass', pick(rng, IMMEDIATE_OPINIONS.undertake)),
      stage(rng, item, 'approve', 'pass', pick(rng, IMMEDIATE_OPINIONS.approve)),
      ...closingDrafts(item, false),
    ];
    for (const event of drafts) {
      steps.push({ day: a, event });
    }
  } else if (scenario === 'open') {
    // Stalled after 承办 (and sometimes 审核): only the light and the cards move.
    const horizon = handlingDays(calendar, a, calendar.nthWorkingDayAfter(a, Math.max(1, Math.floor(n / 2))));
    const drafts = [stage(rng, item, 'undertake'), ...(rng() < 0.5 ? [stage(rng, item, 'review')] : [])];
    spread(rng, horizon, drafts.length).forEach((day, i) => {
      const event = drafts[i];
      if (event) steps.push({ day, event });
    });
  } else if (scenario === 'suspended') {
    // With a 1-day limit the pause must start on the acceptance day to leave any time after it.
    const undertakeDay = n <= 1 ? a : pick(rng, handlingDays(calendar, a, calendar.nthWorkingDayAfter(a, 1)));
    // Start the pause on a working day before the original deadline, so time is still left after it.
    const candidates = handlingDays(calendar, undertakeDay, Math.max(undertakeDay, workingDayOnOrBefore(calendar, due - 1, undertakeDay)));
    const from = pick(rng, candidates.slice(0, Math.max(1, Math.ceil(candidates.length / 2))));
    const special = rng() < 0.55;
    const plannedDays = special ? randInt(rng, 5, 15) : randInt(rng, 3, 10);
    const to = calendar.nthWorkingDayAfter(from, randInt(rng, 1, plannedDays));
    let suspension: Draft;
    if (special) {
      const [kind, reason] = pick(rng, SPECIAL_PROCEDURES);
      suspension = { type: 'suspended', procedure: 'special', kind, reason, plannedDays, plannedUnit: 'workday' };
    } else {
      suspension = { type: 'suspended', procedure: 'supplement', reason: pick(rng, SUPPLEMENT_REASONS), plannedDays, plannedUnit: 'workday' };
    }
    const extended = deadline(calendar, a, n, unit, { from, to });
    const tail = handlingDays(calendar, to, Math.max(to, extended));
    const conclusion = pick(rng, tail.slice(Math.floor(tail.length / 2)));
    const afterResume = handlingDrafts(rng, item, denied, 0.1).slice(1);
    steps.push({ day: undertakeDay, event: stage(rng, item, 'undertake') });
    steps.push({ day: from, event: suspension });
    steps.push({ day: to, event: { type: 'resumed' } });
    spread(rng, handlingDays(calendar, to, conclusion), afterResume.length).forEach((day, i) => {
      const event = afterResume[i];
      if (event) steps.push({ day, event });
    });
    for (const event of closingDrafts(item, denied)) steps.push({ day: conclusion, event });
  } else {
    let conclusion: number;
    if (scenario === 'late') {
      conclusion = calendar.nthWorkingDayAfter(due, randInt(rng, 2, 7));
    } else if (scenario === 'early') {
      const before = handlingDays(calendar, a, due - 1);
      conclusion = n === 0 ? a : pick(rng, before.slice(0, Math.max(1, Math.ceil(before.length / 2))));
    } else {
      const last = workingDayOnOrBefore(calendar, due, a);
      conclusion = rng() < 0.65 ? last : workingDayOnOrBefore(calendar, last - 1, a);
    }
    const drafts = handlingDrafts(rng, item, denied, scenario === 'late' ? 0.5 : 0.08);
    spread(rng, handlingDays(calendar, a, conclusion), drafts.length).forEach((day, i) => {
      const event = drafts[i];
      if (event) steps.push({ day, event });
    });
    for (const event of closingDrafts(item, denied)) steps.push({ day: conclusion, event });
  }

  const times = timeSteps(rng, steps, acceptedAt, scenario === 'immediate');
  return withIds([
    { at: acceptedAt, event: { type: 'accepted', ...intake } },
    ...steps.map((step, i) => ({ at: times[i] ?? acceptedAt, event: step.event })),
  ]);
}
