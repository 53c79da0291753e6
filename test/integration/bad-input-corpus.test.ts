/**
 * The bad-input corpus against every write route, driven from the route table: each non-GET key of
 * ROUTE_POLICY must have an entry in ROUTES below (a route added later without one fails here).
 *
 * Refusals: wrong top-level types, huge, deep and malformed bodies, wrong content types, and, in
 * every field of a valid body one at a time, wrong types, missing and unknown fields (prototype
 * keys included), injection strings, Unicode tricks, overlong and unstorable text — and the same
 * strings in every path parameter. Each must answer 4xx in the one error shape with a code of the
 * catalogue (or a federation code), and the database must be exactly as before (row count and md5
 * of every table; the audit trail is left out, it records attempts on purpose).
 *
 * POST /api/v1/events judges each event on its own: a batch of bad events answers 200 with every
 * event rejected (its rejections table keeps them, by design). Imports are judged the same way by
 * the worker; the route itself refuses what it can see at once.
 *
 * Acceptances: a corpus string the published schema allows is not bad input. In the free-text and
 * identifier fields listed in ALLOWED_TEXT_FIELDS it must be stored and answered back verbatim as
 * JSON (never interpreted); in secret fields it is taken but never answered back.
 *
 * CORPUS_REPORT=1 prints the route -> entries -> outcome table.
 */
import { expect } from 'chai';
import { ROUTE_POLICY } from '../../node/access/route-policy.ts';
import { ERRORS } from '../../node/core/errors.ts';
import { startTestNode, TEST_TOKEN, type TestNode } from '../support/test-node.ts';
import { accepted, postAccepted, q, setUpCatalog, waitForImport } from '../support/api-fixtures.ts';
import { alertsWhere, sweepAt } from '../support/alert-fixtures.ts';
import { createClient, createUser, login, VALID_PASSWORD } from '../support/access-fixtures.ts';
import { changedTables, settledFingerprint, type FingerprintOptions } from '../support/db-fingerprint.ts';
import {
  allows, bodyCorpus, decodedPathValue, echoTexts, fieldMutations, formCorpus, formOf, pathCorpus, stringCorpus, withValue,
  FORM, INJECTIONS, UNSTORABLE, type Field, type FieldRule, type JsonValue,
} from '../support/input-corpus.ts';

const JSON_LIMIT = 16 * 1024;
const IMPORT_LIMIT = 16 * 1024;
const MON = '2026-03-02T10:00:00+08:00';
const FRI = '2026-03-06T10:00:00+08:00';
/** Later than every event sent: a read at it counts them all. */
const LATER = '2026-03-16T10:00:00+08:00';

/** Codes federation code answers with (FederationError and signature refusals), besides the catalogue's. */
const FEDERATION_CODES = [
  'MALFORMED', 'UNKNOWN_NODE', 'NOT_ENROLLED', 'INVALID_ENROLLMENT_TOKEN', 'ENROLLMENT_TOKEN_EXPIRED', 'ALREADY_ENROLLED',
  'UNKNOWN_KEY', 'BAD_SIGNATURE', 'WRONG_TYPE', 'LEVEL_NOT_BELOW', 'LEVEL_NOT_ABOVE', 'LEVEL_MISMATCH', 'NO_PARENT_URL',
  'NODE_EXISTS', 'NOTHING_WITNESSED', 'STALE_REQUEST', 'REPLAYED', 'WRONG_PARENT',
];
const KNOWN_CODES = new Set([...Object.keys(ERRORS), ...FEDERATION_CODES]);
/** Codes of a rejected event (events-response.schema.json, plus department scoping). */
const EVENT_CODES = new Set(['VALIDATION_FAILED', 'EVENT_CONFLICT', 'UNKNOWN_ITEM', 'UNKNOWN_DEPARTMENT', 'ITEM_DEPARTMENT_MISMATCH', 'CASE_ALREADY_ACCEPTED', 'LIMIT_ABOVE_LEGAL', 'OCCURRED_AT_OUT_OF_RANGE', 'EVENT_UNPROCESSABLE', 'FORBIDDEN_DEPARTMENT']);

/** Tables and columns that record attempts on purpose, left out of "nothing changed". */
const ATTEMPTS: FingerprintOptions = { skipTables: ['audit_log'], skipColumns: ['api_clients.last_used_at', 'sessions.last_used_at'] };
const withSkippedTables = (...tables: string[]): FingerprintOptions => ({ ...ATTEMPTS, skipTables: [...ATTEMPTS.skipTables!, ...tables] });

// Field rules, by what the field holds.
const PRINTABLE = (max: number): FieldRule => ({ kind: 'pattern', pattern: new RegExp(`^[\\x21-\\x7e]{1,${max}}$`), onAllowed: 'echo' });
const CODE: FieldRule = { kind: 'pattern', pattern: /^[A-Za-z0-9._:-]{1,64}$/, onAllowed: 'echo' };
const LOGIN: FieldRule = { kind: 'pattern', pattern: /^[a-z0-9][a-z0-9._@-]{2,63}$/, onAllowed: 'echo' };
const text = (max: number, min = 1): FieldRule => ({ kind: 'text', max, min, onAllowed: 'echo' });
const secret = (max: number, min = 1): FieldRule => ({ kind: 'text', max, min, onAllowed: 'secret' });
const CLOSED: FieldRule = { kind: 'closed' };
const REF: FieldRule = { kind: 'ref' };
const int = (min: number, max: number): FieldRule => ({ kind: 'int', min, max });
const BOOL: FieldRule = { kind: 'bool' };
const OBJECT: FieldRule = { kind: 'object', closed: true };
const array = (minItems = 0): FieldRule => ({ kind: 'array', minItems });
const COMMON_EVENT_FIELDS = { kind: 'skip', why: 'eventId, caseNo and occurredAt are one schema definition, mutated on the accepted event' } as const;
const req = (rule: FieldRule): Field => ({ rule, required: true });
const opt = (rule: FieldRule): Field => ({ rule });

/**
 * The free-text and identifier fields where a corpus string the schema allows is stored and
 * answered back verbatim (the allow-list the task asks for), by route and JSON pointer.
 */
const ALLOWED_TEXT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'PUT /api/v1/departments/:code': [':code', '/name'],
  'PUT /api/v1/items/:itemCode': [':itemCode', '/name', '/fees/0/code', '/fees/0/name'],
  'PUT /api/v1/departments/:code/contacts': ['/contacts/0/name'],
  'PUT /api/v1/calendars/:year': ['/source'],
  'POST /api/v1/alerts/:id/accountability': ['/person', '/decision', '/note'],
  'POST /api/v1/alerts/:id/:action': ['/reason', '/demand', '/explanation', '/correction'],
  'POST /api/v1/events': ['/eventId', '/caseNo', '/applicant/name', '/applicant/idType', '/applicant/idNo', '/reason', '/handler/id', '/handler/name', '/opinion', '/kind', '/feeCode'],
  'POST /api/v1/users': ['/login', '/name'],
  'PATCH /api/v1/users/:id': ['/name'],
  'POST /api/v1/clients': ['/name'],
  'PATCH /api/v1/clients/:id': ['/name'],
};

