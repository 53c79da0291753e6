/**
 * Data of the sweep benchmark, deterministic from a seed: a county catalog (30 departments, 300
 * items, some with fees, some with stages) and a plan of open cases, each one an item and an
 * acceptance instant, chosen so that at the bench instant T
 *
 * - every case is still open and has a next due instant (none is past its red card day);
 * - as of the previous sweep P (the evening before T's local day) no case had a card yet, so the
 *   alerts the node held at P carry no supervision notices;
 * - exactly `due` cases were next due, as of P, on T's local day (00:00, so <= T): the ones the
 *   sweep at T must read; every other case is next due on a later day.
 *
 * The plan decides item and acceptance instant only; `buildCase` adds the events (stages, fees,
 * a few late reports, fee and order irregularities), and the rules themselves (`evaluateRules`,
 * in sweep.bench.ts) say what each case's due instant and findings are.
 */
import { dayFromIso, type DayNumber } from '../../node/calendar/local-date.ts';
import type { WorkCalendar } from '../../node/calendar/work-calendar.ts';
import type { AcceptedEvent, CaseEvent, Channel, FeeEvent, LimitUnit, Stage, StageEvent } from '../../node/cases/case-event.ts';
import { computeCaseStateRow } from '../../node/cases/case-state.ts';
import type { CaseStateRow } from '../../node/cases/case-store.ts';
import type { ItemFee } from '../../node/catalog/item.entity.ts';
import { formatShanghai, mulberry32, shanghaiInstant } from '../../node/demo/case-scenarios.ts';
import type { TimeRulesSnapshot } from '../../node/timelimits/time-rules.ts';

export const COUNTY = '610203';

export interface BenchDepartment {
  code: string;
  name: string;
}

export interface BenchItem {
  itemCode: string;
  name: string;
  departmentCode: string;
  legalLimitDays: number;
  promisedLimitDays: number;
  limitUnit: LimitUnit;
  fees: ItemFee[];
  stages: Stage[];
  promisedVisits: number;
}

const BUREAUS = [
  '行政审批服务局', '市场监督管理局', '自然资源局', '住房和城乡建设局', '交通运输局', '卫生健康局',
  '人力资源和社会保障局', '民政局', '公安分局', '税务局', '教育局', '生态环境分局', '水务局', '农业农村局',
  '文化和旅游局', '应急管理局', '林业局', '商务局', '发展和改革局', '财政局', '司法局', '退役军人事务局',
  '医疗保障局', '城市管理执法局', '统计局', '气象局', '烟草专卖局', '消防救援大队', '残疾人联合会', '档案馆',
];
const KINDS = ['XK', 'QR', 'JF', 'GF', 'QT'] as const;
const KIND_NAMES: Record<(typeof KINDS)[number], string> = { XK: '许可', QR: '确认', JF: '给付', GF: '公共服务', QT: '备案' };
const ITEMS_PER_DEPARTMENT = 10;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** 30 departments with 10 items each: limits from 即办 to 60 calendar days, 20 % with fees, half with stages. */
export function benchCatalog(seed: number): { departments: BenchDepartment[]; items: BenchItem[] } {
  const rng = mulberry32(seed ^ 0x5eed);
  const departments = BUREAUS.map((name, i) => ({ code: `${COUNTY}-B${pad(i + 1)}`, name: `铜川市印台区${name}` }));
  const items: BenchItem[] = [];
  for (const [d, department] of departments.entries()) {
    for (let j = 0; j < ITEMS_PER_DEPARTMENT; j++) {
      const kind = KINDS[j % KINDS.length]!;
      const itemCode = `${COUNTY}-${kind}-${pad(d + 1)}${pad(j + 1, 3)}`;
      const r = rng();
      let promised: number;
      let unit: LimitUnit = 'workday';
      if (r < 0.12) promised = 0;
      else if (r < 0.42) promised = 1 + Math.floor(rng() * 5);
      else if (r < 0.8) promised = 6 + Math.floor(rng() * 10);
      else if (r < 0.94) promised = 16 + Math.floor(rng() * 15);
      else {
        promised = 20 + Math.floor(rng() * 41);
        unit = 'calendarDay';
      }
      const legal = promised === 0 ? Math.floor(rng() * 4) : promised + Math.ceil(promised * rng());
      const fees: ItemFee[] = [];
      if (rng() < 0.2) {
        fees.push({ code: `${itemCode}-F1`, name: '登记费', amountFen: 500 * (1 + Math.floor(rng() * 40)) });
        if (rng() < 0.4) fees.push({ code: `${itemCode}-F2`, name: '证书工本费', amountFen: 1_000 });
      }
      const s = rng();
      const stages: Stage[] = s < 0.4 ? ['undertake', 'review', 'approve'] : s < 0.5 ? ['undertake', 'approve'] : [];
      items.push({
        itemCode, name: `${department.name.replace('铜川市印台区', '')}${KIND_NAMES[kind]}事项${j + 1}`, departmentCode: department.code,
        legalLimitDays: legal, promisedLimitDays: promised, limitUnit: unit, fees, stages, promisedVisits: rng() < 0.5 ? 0 : 1,
      });
    }
  }
  return { departments, items };
}

