/**
 * Terse builders and checks for the integration tests: case events as a business system sends
 * them, catalog setup, verdict and list reads at an explicit instant, and import polling.
 * Every read of a verdict passes `?at=`: the tests never depend on the wall clock.
 */
import { expect } from 'chai';
import type {
  AcceptedEvent, ConcludedEvent, ConclusionResult, FeeEvent, NotAcceptedEvent, ResumedEvent, Stage, StageEvent,
  SuspendedEvent, SuspensionProcedure,
} from '../../node/cases/case-event.ts';
import type { TestNode } from './test-node.ts';

/** Anything with the tests' `api()`: an in-process TestNode or a NodeProcess (node-process.ts). */
export type ApiClient = Pick<TestNode, 'api'>;

let sequence = 0;
/** A fresh eventId, readable in failures: `<caseNo>.<n>`. */
export const nextEventId = (caseNo: string): string => `${caseNo}.${++sequence}`;

export function accepted(caseNo: string, occurredAt: string, itemCode: string, departmentCode: string, extra: Partial<AcceptedEvent> = {}): AcceptedEvent {
  return { eventId: nextEventId(caseNo), caseNo, type: 'accepted', occurredAt, itemCode, departmentCode, applicant: { name: '张三' }, ...extra };
}

export function notAccepted(caseNo: string, occurredAt: string, itemCode: string, departmentCode: string, extra: Partial<NotAcceptedEvent> = {}): NotAcceptedEvent {
  return {
    eventId: nextEventId(caseNo), caseNo, type: 'notAccepted', occurredAt, itemCode, departmentCode,
    applicant: { name: '李四' }, reason: '申请事项不属于本机关职权范围', ...extra,
  };
}

export function stage(caseNo: string, occurredAt: string, name: Stage, extra: Partial<StageEvent> = {}): StageEvent {
  return { eventId: nextEventId(caseNo), caseNo, type: 'stage', occurredAt, stage: name, action: 'pass', ...extra };
}

export function suspended(caseNo: string, occurredAt: string, procedure: SuspensionProcedure = 'supplement', extra: Partial<SuspendedEvent> = {}): SuspendedEvent {
  return { eventId: nextEventId(caseNo), caseNo, type: 'suspended', occurredAt, procedure, ...extra };
}

export function resumed(caseNo: string, occurredAt: string): ResumedEvent {
  return { eventId: nextEventId(caseNo), caseNo, type: 'resumed', occurredAt };
}

export function fee(caseNo: string, occurredAt: string, amountFen = 5000): FeeEvent {
  return { eventId: nextEventId(caseNo), caseNo, type: 'fee', occurredAt, feeCode: 'FEE-1', amountFen };
}

export function concluded(caseNo: string, occurredAt: string, result: ConclusionResult = 'approved'): ConcludedEvent {
  return { eventId: nextEventId(caseNo), caseNo, type: 'concluded', occurredAt, result };
}

export interface ItemSpec {
  itemCode: string;
  departmentCode: string;
  legalLimitDays: number;
  promisedLimitDays: number;
  limitUnit?: 'workday' | 'calendarDay';
}

/** Creates departments and items, asserting each answer. */
export async function setUpCatalog(node: ApiClient, departments: Record<string, string>, items: ItemSpec[]): Promise<void> {
  for (const [code, name] of Object.entries(departments)) {
    const answer = await node.api('PUT', `/api/v1/departments/${code}`, { name });
    expect(answer.status, `department ${code}`).to.equal(201);
  }
  for (const { itemCode, ...rest } of items) {
    const answer = await node.api('PUT', `/api/v1/items/${itemCode}`, { name: `事项 ${itemCode}`, ...rest });
    expect(answer.status, `item ${itemCode}: ${JSON.stringify(answer.body)}`).to.equal(201);
  }
}

/** Posts a batch and answers the summary; the request itself must succeed. */
export async function postEvents(node: ApiClient, events: unknown[]): Promise<{ accepted: number; duplicates: number; rejected: number; results: { eventId: string | null; status: string; error?: { code: string; message: string; details: Record<string, unknown> } }[] }> {
  const answer = await node.api('POST', '/api/v1/events', { events });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return answer.body;
}

/** Posts a batch every event of which must be accepted. */
export async function postAccepted(node: ApiClient, events: unknown[]): Promise<void> {
  const summary = await postEvents(node, events);
  expect(summary.rejected, JSON.stringify(summary.results.filter((r) => r.status !== 'accepted'))).to.equal(0);
  expect(summary.accepted).to.equal(events.length);
}

/** `?at=` value, URL-encoded (a `+` offset would otherwise read as a space). */
export const q = (instant: string): string => encodeURIComponent(instant);

/** The verdict of one case at `instant`. */
export async function verdictAt(node: ApiClient, caseNo: string, instant: string) {
  const answer = await node.api('GET', `/api/v1/cases/${encodeURIComponent(caseNo)}?at=${q(instant)}`);
  expect(answer.status, `${caseNo} at ${instant}: ${JSON.stringify(answer.body)}`).to.equal(200);
  return answer.body;
}

/** The time-related part of a verdict, to compare exactly. */
export function clock(v: Record<string, unknown>) {
  return {
    status: v.status, deadline: v.deadline, remainingDays: v.remainingDays, overdueDays: v.overdueDays,
    light: v.light, cards: v.cards, onTime: v.onTime, early: v.early,
  };
}

export const yellowCard = (date: string) => ({ color: 'yellow', issuedAt: `${date}T00:00:00+08:00` });
export const redCard = (date: string) => ({ color: 'red', issuedAt: `${date}T00:00:00+08:00` });

/** Every verdict of `GET /api/v1/cases` for `query`, following the cursor page by page. */
export async function listAll(node: ApiClient, query: string, limit = 500): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const answer: { status: number; body: { items: Record<string, unknown>[]; nextCursor: string | null } } = await node.api('GET', `/api/v1/cases?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body.items.length).to.be.at.most(limit);
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor;
    if (cursor === null) return items;
    expect(answer.body.items.length, 'a page with a next cursor is full').to.equal(limit);
  }
  throw new Error('too many pages');
}

/** Case numbers of a list. */
export const caseNos = (items: Record<string, unknown>[]): unknown[] => items.map((item) => item.caseNo);

/** Polls an import until it is done or failed; fails the test after `timeoutMs`. */
export async function waitForImport(node: ApiClient, id: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await node.api('GET', `/api/v1/imports/${id}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    if (answer.body.status === 'done' || answer.body.status === 'failed') return answer.body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${answer.body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}
