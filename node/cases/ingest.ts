/**
 * Ingestion of case events: validate each event on its own, tell duplicates from conflicts, check
 * the catalog, append what is accepted, refold every touched case, and keep every refused event
 * with its reason, all in one transaction, so a batch is applied whole or not at all.
 */
import { inScope, type DepartmentScope } from '../access/access-scope.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query, transactionRunner } from '../core/db.ts';
import { checkSchema } from '../http/validation.ts';
import { lockRulesShared, type TimeRules } from '../timelimits/time-rules.ts';
import { appendLeaves, treeSize, leafHash, lockEventLog } from '../../federation/index.ts';
import type { CaseEvent, LimitUnit } from './case-event.ts';
import { eventContent, toStoredEvent, type StoredEvent } from './event-content.ts';
import { eventError, type EventError } from './event-rejection.ts';
import { occurredAtOutside, occurredAtWindow, type OccurredAtLimits } from './occurred-at-window.ts';
import { foldEventByEvent } from './fold-event-by-event.ts';
import {
  findEventHashes, insertEvents, insertRejections, loadCaseEvents, lockCases, resolveRejections, saveCaseStates,
  type CaseStateRow, type LockedCase, type NewEventRow, type RejectionRow,
} from './case-store.ts';
import { caseStateRowOf, computeCaseStateRow, firstOccurredAt, type CommittedLimit } from './case-state.ts';
import { continueFold, type CaseFacts } from '../timelimits/case-facts.ts';
import { parseInstant } from '../calendar/local-date.ts';
import { casesChanged } from '../core/hooks.ts';

export type EventStatus = 'accepted' | 'duplicate' | 'rejected';

export interface EventResult {
  eventId: string | null;
  status: EventStatus;
  error?: EventError;
}

export interface IngestSummary {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: EventResult[];
  /** The cases that took new events (marked due for the sweep); not part of the API answer. */
  touchedCases: string[];
}

export interface IngestOptions {
  /** 'api' or 'import:<id>', kept with every stored event and rejection. */
  source: string;
  receivedAt: Date;
  /** Names an event's position in errors: `/events/3` for the API, `line 12` for imports. */
  fieldPrefix: (index: number) => string;
  /** The import line of each event, stored with its rejection. */
  lineOf?: (index: number) => number;
  /**
   * The departments a department system may report for (null or absent: any). Its events for
   * cases of other departments, or of cases whose department is not known yet, are refused with
   * FORBIDDEN_DEPARTMENT and kept like every refusal.
   */
  departments?: DepartmentScope;
  /** The occurredAt window's settings; the window ends OCCURRED_AT_MAX_AHEAD_HOURS after `receivedAt`. */
  occurredAtLimits: OccurredAtLimits;
}

interface Candidate {
  index: number;
  event: CaseEvent;
  stored: StoredEvent;
  hash: string;
  /** The stored event's canonical JSON, hashed and then stored as its payload. */
  canonical: string;
}

interface ItemRow {
  item_code: string;
  department_code: string;
  legal_limit_days: number;
  promised_limit_days: number;
  limit_unit: LimitUnit;
}

const isIntake = (event: CaseEvent): boolean => event.type === 'accepted' || event.type === 'notAccepted';

/**
 * Validating and hashing a few thousand events takes tens of milliseconds of CPU. Done in one go,
 * it would hold up concurrent requests already inside their transaction, and so the case locks
 * they hold; every YIELD_EVERY events the loop lets their I/O run first.
 */
const YIELD_EVERY = 250;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Removes a plain query password from a refused payload before it is kept. */
function redactPayload(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'queryPassword' in raw) {
    return { ...(raw as Record<string, unknown>), queryPassword: '[redacted]' };
  }
  return raw;
}