/** The bench's fixed instants, as local day numbers. */
export interface BenchDays {
  /** The local day of T. */
  tDay: DayNumber;
  /** The local day of the previous sweep P (T's day - 1). */
  pDay: DayNumber;
  /** The last working day before T's day: every event occurred, and was received, by its evening. */
  lastEventDay: DayNumber;
}

/** Which cases there are: item and acceptance instant, in acceptance order. */
export interface CasePlan {
  cases: number;
  due: number;
  item: Uint16Array;
  day: Int32Array;
  /** Second of the local day of acceptance. */
  second: Int32Array;
  /** 1 for the cases next due on T's day. */
  dueAtT: Uint8Array;
  /** Case indexes in acceptance order. */
  order: Uint32Array;
  /** How many (item, acceptance day) pairs each class could choose from. */
  pairs: { due: number; later: number };
}

const ACCEPT_FROM = 8 * 3600 + 30 * 60;
const ACCEPT_UNTIL = 16 * 3600 + 45 * 60;
const LUNCH_FROM = 12 * 3600;
const LUNCH_UNTIL = 14 * 3600;
/** How far back acceptance days may lie: the longest limit (60 calendar days) plus holidays and cards. */
const LOOKBACK_DAYS = 240;

function acceptanceSecond(rng: () => number): number {
  for (;;) {
    const second = ACCEPT_FROM + Math.floor(rng() * (ACCEPT_UNTIL - ACCEPT_FROM));
    if (second >= LUNCH_FROM && second < LUNCH_UNTIL && rng() < 0.7) continue;
    return second;
  }
}

const dayOrNull = (iso: string | null): DayNumber | null => (iso === null ? null : dayFromIso(iso));

/**
 * 'due' when the case's next due day after P is T's day, 'later' when it is after it, null when
 * the case does not fit the bench (a card by P, or nothing due after T's day).
 */
export function classify(row: CaseStateRow, days: BenchDays): 'due' | 'later' | null {
  const accepted = dayOrNull(row.accepted_day);
  const deadline = dayOrNull(row.deadline);
  const yellowFrom = dayOrNull(row.yellow_from);
  const yellowCard = dayOrNull(row.yellow_card_on);
  const redCard = dayOrNull(row.red_card_on);
  if (row.status !== 'open' || accepted === null || deadline === null || yellowCard === null || redCard === null) return null;
  if (yellowCard <= days.pDay || redCard <= days.tDay) return null;
  const thresholds = [deadline + 1, yellowCard, redCard];
  if (yellowFrom !== null && yellowFrom > accepted) thresholds.push(yellowFrom);
  const next = Math.min(...thresholds.filter((day) => day > days.pDay));
  return next <= days.tDay ? 'due' : 'later';
}

function acceptedEvent(caseNo: string, item: BenchItem, occurredAt: string, rng: () => number): AcceptedEvent {
  return {
    eventId: `${caseNo}-01`, caseNo, type: 'accepted', occurredAt, itemCode: item.itemCode, departmentCode: item.departmentCode,
    applicant: applicant(rng), channel: CHANNELS[Math.floor(rng() * CHANNELS.length)]!,
  };
}