interface Fixtures {
  alertId: number;
  notificationId: number;
  userToken: string;
  targetUserId: string;
  clientId: string;
  /** Takes an alert of the pool and brings it to `status`; answers its id. */
  alertIn(status: 'open' | 'notified' | 'explained' | 'appealed' | 'accepted'): Promise<number>;
}

interface RouteSpec {
  /** Which variant of the route (an alert action ...). */
  label?: string;
  path(f: Fixtures): string;
  /** Path parameters and what they hold (`pattern` ones take part in the acceptances). */
  params?: Record<string, FieldRule>;
  /** Absent: the route takes no body. `base(n)` is a valid body, fresh for each n. */
  body?: { base(f: Fixtures, n: number): JsonValue; fields: Record<string, Field> };
  /** The caller's token (default: the bootstrap token). */
  token?(f: Fixtures): string;
  /** Even the valid body is refused here (unknown login, no parent ...): every entry is a refusal, none an acceptance. */
  refusesValid?: { status: number; code: string };
  /** A path where an acceptance can be made (a stateful route needs a fresh record each time). */
  fresh?(f: Fixtures): Promise<string>;
  /** Where an accepted write is answered back, when not in its own answer. */
  readBack?(path: string): string;
}

let counter = 0;
const unique = (prefix: string): string => `${prefix}-${++counter}`;

// Actions happen at the node's clock (Friday, set in before()); a write takes no ?at=.
const alertAction = (action: string, body: Record<string, JsonValue>, fields: Record<string, Field>, status: Parameters<Fixtures['alertIn']>[0]): RouteSpec => ({
  label: action,
  path: (f) => `/api/v1/alerts/${f.alertId}/${action}`,
  params: { id: REF, action: CLOSED },
  body: { base: () => body, fields },
  fresh: async (f) => `/api/v1/alerts/${await f.alertIn(status)}/${action}`,
  readBack: (path) => path.replace(/\/[a-z]+$/, ''),
});
const REASON = { '/reason': opt(text(2000)) };