function textField(raw: unknown, key: string): string | null {
  if (!raw || typeof raw !== 'object') return null;
  const value = (raw as Record<string, unknown>)[key];
  // Cut at 200 UTF-16 units, a character of two may be cut in half: a lone surrogate PostgreSQL
  // refuses, which would fail the statement keeping every rejection of the batch.
  return typeof value === 'string' ? value.slice(0, 200).toWellFormed() : null;
}

/** Ingests one batch of raw events (already parsed JSON values, up to a few thousand). */
export async function ingestEvents(em: EntityManager, rules: TimeRules, rawEvents: readonly unknown[], options: IngestOptions): Promise<IngestSummary> {
  const results: EventResult[] = rawEvents.map((raw) => ({ eventId: textField(raw, 'eventId'), status: 'accepted' }));
  const refuse = (index: number, error: EventError): void => {
    results[index] = { eventId: results[index]?.eventId ?? null, status: 'rejected', error };
  };

  // 1. Schema, occurredAt window and content hash of each event on its own.
  const window = occurredAtWindow(options.occurredAtLimits, options.receivedAt);
  const valid: { index: number; event: CaseEvent }[] = [];
  for (const [index, raw] of rawEvents.entries()) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    const problem = checkSchema('case-event.schema.json', raw, options.fieldPrefix(index));
    const outside = problem ? null : occurredAtOutside(window, (raw as CaseEvent).occurredAt, `${options.fieldPrefix(index)}/occurredAt`);
    if (problem) refuse(index, eventError('VALIDATION_FAILED', { ...problem }));
    else if (outside) refuse(index, outside);
    else valid.push({ index, event: raw as CaseEvent });
  }
  // Query passwords are hashed concurrently on the libuv pool rather than one after another.
  const storedForms = await Promise.all(valid.map(({ event }) => toStoredEvent(event)));
  const occurrences: Candidate[] = [];
  for (const [position, { index, event }] of valid.entries()) {
    if (position % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    const stored = storedForms[position]!;
    occurrences.push({ index, event, stored, ...eventContent(stored) });
  }

  // A concurrent request that inserted one of these eventIds first (a resend racing its original)
  // is found only when the rows go in, at the end: the batch is then judged again from the start,
  // now seeing that id as held (a duplicate or a conflict), so nothing is applied half.
  const judged = results.slice();
  for (let attempt = 1; ; attempt++) {
    try {
      return await em.transactional((tx) => applyBatch(tx, rules, rawEvents, occurrences, results, options));
    } catch (error) {
      if (!(error instanceof ConcurrentSend) || attempt >= MAX_ATTEMPTS) throw error;
      results.splice(0, results.length, ...judged.map((result) => ({ ...result })));
    }
  }
}

/** Tries of a batch that keeps losing races against concurrent sends of its eventIds. */
const MAX_ATTEMPTS = 5;

/** An eventId of the batch was inserted meanwhile by a concurrent request. */
class ConcurrentSend extends Error {
  override name = 'ConcurrentSend';
}