/**
 * The plan: `due` cases drawn uniformly from the (item, working day) pairs whose case is next due
 * on T's day, the others from the pairs next due later, each at an office-hours second; in
 * acceptance order. Uniform over pairs means an item has open cases in proportion to how many
 * days its cases stay open, as a steady daily intake would leave them.
 */
export function planCases(items: readonly BenchItem[], rules: TimeRulesSnapshot, days: BenchDays, cases: number, due: number, seed: number): CasePlan {
  if (due > cases) throw new RangeError(`due (${due}) exceeds cases (${cases})`);
  const byLimit = new Map<string, { due: DayNumber[]; later: DayNumber[] }>();
  const duePairs: number[] = [];
  const laterPairs: number[] = [];
  const rng = mulberry32(seed);
  for (const [index, item] of items.entries()) {
    const key = `${item.promisedLimitDays}/${item.limitUnit}`;
    let classes = byLimit.get(key);
    if (!classes) {
      classes = { due: [], later: [] };
      for (let day = days.lastEventDay - LOOKBACK_DAYS; day <= days.lastEventDay; day++) {
        if (!rules.calendar.isWorkingDay(day)) continue;
        const probe = acceptedEvent('PROBE', item, formatShanghai(shanghaiInstant(day, 10 * 3600)), rng);
        const row = computeCaseStateRow('PROBE', [probe], { limitDays: item.promisedLimitDays, limitUnit: item.limitUnit }, rules);
        const kind = classify(row, days);
        if (kind !== null) classes[kind].push(day);
      }
      byLimit.set(key, classes);
    }
    for (const day of classes.due) duePairs.push(index, day);
    for (const day of classes.later) laterPairs.push(index, day);
  }
  if (due > 0 && duePairs.length === 0) throw new Error('no (item, day) pair is due on T\'s day: the catalog cannot make due cases');
  if (cases - due > 0 && laterPairs.length === 0) throw new Error('no (item, day) pair is due after T\'s day');

  const plan: CasePlan = {
    cases, due,
    item: new Uint16Array(cases), day: new Int32Array(cases), second: new Int32Array(cases), dueAtT: new Uint8Array(cases),
    order: new Uint32Array(cases), pairs: { due: duePairs.length / 2, later: laterPairs.length / 2 },
  };
  for (let i = 0; i < cases; i++) {
    const isDue = i < due;
    const pairs = isDue ? duePairs : laterPairs;
    const pick = Math.floor(rng() * (pairs.length / 2)) * 2;
    plan.item[i] = pairs[pick]!;
    plan.day[i] = pairs[pick + 1]!;
    plan.second[i] = acceptanceSecond(rng);
    plan.dueAtT[i] = isDue ? 1 : 0;
  }
  const keys = new Float64Array(cases);
  for (let i = 0; i < cases; i++) keys[i] = plan.day[i]! * 86_400 + plan.second[i]! + i / (cases + 1);
  const order = Array.from({ length: cases }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
  plan.order.set(order);
  return plan;
}

// Content: applicants and handlers, synthetic.
const CHANNELS: readonly Channel[] = ['hall', 'hall', 'hall', 'web', 'web', 'app', 'kiosk'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕晓东红梅文博子涵雨欣浩宇';

function personName(rng: () => number): string {
  const surname = SURNAMES[Math.floor(rng() * SURNAMES.length)]!;
  const length = rng() < 0.6 ? 2 : 1;
  let given = '';
  for (let i = 0; i < length; i++) given += GIVEN[Math.floor(rng() * GIVEN.length)]!;
  return surname + given;
}

function applicant(rng: () => number): AcceptedEvent['applicant'] {
  let idNo = '610203';
  idNo += String(1950 + Math.floor(rng() * 55));
  idNo += pad(1 + Math.floor(rng() * 12)) + pad(1 + Math.floor(rng() * 28));
  idNo += pad(Math.floor(rng() * 1000), 3) + String(Math.floor(rng() * 10));
  return { name: personName(rng), idType: '111', idNo };
}

/** A case's events, each with the instant the node received it (epoch ms). */
export interface BuiltCase {
  caseNo: string;
  item: BenchItem;
  events: CaseEvent[];
  receivedMs: number[];
}

const MS_PER_SECOND = 1000;
const FOLLOW_UP_UNTIL = 16 * 3600 + 50 * 60;
const LATE_RECEIPT_SECOND = 17 * 3600 + 30 * 60;

/** A prompt receipt: 3 s to 2 min after the event. */
const promptly = (occurredMs: number, rng: () => number): number => occurredMs + (3 + Math.floor(rng() * 118)) * MS_PER_SECOND;

/**
 * The events of plan case `index` under `caseNo`: the acceptance (0.3 % reported late, the next
 * working day after 17:00); for items with stages mostly the first stage, often the second
 * (0.2 % a later stage first, a PROCESS_ORDER finding); for items with fees mostly a fee (0.5 %
 * of the wrong amount), for free items 0.1 % a fee anyway. Follow-ups occur on working days in
 * office hours, 0 to 2 working days after acceptance, never after `days.lastEventDay`.
 */
export function buildCase(plan: CasePlan, index: number, caseNo: string, items: readonly BenchItem[], calendar: WorkCalendar, days: BenchDays, rng: () => number): BuiltCase {
  const item = items[plan.item[index]!]!;
  const day = plan.day[index]!;
  const second = plan.second[index]!;
  const acceptedMs = shanghaiInstant(day, second).getTime();
  const events: CaseEvent[] = [acceptedEvent(caseNo, item, formatShanghai(new Date(acceptedMs)), rng)];
  const nextWorkingDay = calendar.nthWorkingDayAfter(day, 1);
  const late = rng() < 0.003 && nextWorkingDay <= days.lastEventDay;
  const receivedMs = [late ? shanghaiInstant(nextWorkingDay, LATE_RECEIPT_SECOND).getTime() : promptly(acceptedMs, rng)];

  // Follow-ups: one working day F, at times after the acceptance when F is its day.
  const k = rng() < 0.4 ? 0 : rng() < 0.67 ? 1 : 2;
  const followDay = Math.min(calendar.nthWorkingDayAfter(day, k), days.lastEventDay);
  let clock = followDay === day ? second + 60 : 9 * 3600;
  const nextInstant = (): number => {
    clock += 60 + Math.floor(rng() * Math.max(1, (FOLLOW_UP_UNTIL - clock) / 3));
    clock = Math.min(clock, FOLLOW_UP_UNTIL);
    return shanghaiInstant(followDay, clock).getTime();
  };
  const push = (event: CaseEvent, occurredMs: number): void => {
    events.push(event);
    receivedMs.push(promptly(occurredMs, rng));
  };
  const eventId = (): string => `${caseNo}-${pad(events.length + 1)}`;

  if (item.stages.length > 0) {
    const u = rng();
    const stageEvent = (stage: Stage, occurredMs: number): StageEvent => ({
      eventId: eventId(), caseNo, type: 'stage', occurredAt: formatShanghai(new Date(occurredMs)), stage, action: 'pass',
      handler: { id: `${item.departmentCode}-H${pad(1 + Math.floor(rng() * 40))}`, name: personName(rng) },
    });
    if (u < 0.002) {
      const ms = nextInstant();
      push(stageEvent(item.stages[1]!, ms), ms);
    } else if (u < 0.6) {
      const first = nextInstant();
      push(stageEvent(item.stages[0]!, first), first);
      if (rng() < 0.4 && item.stages.length > 2) {
        const second = nextInstant();
        push(stageEvent(item.stages[1]!, second), second);
      }
    }
  }
  const feeEvent = (feeCode: string, amountFen: number, occurredMs: number): FeeEvent => ({
    eventId: eventId(), caseNo, type: 'fee', occurredAt: formatShanghai(new Date(occurredMs)), feeCode, amountFen,
  });
  const standard = item.fees[0];
  if (standard !== undefined && rng() < 0.7) {
    const ms = nextInstant();
    push(feeEvent(standard.code, rng() < 0.005 ? standard.amountFen + 100 : standard.amountFen, ms), ms);
  } else if (standard === undefined && rng() < 0.001) {
    const ms = nextInstant();
    push(feeEvent('GBF', 1_000, ms), ms);
  }
  return { caseNo, item, events, receivedMs };
}

/** 'YYYYMMDD' of a local day, for case numbers. */
export function compactDate(iso: string): string {
  return iso.replaceAll('-', '');
}