/** Every write route of ROUTE_POLICY, with how to reach it with valid input. */
const ROUTES: Record<string, RouteSpec | RouteSpec[] | 'events' | 'imports'> = {
  'PUT /api/v1/departments/:code': {
    path: () => '/api/v1/departments/D-1', params: { code: CODE }, readBack: (path) => path,
    body: { base: () => ({ name: '部门一' }), fields: { '/name': req(text(200)) } },
  },
  'PUT /api/v1/items/:itemCode': {
    path: () => '/api/v1/items/I-1', params: { itemCode: CODE }, readBack: (path) => path,
    body: {
      base: () => ({ name: '事项一', departmentCode: 'D-1', legalLimitDays: 20, promisedLimitDays: 3, limitUnit: 'workday', fees: [{ code: 'F-1', name: '工本费', amountFen: 100 }], promisedVisits: 1, stages: ['undertake'] }),
      fields: {
        '/name': req(text(200)), '/departmentCode': req(REF), '/legalLimitDays': req(int(0, 3650)), '/promisedLimitDays': req(int(0, 20)),
        '/limitUnit': opt(CLOSED), '/fees': opt(array()), '/fees/0': opt(OBJECT), '/fees/0/code': req(CODE), '/fees/0/name': req(text(200)),
        '/fees/0/amountFen': req(int(0, 100_000_000_000)), '/promisedVisits': opt(int(0, 20)), '/stages': opt(array()), '/stages/0': opt(CLOSED),
      },
    },
  },
  'PUT /api/v1/departments/:code/contacts': {
    path: () => '/api/v1/departments/D-1/contacts', params: { code: REF }, readBack: (path) => path,
    body: {
      base: () => ({ contacts: [{ name: '值班室', channel: 'webhook', address: 'https://hooks.example.test/sv', secret: '0123456789abcdef0123', enabled: true }] }),
      fields: {
        '/contacts': req(array()), '/contacts/0': opt(OBJECT), '/contacts/0/name': req(text(100)), '/contacts/0/channel': req(CLOSED),
        '/contacts/0/address': req(REF), '/contacts/0/secret': opt(secret(200, 16)), '/contacts/0/enabled': opt(BOOL),
      },
    },
  },
  'POST /api/v1/notifications/:id/retry': { path: (f) => `/api/v1/notifications/${f.notificationId}/retry`, params: { id: REF } },
  'POST /api/v1/events': 'events',
  'POST /api/v1/imports': 'imports',
  // A dry run (at another instant): even a body slipping through would write nothing.
  'POST /api/v1/alerts/sweep': { path: () => `/api/v1/alerts/sweep?at=${q(FRI)}` },
  'POST /api/v1/alerts/:id/accountability': {
    path: (f) => `/api/v1/alerts/${f.alertId}/accountability`, params: { id: REF },
    body: {
      base: () => ({ person: '王五', decision: '诫勉谈话', decidedOn: '2026-03-06', note: '超期办理' }),
      fields: { '/person': req(text(100)), '/decision': req(text(500)), '/decidedOn': req(CLOSED), '/note': opt(text(2000)) },
    },
    fresh: async (f) => `/api/v1/alerts/${await f.alertIn('accepted')}/accountability`,
    readBack: (path) => path.replace(/\/accountability$/, ''),
  },
  'POST /api/v1/alerts/:id/:action': [
    alertAction('notify', { reason: '督办', demand: '限期整改' }, { ...REASON, '/demand': opt(text(2000)) }, 'open'),
    alertAction('explain', { explanation: '系统故障', correction: '已整改', reason: '说明' }, { '/explanation': req(text(2000)), '/correction': req(text(2000)), ...REASON }, 'notified'),
    alertAction('accept', { reason: '属实' }, REASON, 'open'),
    alertAction('reject', { reason: '理由不充分' }, REASON, 'explained'),
    alertAction('escalate', { reason: '逾期未答复' }, REASON, 'notified'),
    alertAction('appeal', { reason: '系统故障' }, REASON, 'open'),
    alertAction('revoke', { reason: '申诉成立' }, REASON, 'appealed'),
    alertAction('uphold', { reason: '申诉不成立' }, REASON, 'appealed'),
  ],
  'PUT /api/v1/policy': {
    path: () => '/api/v1/policy',
    body: {
      base: () => ({ yellowAtRemainingDays: 1, yellowCardOverdueDays: 1, redCardOverdueDays: 3, reportByTime: '17:00', nonWorkingDayReportByTime: '17:00', noticeDueWorkingDays: 5, appealWorkingDays: 10 }),
      fields: {
        '/yellowAtRemainingDays': req(int(0, 60)), '/yellowCardOverdueDays': req(int(1, 60)), '/redCardOverdueDays': req(int(1, 120)),
        '/reportByTime': opt(CLOSED), '/nonWorkingDayReportByTime': opt(CLOSED), '/noticeDueWorkingDays': opt(int(1, 60)), '/appealWorkingDays': opt(int(1, 60)),
      },
    },
  },
  'PUT /api/v1/calendars/:year': {
    path: () => '/api/v1/calendars/2027', params: { year: CLOSED },
    body: {
      base: () => ({ year: 2027, holidays: ['2027-01-01'], workdays: [], source: '国务院办公厅通知' }),
      fields: { '/year': opt(int(1990, 2200)), '/holidays': req(array()), '/holidays/0': opt(CLOSED), '/workdays': req(array()), '/source': opt(text(500, 0)) },
    },
  },
  'POST /api/v1/federation/keys/rotate': { path: () => '/api/v1/federation/keys/rotate' },
  'POST /api/v1/federation/sync': { path: () => '/api/v1/federation/sync' },
  'POST /api/v1/federation/enroll': {
    path: () => '/api/v1/federation/enroll', refusesValid: { status: 409, code: 'NO_PARENT_URL' },
    body: { base: () => ({ token: 't'.repeat(32) }), fields: { '/token': req(secret(200, 20)) } },
  },
  'POST /api/v1/children': {
    path: () => '/api/v1/children', refusesValid: { status: 422, code: 'LEVEL_NOT_BELOW' },
    body: { base: () => ({ code: '610299', name: '下级', level: 'county' }), fields: { '/code': req(CLOSED), '/name': req(text(200)), '/level': req(CLOSED) } },
  },
  'POST /api/v1/children/:code/audits': {
    path: () => '/api/v1/children/610299/audits', params: { code: CLOSED }, refusesValid: { status: 404, code: 'UNKNOWN_NODE' },
    body: {
      base: () => ({ from: '2026-03-01', to: '2026-03-02', departmentCode: 'D-1', requestedBy: '监察员', pageSize: 10 }),
      fields: { '/from': req(CLOSED), '/to': req(CLOSED), '/departmentCode': opt(CODE), '/requestedBy': opt(text(200)), '/pageSize': opt(int(1, 1000)) },
    },
  },
  'POST /federation/v1/enroll': {
    path: () => '/federation/v1/enroll', refusesValid: { status: 403, code: 'INVALID_ENROLLMENT_TOKEN' },
    body: {
      base: () => ({ token: 't'.repeat(32), node: { code: '610299', level: 'county', name: '下级', publicUrl: null, jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), kid: 'B'.repeat(43) }] } } }),
      fields: {
        '/token': req(secret(200, 20)), '/node': req(OBJECT), '/node/code': req(CLOSED), '/node/level': req(CLOSED), '/node/name': req(text(200)),
        '/node/publicUrl': opt({ kind: 'text', max: 500, onAllowed: 'echo', nullable: true }), '/node/jwks': req({ kind: 'object', closed: false }),
        '/node/jwks/keys': req(array(1)), '/node/jwks/keys/0': req({ kind: 'object', closed: false }), '/node/jwks/keys/0/kty': req(CLOSED),
        '/node/jwks/keys/0/crv': req(CLOSED), '/node/jwks/keys/0/x': req(CLOSED), '/node/jwks/keys/0/kid': req(CLOSED),
      },
    },
  },
  'POST /federation/v1/batches': {
    path: () => '/federation/v1/batches', refusesValid: { status: 403, code: 'UNKNOWN_NODE' },
    body: { base: () => ({ batch: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln', keyAnnouncements: ['x.y.z'] }), fields: { '/batch': req(CLOSED), '/keyAnnouncements': opt(array()), '/keyAnnouncements/0': opt(CLOSED) } },
  },
  'POST /federation/v1/policies': {
    path: () => '/federation/v1/policies', refusesValid: { status: 403, code: 'UNKNOWN_NODE' },
    body: { base: () => ({ node: '610299' }), fields: { '/node': req(CLOSED) } },
  },
  'POST /federation/v1/audits': {
    path: () => '/federation/v1/audits', refusesValid: { status: 403, code: 'UNKNOWN_NODE' },
    body: { base: () => ({ request: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln' }), fields: { '/request': req(CLOSED) } },
  },
  'POST /api/v1/auth/login': {
    path: () => '/api/v1/auth/login', refusesValid: { status: 401, code: 'LOGIN_FAILED' },
    body: { base: () => ({ login: 'nobody.here', password: 'Wrong-Passw0rd-2026!' }), fields: { '/login': req(text(64)), '/password': req(secret(1024)) } },
  },
  'POST /api/v1/auth/token': [
    {
      label: 'client_credentials', path: () => '/api/v1/auth/token', refusesValid: { status: 401, code: 'INVALID_CLIENT' },
      body: { base: (f) => ({ grant_type: 'client_credentials', client_id: f.clientId, client_secret: 'wrong-secret-0123456789' }), fields: { '/grant_type': req(CLOSED), '/client_id': opt(text(40)), '/client_secret': opt(secret(200)) } },
    },
    {
      label: 'refresh_token', path: () => '/api/v1/auth/token', refusesValid: { status: 401, code: 'INVALID_GRANT' },
      body: { base: () => ({ grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' }), fields: { '/grant_type': req(CLOSED), '/refresh_token': req(secret(200)) } },
    },
  ],
  'POST /api/v1/auth/logout': { path: () => '/api/v1/auth/logout', token: (f) => f.userToken },
  'POST /api/v1/auth/password': {
    path: () => '/api/v1/auth/password', token: (f) => f.userToken, refusesValid: { status: 403, code: 'WRONG_PASSWORD' },
    body: { base: () => ({ currentPassword: 'Wrong-Current-2026!', newPassword: 'Corpus-New-Passw0rd!' }), fields: { '/currentPassword': req(secret(1024)), '/newPassword': req(secret(1024)) } },
  },
  'POST /api/v1/users': [
    {
      label: 'node-wide role', path: () => '/api/v1/users',
      body: { base: (_f, n) => ({ login: `corpus.made.${n}`, name: '新用户', role: 'supervisor', password: VALID_PASSWORD }), fields: { '/login': req(LOGIN), '/name': req(text(100)), '/role': req(CLOSED), '/password': req(secret(1024)) } },
    },
    {
      label: 'department role', path: () => '/api/v1/users',
      body: { base: (_f, n) => ({ login: `corpus.dept.${n}`, name: '经办人', role: 'departmentOfficer', departments: ['D-1'], password: VALID_PASSWORD }), fields: { '/login': { rule: { kind: 'skip', why: 'as for a node-wide role' } }, '/name': req(text(100)), '/role': req(CLOSED), '/departments': opt(array()), '/departments/0': opt(REF), '/password': req(secret(1024)) } },
    },
  ],
  'PATCH /api/v1/users/:id': {
    path: (f) => `/api/v1/users/${f.targetUserId}`, params: { id: REF }, readBack: (path) => path,
    body: {
      base: () => ({ name: '改名', role: 'auditor', disabled: false, unlock: true, password: VALID_PASSWORD }),
      fields: { '/name': opt(text(100)), '/role': opt(CLOSED), '/disabled': opt(BOOL), '/unlock': opt(CLOSED), '/password': opt(secret(1024)) },
    },
  },
  'DELETE /api/v1/users/:id/sessions': { path: (f) => `/api/v1/users/${f.targetUserId}/sessions`, params: { id: REF } },
  'POST /api/v1/clients': {
    path: () => '/api/v1/clients',
    body: { base: () => ({ name: '业务系统', departments: ['D-1'] }), fields: { '/name': req(text(100)), '/departments': req(array(1)), '/departments/0': req(REF) } },
  },
  'PATCH /api/v1/clients/:id': {
    path: (f) => `/api/v1/clients/${f.clientId}`, params: { id: REF },
    body: { base: () => ({ name: '业务系统二', departments: ['D-1'], disabled: false }), fields: { '/name': opt(text(100)), '/departments': opt(array(1)), '/departments/0': opt(REF), '/disabled': opt(BOOL) } },
  },
  'POST /api/v1/clients/:id/secret': { path: (f) => `/api/v1/clients/${f.clientId}/secret`, params: { id: REF } },
};

/** Route -> entries -> outcome, for the report. */
const report = new Map<string, { entries: number; statuses: Map<number, number>; codes: Set<string> }>();

function record(route: string, status: number, code: string | undefined): void {
  const row = report.get(route) ?? { entries: 0, statuses: new Map(), codes: new Set() };
  row.entries += 1;
  row.statuses.set(status, (row.statuses.get(status) ?? 0) + 1);
  if (code) row.codes.add(code);
  report.set(route, row);
}

interface Answer {
  status: number;
  body: any;
  contentType: string;
  text: string;
}

describe('integration: the bad-input corpus on every write route', function () {
  this.timeout(300_000);
  let node: TestNode;
  let f: Fixtures;

  async function send(method: string, path: string, body: { text: string; contentType: string } | undefined, token: string | null = TEST_TOKEN): Promise<Answer> {
    const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
    if (body) headers['content-type'] = body.contentType;
    const response = await fetch(node.url + path, { method, headers, ...(body ? { body: body.text } : {}), signal: AbortSignal.timeout(60_000) });
    const answerText = await response.text();
    let parsed: unknown = null;
    try {
      parsed = answerText === '' ? null : JSON.parse(answerText);
    } catch {
      parsed = answerText;
    }
    return { status: response.status, body: parsed, contentType: response.headers.get('content-type') ?? '', text: answerText };
  }

  /** A refusal: 4xx, the one error shape, a known code, naming the field when it is about one. */
  function expectRefusal(route: string, what: string, answer: Answer, spec: { refusesValid?: { status: number } } = {}, pointer?: string): void {
    const context = `${route} ${what}: ${answer.status} ${answer.text.slice(0, 300)}`;
    expect(answer.status, context).to.be.within(400, 499);
    if (answer.status === 401 || answer.status === 403) expect(spec.refusesValid?.status, `${context} (refused before validation?)`).to.equal(answer.status);
    expect(answer.contentType, context).to.match(/^application\/json/);
    expect(answer.body, context).to.have.keys(['error']);
    expect(answer.body.error, context).to.have.keys(['code', 'message', 'details']);
    expect(KNOWN_CODES.has(answer.body.error.code), `${context}: unknown code`).to.equal(true);
    expect(answer.body.error.message, context).to.be.a('string').and.not.equal('');
    const { code, details } = answer.body.error as { code: string; details: { field?: unknown } };
    if (pointer !== undefined && (code === 'VALIDATION_FAILED' || code === 'INVALID_TEXT')) {
      const field = String(details.field);
      expect(pointer.startsWith(field) || field.startsWith(pointer) || field === '/', `${context}: names ${field}, not ${pointer}`).to.equal(true);
    }
    record(route, answer.status, code);
  }

  before(async () => {
    node = await startTestNode({
      JSON_LIMIT_BYTES: String(JSON_LIMIT), IMPORT_LIMIT_BYTES: String(IMPORT_LIMIT), NOTIFY_ATTEMPTS: '1', LOGIN_MAX_FAILURES: '100',
      // The corpus is hundreds of requests a minute to the sign-in and federation routes: the limits are tested elsewhere.
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000', RATE_LIMIT_PUBLIC_PER_MINUTE: '1000000',
    });
    await setUpCatalog(node, { 'D-1': '部门一' }, [{ itemCode: 'I-1', departmentCode: 'D-1', legalLimitDays: 20, promisedLimitDays: 3 }]);
    const contacts = await node.api('PUT', '/api/v1/departments/D-1/contacts', { contacts: [{ name: '短信', channel: 'sms', address: '+8613800000000' }] });
    expect(contacts.status, JSON.stringify(contacts.body)).to.equal(200);
    const pool = Array.from({ length: 16 }, (_, index) => `POOL-${index + 1}`);
    await postAccepted(node, ['C-BASE', ...pool].map((caseNo) => accepted(caseNo, MON, 'I-1', 'D-1')));
    await sweepAt(node, FRI);
    // Every write from here on happens on Friday, by the node's clock.
    node.setNow(FRI);
    const alerts = await alertsWhere(node);
    const notified = alerts.find((alert) => alert.status === 'notified');
    expect(notified, 'the sweep notified a yellow card').to.not.equal(undefined);
    const notifications = await node.api('GET', `/api/v1/notifications?alertId=${notified!.id}`);
    expect(notifications.body.items.length, JSON.stringify(notifications.body)).to.be.greaterThan(0);
    const used = new Set<number>();
    const take = (status: string): number => {
      const alert = alerts.find((candidate) => candidate.status === status && !used.has(candidate.id));
      if (!alert) throw new Error(`no ${status} alert left in the pool`);
      used.add(alert.id);
      return alert.id;
    };
    const act = async (id: number, action: string, body: Record<string, string>): Promise<void> => {
      const answer = await node.api('POST', `/api/v1/alerts/${id}/${action}`, body);
      expect(answer.status, `${action} ${id}: ${JSON.stringify(answer.body)}`).to.equal(200);
    };
    const user = await createUser(node, { role: 'supervisor' });
    const target = await createUser(node, { role: 'auditor' });
    f = {
      alertId: take('open'),
      notificationId: notifications.body.items[0].id as number,
      userToken: (await login(node, user.login, user.password)).accessToken as string,
      targetUserId: target.id,
      clientId: (await createClient(node, ['D-1'])).clientId,
      async alertIn(status) {
        if (status === 'open') return take('open');
        if (status === 'notified') return take('notified');
        const id = take(status === 'explained' ? 'notified' : 'open');
        if (status === 'explained') await act(id, 'explain', { explanation: '说明', correction: '整改' });
        if (status === 'appealed') await act(id, 'appeal', { reason: '申诉' });
        if (status === 'accepted') await act(id, 'accept', {});
        return id;
      },
    };
  });

  after(async () => {
    if (process.env.CORPUS_REPORT) {
      for (const [route, row] of [...report].sort(([a], [b]) => a.localeCompare(b))) {
        const statuses = [...row.statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ');
        console.log(`| ${route} | ${row.entries} | ${statuses} | ${[...row.codes].sort().join(', ')} |`);
      }
    }
    await node?.close();
  });

  const writeKeys = Object.keys(ROUTE_POLICY).filter((key) => !key.startsWith('GET '));

  it('has corpus entries for every write route of the route table', () => {
    expect(writeKeys.filter((key) => !(key in ROUTES)), 'write routes without corpus entries').to.deep.equal([]);
    expect(Object.keys(ROUTES).filter((key) => !writeKeys.includes(key)), 'corpus entries for routes not in the table').to.deep.equal([]);
  });

  it('names every field where allowed text is answered back in the allow-list, and no other', () => {
    const found: Record<string, string[]> = {};
    for (const [key, entry] of Object.entries(ROUTES)) {
      const fields = entry === 'imports' ? [] : entry === 'events'
        ? Object.values(EVENTS).flatMap((event) => Object.entries(event.fields).filter(([, field]) => isEcho(field.rule)).map(([pointer]) => pointer))
        : (Array.isArray(entry) ? entry : [entry]).flatMap((spec) => acceptedFields(spec).filter(([, rule]) => isEcho(rule)).map(([name]) => name));
      if (fields.length > 0) found[key] = [...new Set(fields)].sort();
    }
    const declared = Object.fromEntries(Object.entries(ALLOWED_TEXT_FIELDS).map(([key, fields]) => [key, [...fields].sort()]));
    expect(found).to.deep.equal(declared);
  });

  describe('refusals: 4xx with a catalogued code, and nothing changes', () => {
    for (const key of writeKeys) {
      const entry = ROUTES[key];
      if (entry === undefined || entry === 'events' || entry === 'imports') continue;
      for (const spec of Array.isArray(entry) ? entry : [entry]) {
        it(`${key}${spec.label ? ` (${spec.label})` : ''}`, async () => {
          const before = await settledFingerprint(node.database.url, ATTEMPTS);
          await refuseAll(key, spec);
          expect(changedTables(before, await settledFingerprint(node.database.url, ATTEMPTS)), `${key}: tables changed by refused input`).to.deep.equal([]);
        });
      }
    }
  });

  describe('POST /api/v1/auth/token as a form (RFC 6749): each refusal its JSON body gets, the same, and the form\'s own', () => {
    const key = 'POST /api/v1/auth/token';
    for (const spec of ROUTES[key] as RouteSpec[]) {
      it(`${key} (${spec.label}, form)`, async () => {
        const before = await settledFingerprint(node.database.url, ATTEMPTS);
        const token = spec.token?.(f) ?? TEST_TOKEN;
        const base = spec.body!.base(f, 0);
        const bodies = [{ name: 'the valid body', pointer: undefined, text: JSON.stringify(base) }, ...fieldMutations(base, spec.body!.fields)];
        let compared = 0;
        for (const mutation of bodies) {
          const form = formOf(mutation.text);
          if (form === null) continue;
          const asForm = await send('POST', '/api/v1/auth/token', { text: form, contentType: FORM }, token);
          expectRefusal(`${key} (form)`, mutation.name, asForm, spec, mutation.pointer);
          const asJson = await send('POST', '/api/v1/auth/token', { text: mutation.text, contentType: 'application/json' }, token);
          expect([asForm.status, asForm.body], `${mutation.name}: as a form as in JSON`).to.deep.equal([asJson.status, asJson.body]);
          compared += 1;
        }
        expect(compared, 'mutations a form can say').to.be.greaterThan(20);
        for (const [label, body] of Object.entries(formCorpus(formOf(JSON.stringify(base))!, JSON_LIMIT))) {
          expectRefusal(`${key} (form)`, label, await send('POST', '/api/v1/auth/token', body, token), spec);
        }
        expect(changedTables(before, await settledFingerprint(node.database.url, ATTEMPTS)), `${key}: tables changed by refused forms`).to.deep.equal([]);
      });
    }
  });

  async function refuseAll(key: string, spec: RouteSpec): Promise<void> {
    const method = key.split(' ')[0]!;
    const path = spec.path(f);
    const token = spec.token?.(f) ?? TEST_TOKEN;
    // A body every route refuses: a 404 naming the path means the router has no such route.
    const probe = await send(method, path, { text: '[]', contentType: 'application/json' }, token);
    expect(probe.status === 404 && probe.body?.error?.details?.path !== undefined, `${key} is not served (404 from the router)`).to.equal(false);
    if (spec.refusesValid) {
      const refused = await send(method, path, { text: JSON.stringify(spec.body!.base(f, 0)), contentType: 'application/json' }, token);
      expect([refused.status, refused.body?.error?.code], `${key}: the valid body is refused as expected: ${refused.text.slice(0, 300)}`).to.deep.equal([spec.refusesValid.status, spec.refusesValid.code]);
    }
    const validText = spec.body ? JSON.stringify(spec.body.base(f, 0)) : '{}';
    // A write is dated by the node's clock: `?at=` on it is refused naming it, never silently
    // ignored nor obeyed (the sweep's is a dry run, which writes nothing: see the workflow tests).
    if (key !== 'POST /api/v1/alerts/sweep') {
      const dated = `${path}${path.includes('?') ? '&' : '?'}at=${q('2020-01-01T00:00:00+08:00')}`;
      const answer = await send(method, dated, spec.body ? { text: validText, contentType: 'application/json' } : undefined, token);
      expectRefusal(key, '?at= on a write', answer, spec);
      expect([answer.status, answer.body.error.code, answer.body.error.details.field], `${key} ?at=: ${answer.text.slice(0, 300)}`).to.deep.equal([400, 'INVALID_PARAMETER', 'at']);
    }
    for (const [label, body] of Object.entries(bodyCorpus(validText, JSON_LIMIT))) expectRefusal(key, label, await send(method, path, body, token), spec);
    if (!spec.body) {
      for (const [label, text] of Object.entries({ 'a property': '{"a": 1}', 'a __proto__ property': '{"__proto__": {"polluted": true}}', 'an empty array': '[]', 'a string': '"x"' })) {
        expectRefusal(key, `no body expected, got ${label}`, await send(method, path, { text, contentType: 'application/json' }, token), spec);
      }
    } else {
      const mutations = fieldMutations(spec.body.base(f, 0), spec.body.fields).filter((mutation) => spec.refusesValid || !mutation.allowed);
      for (const mutation of mutations) {
        expectRefusal(key, mutation.name, await send(method, path, { text: mutation.text, contentType: 'application/json' }, token), spec, mutation.pointer);
      }
    }
    for (const [param, rule] of Object.entries(spec.params ?? {})) {
      const valid = pathParamOf(key, path, param);
      for (const [label, encoded] of Object.entries(pathCorpus(valid))) {
        if (!spec.refusesValid && allows(rule, decodedPathValue(encoded))) continue;
        const body = spec.body ? { text: validText, contentType: 'application/json' } : undefined;
        expectRefusal(key, `:${param} ← ${label}`, await send(method, withPathParam(key, path, param, encoded), body, token), spec);
      }
    }
    expect(Object.getPrototypeOf({}).polluted, 'Object.prototype was polluted').to.equal(undefined);
  }

  describe('POST /api/v1/events: each bad event rejected on its own, nothing else changes', () => {
    it('refuses bad requests with 400 and bad events with 200 and a code per event', async () => {
      const before = await settledFingerprint(node.database.url, withSkippedTables('rejections'));
      const key = 'POST /api/v1/events';
      const valid = JSON.stringify({ events: [EVENTS.accepted.base(0)] });
      for (const [label, body] of Object.entries(bodyCorpus(valid, JSON_LIMIT))) expectRefusal(key, label, await send('POST', '/api/v1/events', body));
      const requestMutations = fieldMutations({ events: [] }, { '/events': req(array(1)) });
      const notObjects = Object.entries({ number: 1, string: 'x', null: null, array: [] }).map(([label, value]) => ({ name: `/events/0 ← ${label}`, pointer: '/events/0', text: JSON.stringify({ events: [value] }) }));
      for (const mutation of [...requestMutations, ...notObjects]) {
        expectRefusal(key, mutation.name, await send('POST', '/api/v1/events', { text: mutation.text, contentType: 'application/json' }), {}, mutation.pointer);
      }
      for (const [type, event] of Object.entries(EVENTS)) {
        for (const mutation of fieldMutations(event.base(0), event.fields).filter((candidate) => !candidate.allowed)) {
          const answer = await send('POST', '/api/v1/events', { text: `{"events": [${mutation.text}]}`, contentType: 'application/json' });
          const what = `${type} ${mutation.name}`;
          // Refused for the whole request, before any event is judged: text no event could store,
          // and a __proto__ key, which the JSON parser refuses outright.
          const unstorable = mutation.value !== undefined && Object.values(UNSTORABLE).includes(mutation.value);
          if (unstorable || mutation.name.endsWith('extra property __proto__')) {
            expectRefusal(key, what, answer, {}, `/events/0${mutation.pointer}`);
            expect(answer.body.error.code, what).to.equal(unstorable ? 'INVALID_TEXT' : 'VALIDATION_FAILED');
            continue;
          }
          expect(answer.status, `${what}: ${answer.text.slice(0, 300)}`).to.equal(200);
          const [result] = answer.body.results as { status: string; error?: { code: string; details: { field?: string } } }[];
          expect(result?.status, `${what}: ${answer.text.slice(0, 300)}`).to.equal('rejected');
          expect(EVENT_CODES.has(result!.error!.code), `${what}: code ${result!.error!.code}`).to.equal(true);
          record(key, 200, `event:${result!.error!.code}`);
        }
      }
      expect(changedTables(before, await settledFingerprint(node.database.url, withSkippedTables('rejections'))), 'tables changed by rejected events').to.deep.equal([]);
    });
  });

  /**
   * Events each refused on their own while the rest of their batch or import goes in: an occurredAt
   * outside the window (9999-12-31 overflowed the timeline's dates, 9990-01-05 made /health list
   * every year to 9999), an offset PostgreSQL cannot read, an identifier whose kept 200 characters
   * end inside a surrogate pair. Once each failed its whole batch with a 500 (or its import).
   */
  const POISONS: { label: string; change: Record<string, JsonValue>; code: string; pointer: string }[] = [
    { label: 'occurredAt 9999-12-31', change: { occurredAt: '9999-12-31T10:00:00+08:00' }, code: 'OCCURRED_AT_OUT_OF_RANGE', pointer: '/occurredAt' },
    { label: 'occurredAt 9990-01-05', change: { occurredAt: '9990-01-05T10:00:00+08:00' }, code: 'OCCURRED_AT_OUT_OF_RANGE', pointer: '/occurredAt' },
    { label: 'occurredAt 1999-12-31', change: { occurredAt: '1999-12-31T23:59:59+08:00' }, code: 'OCCURRED_AT_OUT_OF_RANGE', pointer: '/occurredAt' },
    { label: 'offset -23:59', change: { occurredAt: '2026-03-02T10:00:00-23:59' }, code: 'VALIDATION_FAILED', pointer: '/occurredAt' },
    { label: 'eventId cut inside a surrogate pair', change: { eventId: `${'e'.repeat(199)}\u{1F600}` }, code: 'VALIDATION_FAILED', pointer: '/eventId' },
    { label: 'caseNo cut inside a surrogate pair', change: { caseNo: `${'c'.repeat(199)}\u{1F600}` }, code: 'VALIDATION_FAILED', pointer: '/caseNo' },
  ];
  const poisoned = (n: number, change: Record<string, JsonValue>): Record<string, JsonValue> => ({ ...(EVENTS.accepted.base(n) as Record<string, JsonValue>), ...change });

  describe('POST /api/v1/events: a poison event among valid ones', () => {
    for (const { label, change, code, pointer } of POISONS) {
      it(`refuses ${label} and keeps it, and applies the other 50 events of its batch`, async () => {
        const valid = Array.from({ length: 50 }, (_, n) => EVENTS.accepted.base(n) as Record<string, JsonValue>);
        const poison = poisoned(50, change);
        const answer = await send('POST', '/api/v1/events', { text: JSON.stringify({ events: [...valid.slice(0, 25), poison, ...valid.slice(25)] }), contentType: 'application/json' });
        expect(answer.status, answer.text.slice(0, 300)).to.equal(200);
        expect([answer.body.accepted, answer.body.duplicates, answer.body.rejected], answer.text.slice(0, 300)).to.deep.equal([50, 0, 1]);
        const refused = answer.body.results[25];
        expect([refused.status, refused.error.code, refused.error.details.field]).to.deep.equal(['rejected', code, `/events/25${pointer}`]);
        record('POST /api/v1/events', 200, `poison:${code}`);
        const [kept] = (await send('GET', '/api/v1/rejections?limit=1', undefined)).body.items;
        expect([kept.code, kept.details.field, kept.payload]).to.deep.equal([code, `/events/25${pointer}`, { ...poison, queryPassword: '[redacted]' }]);
        for (const event of [valid[0]!, valid[49]!]) {
          const stored = await send('GET', `/api/v1/cases/${encodeURIComponent(String(event.caseNo))}?at=${q(LATER)}`, undefined);
          expect([stored.status, stored.body.status], `${label}: ${String(event.caseNo)}`).to.deep.equal([200, 'open']);
        }
      });
    }
  });

  describe('POST /api/v1/imports: refused at once when the route can tell, row by row otherwise', () => {
    it('refuses wrong content types, oversized, empty and badly headed bodies, changing nothing', async () => {
      const key = 'POST /api/v1/imports';
      const before = await settledFingerprint(node.database.url, ATTEMPTS);
      const header = 'eventId,caseNo,type,occurredAt';
      const row = `E-1,C-1,resumed,${MON}`;
      const bodies: Record<string, { text: string; contentType: string }> = {
        'CSV as application/json': { text: `${header}\n${row}`, contentType: 'application/json' },
        'CSV as text/plain': { text: `${header}\n${row}`, contentType: 'text/plain' },
        'JSON object': { text: '{"events": []}', contentType: 'application/json' },
        'no content type': { text: `${header}\n${row}`, contentType: '' },
        huge: { text: `${header}\n${`${row}\n`.repeat(Math.ceil(IMPORT_LIMIT / row.length) + 1)}`, contentType: 'text/csv' },
        empty: { text: '', contentType: 'text/csv' },
        'only blanks': { text: ' \n \n', contentType: 'application/x-ndjson' },
        'missing required columns': { text: 'eventId,type\nE-1,resumed', contentType: 'text/csv' },
        ...Object.fromEntries(Object.entries({ ...INJECTIONS, toString: 'toString', hasOwnProperty: 'hasOwnProperty', nul: 'a\u0000b' })
          .map(([label, column]) => [`header column ${label}`, { text: `${header},"${column.replaceAll('"', '""')}"\n${row},x`, contentType: 'text/csv' }])),
      };
      for (const [label, body] of Object.entries(bodies)) expectRefusal(key, label, await send('POST', '/api/v1/imports', body.contentType === '' ? { text: body.text, contentType: 'application/octet-stream' } : body));
      expect(changedTables(before, await settledFingerprint(node.database.url, ATTEMPTS))).to.deep.equal([]);
    });

    it('refuses each poison row on its own and kept, and applies every other row of the import', async () => {
      const valid = Array.from({ length: 10 }, (_, n) => EVENTS.accepted.base(n) as Record<string, JsonValue>);
      const lines = [...valid.slice(0, 5), ...POISONS.map(({ change }, n) => poisoned(n, change)), ...valid.slice(5)].map((event) => JSON.stringify(event));
      const answer = await send('POST', '/api/v1/imports', { text: lines.join('\n'), contentType: 'application/x-ndjson' });
      expect(answer.status, answer.text).to.equal(202);
      const done = await waitForImport(node, answer.body.id as string);
      expect([done.status, done.error, done.accepted, done.rejected], JSON.stringify(done).slice(0, 500)).to.deep.equal(['done', null, 10, POISONS.length]);
      const rows = (done.rejectedRows as { line: number; code: string; details: { field: string } }[]).map((row) => [row.line, row.code, row.details.field]);
      expect(rows).to.deep.equal(POISONS.map(({ code, pointer }, n) => [6 + n, code, `line ${6 + n}${pointer}`]));
      record('POST /api/v1/imports', 202, 'import with poison rows');
    });

    it('takes a well-formed import of bad rows and rejects every row, changing no case or event', async () => {
      const key = 'POST /api/v1/imports';
      const before = await settledFingerprint(node.database.url, withSkippedTables('imports', 'rejections'));
      const base = EVENTS.accepted.base(0) as Record<string, JsonValue>;
      const rows = fieldMutations(base, EVENTS.accepted.fields).filter((mutation) => !mutation.allowed).map((mutation) => mutation.text);
      rows.push('{"eventId": ', `${'['.repeat(100)}${']'.repeat(100)}`, '"just a string"', 'null');
      const ndjson = rows.join('\n');
      expect(Buffer.byteLength(ndjson), 'the bad rows fit in one import').to.be.below(IMPORT_LIMIT * 8);
      // Sent in parts that fit the import limit.
      const parts: string[][] = [[]];
      for (const line of rows) {
        if (Buffer.byteLength([...parts.at(-1)!, line].join('\n')) > IMPORT_LIMIT) parts.push([]);
        parts.at(-1)!.push(line);
      }
      for (const part of parts) {
        const answer = await send('POST', '/api/v1/imports', { text: part.join('\n'), contentType: 'application/x-ndjson' });
        expect(answer.status, answer.text).to.equal(202);
        record(key, 202, 'import of bad rows');
        const done = await waitForImport(node, answer.body.id as string);
        expect([done.status, done.accepted, done.rejected], JSON.stringify(done).slice(0, 500)).to.deep.equal(['done', 0, part.length]);
      }
      expect(changedTables(before, await settledFingerprint(node.database.url, withSkippedTables('imports', 'rejections')))).to.deep.equal([]);
    });
  });

  describe('acceptances: text the schema allows is stored and answered back verbatim, never interpreted', () => {
    for (const key of writeKeys) {
      const entry = ROUTES[key];
      if (entry === undefined || entry === 'events' || entry === 'imports') continue;
      for (const spec of (Array.isArray(entry) ? entry : [entry]).filter((candidate) => acceptedFields(candidate).length > 0)) {
        it(`${key}${spec.label ? ` (${spec.label})` : ''}`, async () => acceptAll(key, spec));
      }
    }

    it('POST /api/v1/events', async () => {
      for (const [type, event] of Object.entries(EVENTS)) {
        for (const [pointer, { rule }] of Object.entries(event.fields)) {
          for (const value of allowedValues(rule, event.base(0), pointer)) {
            const body = withValue(event.base(++counter), pointer, value) as Record<string, JsonValue>;
            const answer = await send('POST', '/api/v1/events', { text: JSON.stringify({ events: [body] }), contentType: 'application/json' });
            const what = `${type} ${pointer} ← ${JSON.stringify(value)}`;
            expect(answer.status, `${what}: ${answer.text}`).to.equal(200);
            expect(answer.body.results[0].status, `${what}: ${answer.text}`).to.equal('accepted');
            const stored = await send('GET', `/api/v1/cases/${encodeURIComponent(String(body.caseNo))}?at=${q(LATER)}`, undefined);
            expect(stored.status, `${what}: ${stored.text.slice(0, 300)}`).to.equal(200);
            expectAnsweredBack(what, rule, value, answer, stored);
            record('POST /api/v1/events', 200, 'accepted verbatim');
          }
        }
      }
    });
  });

  async function acceptAll(key: string, spec: RouteSpec): Promise<void> {
    const method = key.split(' ')[0]!;
    const token = spec.token?.(f) ?? TEST_TOKEN;
    const path = spec.path(f);
    const check = async (what: string, target: string, bodyText: string | undefined, rule: FieldRule, value: string): Promise<void> => {
      const answer = await send(method, target, bodyText === undefined ? undefined : { text: bodyText, contentType: 'application/json' }, token);
      // A secret the schema allows may still fail a policy (a password's): never a 5xx, never answered back.
      const isSecret = (rule.kind === 'text' || rule.kind === 'pattern') && rule.onAllowed === 'secret';
      expect(answer.status, `${key} ${what}: ${answer.text.slice(0, 300)}`).to.be.within(200, isSecret ? 499 : 299);
      const readBack = spec.readBack ? await send('GET', spec.readBack(target), undefined, token) : null;
      expectAnsweredBack(`${key} ${what}`, rule, value, answer, readBack);
      record(key, answer.status, 'accepted verbatim');
    };
    for (const [pointer, { rule }] of Object.entries(spec.body?.fields ?? {})) {
      for (const value of allowedValues(rule, spec.body!.base(f, 0), pointer)) {
        const target = spec.fresh ? await spec.fresh(f) : path;
        await check(`${pointer} ← ${JSON.stringify(value)}`, target, JSON.stringify(withValue(spec.body!.base(f, ++counter), pointer, value)), rule, value);
      }
    }
    for (const [param, rule] of Object.entries(spec.params ?? {})) {
      if (rule.kind !== 'pattern') continue;
      for (const value of allowedValues(rule, pathParamOf(key, path, param), null)) {
        const body = spec.body ? JSON.stringify(spec.body.base(f, ++counter)) : undefined;
        await check(`:${param} ← ${JSON.stringify(value)}`, withPathParam(key, path, param, encodeURIComponent(value)), body, rule, value);
      }
    }
  }

  /** The answer is JSON, and the value is in it or in the read-back (echo), or in neither (secret). */
  function expectAnsweredBack(what: string, rule: FieldRule, value: string, answer: Answer, readBack: Answer | null): void {
    expect(answer.contentType, what).to.match(/^application\/json/);
    const shown = [answer, ...(readBack ? [readBack] : [])].some((candidate) => holdsString(candidate.body, value));
    const onAllowed = rule.kind === 'text' || rule.kind === 'pattern' ? rule.onAllowed : 'echo';
    expect(shown, `${what}: ${onAllowed === 'echo' ? 'not answered back verbatim' : 'a secret answered back'}`).to.equal(onAllowed === 'echo');
  }
});

const isEcho = (rule: FieldRule): boolean => (rule.kind === 'text' || rule.kind === 'pattern') && rule.onAllowed === 'echo';

/** The body fields (by pointer) and path parameters (`:name`) of a route where a corpus string can be allowed. */
function acceptedFields(spec: RouteSpec): [string, FieldRule][] {
  if (spec.refusesValid) return [];
  const body = Object.entries(spec.body?.fields ?? {}).map(([pointer, field]): [string, FieldRule] => [pointer, field.rule]);
  const params = Object.entries(spec.params ?? {}).map(([name, rule]): [string, FieldRule] => [`:${name}`, rule]);
  return [...body, ...params].filter(([, rule]) => rule.kind === 'text' || rule.kind === 'pattern');
}

/** The allowed corpus values for a field: packed free text (one request proves many), or each identifier the pattern allows. */
function allowedValues(rule: FieldRule, base: JsonValue, pointer: string | null): string[] {
  if (rule.kind === 'text') return echoTexts(rule.max);
  if (rule.kind !== 'pattern') return [];
  const valid = pointer === null ? 'x' : String(readValue(base, pointer) ?? 'x');
  return [...new Set(Object.values(stringCorpus(rule, valid)).filter((value) => allows(rule, value)))];
}

function readValue(body: JsonValue, pointer: string): JsonValue | undefined {
  let at: JsonValue | undefined = body;
  for (const key of pointer.slice(1).split('/')) at = at !== null && typeof at === 'object' ? (at as Record<string, JsonValue>)[key] : undefined;
  return at;
}

/** Whether `value` is somewhere in `body` as a whole string (a key or a value). */
function holdsString(body: unknown, value: string): boolean {
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === value) return true;
    if (item !== null && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) {
        if (key === value) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

/** The value a concrete path holds for `:param` of the route key. */
function pathParamOf(key: string, path: string, param: string): string {
  const pattern = key.split(' ')[1]!.split('/');
  const actual = path.split('?')[0]!.split('/');
  return decodeURIComponent(actual[pattern.indexOf(`:${param}`)] ?? '');
}

/** The concrete path with `:param` replaced by an already-encoded value. */
function withPathParam(key: string, path: string, param: string, encoded: string): string {
  const pattern = key.split(' ')[1]!.split('/');
  const [pathPart, query] = path.split('?');
  const actual = pathPart!.split('/');
  actual[pattern.indexOf(`:${param}`)] = encoded;
  return actual.join('/') + (query === undefined ? '' : `?${query}`);
}

/** A valid event of each type (intake events for a fresh case, the others for C-BASE) and its fields. */
interface EventSpec {
  base(n: number): JsonValue;
  fields: Record<string, Field>;
}

const EVENTS = {
  accepted: {
    base: (n) => ({
      eventId: unique(`EV-${n}`), caseNo: unique(`CN-${n}`), type: 'accepted', occurredAt: MON, itemCode: 'I-1', departmentCode: 'D-1',
      applicant: { name: '张三', idType: '111', idNo: '110101199003071234' }, channel: 'web', queryPassword: 'query-pass-1', promisedLimitDays: 3,
    }),
    fields: {
      '/eventId': req(PRINTABLE(64)), '/caseNo': req(PRINTABLE(50)), '/type': req(CLOSED), '/occurredAt': req(CLOSED), '/itemCode': req(REF),
      '/departmentCode': req(REF), '/applicant': req(OBJECT), '/applicant/name': req(text(200)), '/applicant/idType': opt(text(20)),
      '/applicant/idNo': opt(text(50)), '/channel': opt(CLOSED), '/queryPassword': opt(secret(64)), '/promisedLimitDays': opt(int(0, 20)),
    },
  },
  notAccepted: {
    base: (n) => ({ eventId: unique(`EV-${n}`), caseNo: unique(`CN-${n}`), type: 'notAccepted', occurredAt: MON, itemCode: 'I-1', departmentCode: 'D-1', applicant: { name: '李四' }, reason: '不属于本机关职权范围' }),
    fields: {
      '/eventId': { rule: COMMON_EVENT_FIELDS }, '/caseNo': { rule: COMMON_EVENT_FIELDS }, '/occurredAt': { rule: COMMON_EVENT_FIELDS }, '/type': req(CLOSED),
      '/itemCode': req(REF), '/departmentCode': req(REF), '/applicant': req(OBJECT), '/applicant/name': { rule: { kind: 'skip', why: 'as on the accepted event' } }, '/reason': req(text(500)),
    },
  },
  stage: {
    base: (n) => ({ eventId: unique(`EV-${n}`), caseNo: 'C-BASE', type: 'stage', occurredAt: MON, stage: 'review', action: 'pass', handler: { id: 'h-1', name: '李四' }, opinion: '同意' }),
    fields: {
      '/eventId': { rule: COMMON_EVENT_FIELDS }, '/caseNo': { rule: COMMON_EVENT_FIELDS }, '/occurredAt': { rule: COMMON_EVENT_FIELDS }, '/type': req(CLOSED),
      '/stage': req(CLOSED), '/action': opt(CLOSED), '/handler': opt(OBJECT), '/handler/id': req(text(64)), '/handler/name': req(text(100)), '/opinion': opt(text(2000, 0)),
    },
  },
  suspended: {
    base: (n) => ({ eventId: unique(`EV-${n}`), caseNo: 'C-BASE', type: 'suspended', occurredAt: MON, procedure: 'special', kind: 'expertReview', reason: '专家评审', plannedDays: 5, plannedUnit: 'workday' }),
    fields: {
      '/eventId': { rule: COMMON_EVENT_FIELDS }, '/caseNo': { rule: COMMON_EVENT_FIELDS }, '/occurredAt': { rule: COMMON_EVENT_FIELDS }, '/type': req(CLOSED),
      '/procedure': req(CLOSED), '/kind': opt(text(40)), '/reason': opt(text(500)), '/plannedDays': opt(int(0, 3650)), '/plannedUnit': opt(CLOSED),
    },
  },
  fee: {
    base: (n) => ({ eventId: unique(`EV-${n}`), caseNo: 'C-BASE', type: 'fee', occurredAt: MON, feeCode: 'FEE-1', amountFen: 100 }),
    fields: {
      '/eventId': { rule: COMMON_EVENT_FIELDS }, '/caseNo': { rule: COMMON_EVENT_FIELDS }, '/occurredAt': { rule: COMMON_EVENT_FIELDS }, '/type': req(CLOSED),
      '/feeCode': req(CODE), '/amountFen': req(int(0, 100_000_000_000)),
    },
  },
  concluded: {
    base: (n) => ({ eventId: unique(`EV-${n}`), caseNo: 'C-BASE', type: 'concluded', occurredAt: MON, result: 'approved' }),
    fields: { '/eventId': { rule: COMMON_EVENT_FIELDS }, '/caseNo': { rule: COMMON_EVENT_FIELDS }, '/occurredAt': { rule: COMMON_EVENT_FIELDS }, '/type': req(CLOSED), '/result': req(CLOSED) },
  },
  resumed: {
    base: (n) => ({ eventId: unique(`EV-${n}`), caseNo: 'C-BASE', type: 'resumed', occurredAt: MON }),
    fields: { '/eventId': { rule: COMMON_EVENT_FIELDS }, '/caseNo': { rule: COMMON_EVENT_FIELDS }, '/occurredAt': { rule: COMMON_EVENT_FIELDS }, '/type': req(CLOSED) },
  },
} satisfies Record<string, EventSpec>;