/** Steps 2-7 in the caller's transaction; `results` holds step 1's verdicts and takes the rest. */
async function applyBatch(
  tx: EntityManager, rules: TimeRules, rawEvents: readonly unknown[], occurrences: readonly Candidate[],
  results: EventResult[], options: IngestOptions,
): Promise<IngestSummary> {
  const refuse = (index: number, error: EventError): void => {
    results[index] = { eventId: results[index]?.eventId ?? null, status: 'rejected', error };
  };
  // Statements over thousands of keys look huge to the planner whenever statistics lag (a new
  // or bulk-loaded table), and JIT compiling them then costs more than running them.
  await execute(tx, 'SET LOCAL jit = off');
  await lockRulesShared(tx, rules);
  // 2. Repeats: an eventId the node holds is judged against the held content; among ids it
  //    does not hold yet, the first occurrence in the batch is the one that counts.
  const held = await findEventHashes(tx, [...new Set(occurrences.map((c) => c.event.eventId))]);
  const firstById = new Map<string, Candidate>();
  const fresh = occurrences.filter((c) => {
    const id = c.event.eventId;
    const field = `${options.fieldPrefix(c.index)}/eventId`;
    const heldHash = held.get(id);
    if (heldHash !== undefined) {
      if (heldHash === c.hash) results[c.index] = { eventId: id, status: 'duplicate' };
      else refuse(c.index, eventError('EVENT_CONFLICT', { field, eventId: id }));
      return false;
    }
    const earlier = firstById.get(id);
    if (earlier === undefined) {
      firstById.set(id, c);
      return true;
    }
    if (earlier.hash === c.hash) results[c.index] = { eventId: id, status: 'duplicate' };
    else refuse(c.index, eventError('EVENT_CONFLICT', { field, eventId: id, firstAt: options.fieldPrefix(earlier.index) }));
    return false;
  });

  // 3. Catalog checks for intake events.
  const intakes = fresh.filter((c) => isIntake(c.event));
  const items = await loadItems(tx, intakes);
  const departments = await loadDepartments(tx, intakes);
  const allowed = options.departments ?? null;
  const checked = fresh.filter((c) => {
    if (c.event.type !== 'accepted' && c.event.type !== 'notAccepted') return true;
    const field = options.fieldPrefix(c.index);
    const item = items.get(c.event.itemCode);
    if (!inScope(allowed, c.event.departmentCode)) refuse(c.index, eventError('FORBIDDEN_DEPARTMENT', { field: `${field}/departmentCode`, departmentCode: c.event.departmentCode }));
    else if (!departments.has(c.event.departmentCode)) refuse(c.index, eventError('UNKNOWN_DEPARTMENT', { field: `${field}/departmentCode`, departmentCode: c.event.departmentCode }));
    else if (!item) refuse(c.index, eventError('UNKNOWN_ITEM', { field: `${field}/itemCode`, itemCode: c.event.itemCode }));
    else if (item.department_code !== c.event.departmentCode) refuse(c.index, eventError('ITEM_DEPARTMENT_MISMATCH', { field: `${field}/departmentCode`, itemCode: item.item_code, itemDepartmentCode: item.department_code }));
    else if ((c.event.promisedLimitDays ?? 0) > item.legal_limit_days) refuse(c.index, eventError('LIMIT_ABOVE_LEGAL', { field: `${field}/promisedLimitDays`, legalLimitDays: item.legal_limit_days }));
    else return true;
    return false;
  });

  // 4. Lock the touched cases, then refuse a second intake for a case. A case's held events are
  //    read only when its cached fold cannot simply be continued (see needsHeldEvents).
  const caseNos = [...new Set(checked.map((c) => c.event.caseNo))];
  const locked = await lockCases(tx, caseNos);
  const incoming = new Map<string, Candidate[]>();
  for (const c of checked) {
    const list = incoming.get(c.event.caseNo);
    if (list) list.push(c);
    else incoming.set(c.event.caseNo, [c]);
  }
  const reread = caseNos.filter((caseNo) => needsHeldEvents(locked.get(caseNo), incoming.get(caseNo) ?? []));
  const existing = await loadCaseEvents(tx, reread);
  const intakeOf = new Map<string, string>();
  const departmentOf = new Map<string, string>();
  for (const [caseNo, events] of existing) {
    const intake = events.find(isIntake);
    if (intake) {
      intakeOf.set(caseNo, intake.eventId);
      departmentOf.set(caseNo, (intake as { departmentCode: string }).departmentCode);
    }
  }
  for (const [caseNo, row] of locked) {
    // Rows not re-read take no intake in this batch: only their department matters.
    if (!existing.has(caseNo) && row.status !== 'pending' && row.departmentCode !== null) departmentOf.set(caseNo, row.departmentCode);
  }
  const admitted = checked.filter((c) => {
    if (!isIntake(c.event)) return true;
    const holder = intakeOf.get(c.event.caseNo);
    // The holder being this very eventId means a concurrent send of it committed first: its
    // insert in step 7 then finds it, and the batch is judged again seeing it held.
    if (holder === undefined || holder === c.event.eventId) {
      intakeOf.set(c.event.caseNo, c.event.eventId);
      return true;
    }
    refuse(c.index, eventError('CASE_ALREADY_ACCEPTED', { field: `${options.fieldPrefix(c.index)}/type`, caseNo: c.event.caseNo, acceptedEventId: holder }));
    return false;
  });

  // 4b. A department system reports only for its own departments' cases: a follow-up event is
  //     judged by the case's intake, held or in this batch; with neither the case's department is
  //     unknown and the event is refused too (it can be sent again once the intake is in).
  for (const c of admitted) if (isIntake(c.event) && !departmentOf.has(c.event.caseNo)) departmentOf.set(c.event.caseNo, (c.event as { departmentCode: string }).departmentCode);
  let accepted = allowed === null ? admitted : admitted.filter((c) => {
    if (isIntake(c.event) || inScope(allowed, departmentOf.get(c.event.caseNo))) return true;
    refuse(c.index, eventError('FORBIDDEN_DEPARTMENT', { field: `${options.fieldPrefix(c.index)}/caseNo`, caseNo: c.event.caseNo }));
    return false;
  });

  // 5. Refold every touched case: from all its events when they were re-read, else by continuing
  //    its cached fold with this batch's events (all later than anything it held). A fold that
  //    throws on what an event holds refuses that event alone (EVENT_UNPROCESSABLE).
  const byCase = new Map<string, Candidate[]>();
  for (const c of accepted) {
    const list = byCase.get(c.event.caseNo);
    if (list) list.push(c);
    else byCase.set(c.event.caseNo, [c]);
  }
  const snapshot = rules.current;
  const refold = (caseNo: string, news: readonly Candidate[]): CaseStateRow => {
    const held = existing.get(caseNo);
    const events = (held === undefined ? news.map((c) => c.stored) : [...held, ...news.map((c) => c.stored)]) as CaseEvent[];
    const row = locked.get(caseNo);
    const limit = committedLimit(row, events, items);
    if (held !== undefined || row === undefined || !isFolded(row.facts)) return computeCaseStateRow(caseNo, events, limit, snapshot);
    const facts = continueFold(row.facts, events);
    return caseStateRowOf(caseNo, facts, row.firstOccurredAt ?? firstOccurredAt(events), limit, snapshot);
  };
  const stateRows: CaseStateRow[] = [];
  const unfoldable = new Set<number>();
  for (const [caseNo, news] of byCase) {
    try {
      stateRows.push(refold(caseNo, news));
    } catch {
      const { row, kept, refused } = foldEventByEvent(news, (c) => c.event.occurredAt, (some) => refold(caseNo, some));
      for (const { item, reason } of refused) {
        refuse(item.index, eventError('EVENT_UNPROCESSABLE', { field: options.fieldPrefix(item.index), reason }));
        unfoldable.add(item.index);
      }
      if (row === null) byCase.delete(caseNo);
      else {
        stateRows.push(row);
        byCase.set(caseNo, kept);
      }
    }
  }
  if (unfoldable.size > 0) accepted = accepted.filter((c) => !unfoldable.has(c.index));
  await saveCaseStates(tx, stateRows);
  await casesChanged(tx, [...byCase.keys()], 'events');

  // 6. Keep every refusal; an id now accepted resolves its earlier refusals.
  const acceptedIds = accepted.map((c) => c.event.eventId);
  const rejections: RejectionRow[] = [];
  for (const [index, result] of results.entries()) {
    if (result.status !== 'rejected' || !result.error) continue;
    const raw = rawEvents[index];
    rejections.push({
      event_id: result.eventId, case_no: textField(raw, 'caseNo'), code: result.error.code, message: result.error.message,
      details: result.error.details, payload: redactPayload(raw) ?? null, line: options.lineOf?.(index) ?? null,
    });
  }
  await resolveRejections(tx, acceptedIds, options.receivedAt);
  await insertRejections(tx, rejections, options.source, options.receivedAt);

  // 7. Last, append the events, numbering each as a leaf of the node's Merkle log under the log's
  //    single-writer lock: it is held from here to the commit, so the shorter this end, the more
  //    batches run side by side. Events and leaves commit together.
  if (accepted.length > 0) {
    const log = transactionRunner(tx);
    await lockEventLog(log);
    const base = await treeSize(log);
    const rows: NewEventRow[] = accepted.map((c, position) => ({
      event_id: c.event.eventId, case_no: c.event.caseNo, type: c.event.type,
      occurred_at: c.event.occurredAt, payload_json: c.canonical, content_hash: c.hash, log_index: base + position,
    }));
    if (!await insertEvents(tx, rows, options.source, options.receivedAt)) throw new ConcurrentSend('an eventId of the batch was inserted by a concurrent request');
    await appendLeaves(log, accepted.map((c) => leafHash(Buffer.from(c.canonical, 'utf8'))));
  }

  const count = (status: EventStatus): number => results.filter((r) => r.status === status).length;
  return { accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), results, touchedCases: [...byCase.keys()] };
}

/** A cached fold, as opposed to the `{}` of a row made by lockCases just now. */
function isFolded(facts: LockedCase['facts']): facts is CaseFacts {
  return typeof (facts as Partial<CaseFacts>).status === 'string';
}

/**
 * Whether a case's held events must be read: to name the intake a second one collides with (or
 * find that it is this very event, sent concurrently), or because a new event does not come
 * strictly after everything the cached fold holds (it must be folded in among them). Otherwise
 * the cached fold continues with the new events alone.
 */
function needsHeldEvents(row: LockedCase | undefined, incoming: readonly Candidate[]): boolean {
  if (row === undefined || !isFolded(row.facts)) return true;
  if (row.status !== 'pending' && incoming.some((c) => isIntake(c.event))) return true;
  const last = row.facts.lastOccurredAt;
  if (last === null) return false;
  const lastMs = parseInstant(last);
  return incoming.some((c) => parseInstant(c.event.occurredAt) <= lastMs);
}

/** The committed limit of a case: fixed at acceptance (the event's override, else the item's). */
function committedLimit(held: LockedCase | undefined, events: CaseEvent[], items: Map<string, ItemRow>): CommittedLimit | null {
  if (held?.limitDays != null && held.limitUnit) return { limitDays: held.limitDays, limitUnit: held.limitUnit as LimitUnit };
  const intake = events.find((e) => e.type === 'accepted');
  if (!intake || intake.type !== 'accepted') return null;
  const item = items.get(intake.itemCode);
  if (!item) return null;
  return { limitDays: intake.promisedLimitDays ?? item.promised_limit_days, limitUnit: item.limit_unit };
}

async function loadItems(em: EntityManager, intakes: Candidate[]): Promise<Map<string, ItemRow>> {
  const codes = [...new Set(intakes.map((c) => (c.event as { itemCode: string }).itemCode))];
  if (codes.length === 0) return new Map();
  const rows = await query<ItemRow>(em, `SELECT item_code, department_code, legal_limit_days, promised_limit_days, limit_unit
    FROM items WHERE item_code = ANY($1::text[])`, [codes]);
  return new Map(rows.map((row) => [row.item_code, row]));
}

async function loadDepartments(em: EntityManager, intakes: Candidate[]): Promise<Set<string>> {
  const codes = [...new Set(intakes.map((c) => (c.event as { departmentCode: string }).departmentCode))];
  if (codes.length === 0) return new Set();
  const rows = await query<{ code: string }>(em, 'SELECT code FROM departments WHERE code = ANY($1::text[])', [codes]);
  return new Set(rows.map((row) => row.code));
}
