/**
 * Every route × every kind of caller, against the expectations written down here (not read from
 * node/access): the bootstrap token, each role, a department system, no credentials, and an
 * expired, forged or revoked token. "Allowed" means the request got past the access check (any
 * answer but 401/403: a 400 for an empty body still proves the guard let it through); "denied"
 * means 403 FORBIDDEN for a signed-in caller and 401 for the rest.
 *
 * The table must name every route of node/access/route-policy.ts, so a new route cannot slip in
 * without its row here.
 */
import { expect } from 'chai';
import { generateKeyPair, SignJWT, decodeProtectedHeader, decodeJwt } from 'jose';
import { startTestNode, TEST_TOKEN, type TestNode, type ApiAnswer } from '../support/test-node.ts';
import { accepted, postAccepted, setUpCatalog } from '../support/api-fixtures.ts';
import { alertsWhere, sweepAt } from '../support/alert-fixtures.ts';
import { as, clientToken, createClient, createUser, login } from '../support/access-fixtures.ts';
import { apiRequest } from '../support/api-request.ts';
import { ROUTE_POLICY } from '../../node/access/route-policy.ts';

const MON = '2026-03-02T10:00:00+08:00';
const FRI = '2026-03-06T10:00:00+08:00';

type Caller = 'bootstrap' | 'nodeAdmin' | 'supervisor' | 'officer' | 'leader' | 'auditor' | 'client';
const CALLERS: Caller[] = ['bootstrap', 'nodeAdmin', 'supervisor', 'officer', 'leader', 'auditor', 'client'];

const PUBLIC = 'public' as const;
const PEOPLE: Caller[] = ['nodeAdmin', 'supervisor', 'officer', 'leader', 'auditor'];
const DEPARTMENT_STAFF: Caller[] = ['officer', 'leader'];
const READERS_OF_RECORD: Caller[] = ['supervisor', 'officer', 'leader', 'auditor'];
const OVERSIGHT: Caller[] = ['nodeAdmin', 'supervisor', 'auditor'];

interface Row {
  /** The ROUTE_POLICY key the request exercises. */
  route: string;
  /** Path with placeholders filled from the fixtures. */
  path: (f: Fixtures) => string;
  body?: unknown;
  /** Who gets past the access check besides the bootstrap token (which gets past every check). */
  allowed: Caller[] | typeof PUBLIC;
}

interface Fixtures {
  alertD1: number;
  caseD1: string;
  userId: string;
  clientId: string;
}

const EMPTY = {};
const ACTIONS = ['notify', 'explain', 'accept', 'reject', 'escalate', 'appeal', 'revoke', 'uphold'];

/** The expectations. Bodies are empty where that is enough to show the check was passed. */
const TABLE: Row[] = [
  { route: 'GET /health', path: () => '/health', allowed: PUBLIC },
  { route: 'GET /.well-known/jwks.json', path: () => '/.well-known/jwks.json', allowed: PUBLIC },
  { route: 'POST /federation/v1/enroll', path: () => '/federation/v1/enroll', body: EMPTY, allowed: PUBLIC },
  { route: 'POST /federation/v1/batches', path: () => '/federation/v1/batches', body: EMPTY, allowed: PUBLIC },
  { route: 'POST /federation/v1/policies', path: () => '/federation/v1/policies', body: EMPTY, allowed: PUBLIC },
  { route: 'POST /federation/v1/audits', path: () => '/federation/v1/audits', body: EMPTY, allowed: PUBLIC },
  { route: 'POST /api/v1/auth/login', path: () => '/api/v1/auth/login', body: EMPTY, allowed: PUBLIC },
  { route: 'POST /api/v1/auth/token', path: () => '/api/v1/auth/token', body: EMPTY, allowed: PUBLIC },

  { route: 'GET /metrics', path: () => '/metrics', allowed: ['nodeAdmin'] },
  { route: 'GET /api/v1/auth/me', path: () => '/api/v1/auth/me', allowed: PEOPLE },
  { route: 'GET /api/v1/openapi.json', path: () => '/api/v1/openapi.json', allowed: PEOPLE },
  { route: 'POST /api/v1/auth/password', path: () => '/api/v1/auth/password', body: EMPTY, allowed: PEOPLE },
  // POST /api/v1/auth/logout is walked on its own below: it ends the session it is sent with.

  { route: 'GET /api/v1/users', path: () => '/api/v1/users', allowed: ['nodeAdmin'] },
  { route: 'POST /api/v1/users', path: () => '/api/v1/users', body: EMPTY, allowed: ['nodeAdmin'] },
  { route: 'GET /api/v1/users/:id', path: (f) => `/api/v1/users/${f.userId}`, allowed: ['nodeAdmin'] },
  { route: 'PATCH /api/v1/users/:id', path: (f) => `/api/v1/users/${f.userId}`, body: { name: 'x'.repeat(500) }, allowed: ['nodeAdmin'] },
  { route: 'DELETE /api/v1/users/:id/sessions', path: (f) => `/api/v1/users/${f.userId}/sessions`, allowed: ['nodeAdmin'] },
  { route: 'GET /api/v1/clients', path: () => '/api/v1/clients', allowed: ['nodeAdmin'] },
  { route: 'POST /api/v1/clients', path: () => '/api/v1/clients', body: EMPTY, allowed: ['nodeAdmin'] },
  { route: 'PATCH /api/v1/clients/:id', path: (f) => `/api/v1/clients/${f.clientId}`, body: { name: 'x'.repeat(500) }, allowed: ['nodeAdmin'] },
  { route: 'POST /api/v1/clients/:id/secret', path: () => '/api/v1/clients/c_does_not_exist/secret', allowed: ['nodeAdmin'] },
  { route: 'GET /api/v1/audit', path: () => '/api/v1/audit', allowed: OVERSIGHT },
  { route: 'GET /api/v1/audit/verify', path: () => '/api/v1/audit/verify', allowed: OVERSIGHT },

  { route: 'GET /api/v1/departments', path: () => '/api/v1/departments', allowed: PEOPLE },
  { route: 'GET /api/v1/departments/:code', path: () => '/api/v1/departments/D1', allowed: PEOPLE },
  { route: 'PUT /api/v1/departments/:code', path: () => '/api/v1/departments/D1', body: EMPTY, allowed: ['nodeAdmin'] },
  { route: 'GET /api/v1/items', path: () => '/api/v1/items', allowed: PEOPLE },
  { route: 'GET /api/v1/items/:itemCode', path: () => '/api/v1/items/IT-D1', allowed: PEOPLE },
  { route: 'PUT /api/v1/items/:itemCode', path: () => '/api/v1/items/IT-D1', body: EMPTY, allowed: ['nodeAdmin'] },
  { route: 'GET /api/v1/departments/:code/contacts', path: () => '/api/v1/departments/D1/contacts', allowed: ['nodeAdmin', 'supervisor'] },
  { route: 'PUT /api/v1/departments/:code/contacts', path: () => '/api/v1/departments/D1/contacts', body: EMPTY, allowed: ['nodeAdmin', 'supervisor'] },
  { route: 'GET /api/v1/notifications', path: () => '/api/v1/notifications', allowed: ['nodeAdmin', 'supervisor'] },
  { route: 'GET /api/v1/notifications/:id', path: () => '/api/v1/notifications/999999', allowed: ['nodeAdmin', 'supervisor'] },
  { route: 'POST /api/v1/notifications/:id/retry', path: () => '/api/v1/notifications/999999/retry', allowed: ['nodeAdmin', 'supervisor'] },

  { route: 'POST /api/v1/events', path: () => '/api/v1/events', body: EMPTY, allowed: ['nodeAdmin', 'client'] },
  { route: 'GET /api/v1/cases', path: () => '/api/v1/cases', allowed: READERS_OF_RECORD },
  { route: 'GET /api/v1/cases/:caseNo', path: (f) => `/api/v1/cases/${f.caseD1}`, allowed: READERS_OF_RECORD },
  { route: 'GET /api/v1/board', path: () => '/api/v1/board', allowed: READERS_OF_RECORD },
  { route: 'GET /api/v1/rejections', path: () => '/api/v1/rejections', allowed: [...READERS_OF_RECORD, 'client'] },
  { route: 'POST /api/v1/imports', path: () => '/api/v1/imports', body: EMPTY, allowed: ['nodeAdmin'] },
  { route: 'GET /api/v1/imports/:id', path: () => '/api/v1/imports/00000000-0000-4000-8000-000000000000', allowed: ['nodeAdmin', 'supervisor'] },

  { route: 'GET /api/v1/rules', path: () => '/api/v1/rules', allowed: PEOPLE },
  { route: 'GET /api/v1/alerts', path: () => '/api/v1/alerts', allowed: READERS_OF_RECORD },
  { route: 'GET /api/v1/alerts/counts', path: () => '/api/v1/alerts/counts?groupBy=status', allowed: READERS_OF_RECORD },
  { route: 'GET /api/v1/alerts/:id', path: (f) => `/api/v1/alerts/${f.alertD1}`, allowed: READERS_OF_RECORD },
  // Dry (at another instant) or not, a sweep decides on alerts: the supervisor's, not the node administrator's.
  { route: 'POST /api/v1/alerts/sweep', path: () => `/api/v1/alerts/sweep?at=${encodeURIComponent(FRI)}`, allowed: ['supervisor'] },
  { route: 'POST /api/v1/alerts/:id/accountability', path: (f) => `/api/v1/alerts/${f.alertD1}/accountability`, body: EMPTY, allowed: ['supervisor'] },
  // The action decides: a department answers its notices, the supervisor decides on them.
  ...ACTIONS.map((action): Row => ({
    route: 'POST /api/v1/alerts/:id/:action', path: (f) => `/api/v1/alerts/${f.alertD1}/${action}`, body: { unknownField: true },
    allowed: action === 'explain' || action === 'appeal' ? DEPARTMENT_STAFF : ['supervisor'],
  })),

  { route: 'GET /api/v1/policy', path: () => '/api/v1/policy', allowed: PEOPLE },
  { route: 'PUT /api/v1/policy', path: () => '/api/v1/policy', body: EMPTY, allowed: ['nodeAdmin'] },
  { route: 'GET /api/v1/calendars', path: () => '/api/v1/calendars', allowed: PEOPLE },
  { route: 'GET /api/v1/calendars/:year', path: () => '/api/v1/calendars/2026', allowed: PEOPLE },
  { route: 'PUT /api/v1/calendars/:year', path: () => '/api/v1/calendars/2026', body: EMPTY, allowed: ['nodeAdmin'] },

  // Rotating keys is exercised with a body the route refuses, so the node keeps one key throughout.
  { route: 'POST /api/v1/federation/keys/rotate', path: () => '/api/v1/federation/keys/rotate?at=not-an-instant', allowed: ['nodeAdmin'] },
  { route: 'GET /api/v1/federation/status', path: () => '/api/v1/federation/status', allowed: OVERSIGHT },
  { route: 'POST /api/v1/federation/sync', path: () => '/api/v1/federation/sync', allowed: ['nodeAdmin'] },
  { route: 'POST /api/v1/federation/enroll', path: () => '/api/v1/federation/enroll', body: EMPTY, allowed: ['nodeAdmin'] },
  { route: 'GET /api/v1/children', path: () => '/api/v1/children', allowed: OVERSIGHT },
  { route: 'POST /api/v1/children', path: () => '/api/v1/children', body: EMPTY, allowed: ['nodeAdmin'] },
  { route: 'POST /api/v1/children/:code/audits', path: () => '/api/v1/children/610299/audits', body: EMPTY, allowed: ['supervisor'] },
  { route: 'GET /api/v1/children/:code/audits', path: () => '/api/v1/children/610299/audits', allowed: OVERSIGHT },
  { route: 'GET /api/v1/children/:code/audits/:id', path: () => '/api/v1/children/610299/audits/1', allowed: OVERSIGHT },
  { route: 'GET /api/v1/rollups', path: () => '/api/v1/rollups', allowed: ['supervisor', 'auditor'] },
];

const methodOf = (row: Row): string => row.route.split(' ')[0]!;

describe('integration: access matrix (every route × every caller)', function () {
  this.timeout(120_000);
  let node: TestNode;
  let fixtures: Fixtures;
  const tokens = new Map<Caller, string>();

  const send = (token: string | null, row: Row): Promise<ApiAnswer> => {
    const path = row.path(fixtures);
    return apiRequest(node.url, token, methodOf(row), path, row.body);
  };

  before(async () => {
    node = await startTestNode();
    await setUpCatalog(node, { D1: '一号局', D2: '二号局' }, [
      { itemCode: 'IT-D1', departmentCode: 'D1', legalLimitDays: 20, promisedLimitDays: 3 },
      { itemCode: 'IT-D2', departmentCode: 'D2', legalLimitDays: 20, promisedLimitDays: 3 },
    ]);
    await postAccepted(node, [accepted('MX-D1', MON, 'IT-D1', 'D1'), accepted('MX-D2', MON, 'IT-D2', 'D2')]);
    await sweepAt(node, FRI);
    const [alertD1] = await alertsWhere(node, 'caseNo=MX-D1&status=notified');
    expect(alertD1, 'a notified alert of D1').to.not.equal(undefined);

    tokens.set('bootstrap', TEST_TOKEN);
    const roles: [Caller, string, string[]][] = [['nodeAdmin', 'nodeAdmin', []], ['supervisor', 'supervisor', []], ['officer', 'departmentOfficer', ['D1']], ['leader', 'departmentLeader', ['D1']], ['auditor', 'auditor', []]];
    for (const [caller, role, departments] of roles) {
      const user = await createUser(node, { role, departments });
      tokens.set(caller, (await login(node, user.login, user.password)).accessToken);
    }
    const client = await createClient(node, ['D1']);
    tokens.set('client', await clientToken(node, client.clientId, client.clientSecret));
    const spare = await createUser(node, { role: 'auditor' });
    const spareClient = await createClient(node, ['D2']);
    fixtures = { alertD1: alertD1!.id, caseD1: 'MX-D1', userId: spare.id, clientId: spareClient.clientId };
  });
  after(() => node?.close());

  it('names every route of the policy table, and no route that is not in it', () => {
    const walked = new Set([...TABLE.map((row) => row.route), 'POST /api/v1/auth/logout']);
    expect([...walked].sort()).to.deep.equal(Object.keys(ROUTE_POLICY).sort());
  });

  for (const caller of CALLERS) {
    it(`${caller}: allowed exactly where the table says`, async () => {
      const token = tokens.get(caller)!;
      const wrong: string[] = [];
      for (const row of TABLE) {
        const answer = await send(token, row);
        const expected = caller === 'bootstrap' || row.allowed === PUBLIC || row.allowed.includes(caller);
        const got = answer.status !== 401 && answer.status !== 403;
        if (got !== expected) wrong.push(`${row.route} ${row.path(fixtures)}: expected ${expected ? 'allowed' : 'denied'}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        if (!got) {
          expect(answer.status, `${caller} ${row.route}`).to.equal(403);
          expect(answer.body.error.code).to.equal('FORBIDDEN');
        }
      }
      expect(wrong, wrong.join('\n')).to.deep.equal([]);
    });
  }

  /** Every non-public route answers 401 UNAUTHORIZED with `reason` to a token that is no good. */
  async function allRefused(token: string | null, reason: string) {
    const wrong: string[] = [];
    for (const row of TABLE) {
      if (row.allowed === PUBLIC) continue;
      const answer = await send(token, row);
      if (answer.status !== 401 || answer.body?.error?.code !== 'UNAUTHORIZED' || (reason !== 'missing' && answer.body.error.details?.reason !== reason)) {
        wrong.push(`${row.route}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      }
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
  }

  it('no credentials: every route but the public ones answers 401; the public ones are reachable', async () => {
    await allRefused(null, 'missing');
    for (const row of TABLE.filter((r) => r.allowed === PUBLIC)) {
      const answer = await send(null, row);
      expect(answer.status, row.route).to.not.be.oneOf([401, 403]);
    }
  });

  it('an expired token: 401 expired everywhere', async () => {
    const user = await createUser(node, { role: 'supervisor' });
    const { accessToken } = await login(node, user.login, user.password);
    const { exp } = decodeJwt(accessToken);
    node.setNow(new Date((exp! + 1) * 1000));
    try {
      await allRefused(accessToken, 'expired');
    } finally {
      node.setNow('2026-03-02T10:00:00+08:00');
    }
  });

  it('forged tokens: another key under the node\'s kid, an altered payload, alg none: 401 invalid everywhere', async () => {
    const genuine = tokens.get('supervisor')!;
    const { kid } = decodeProtectedHeader(genuine);
    const claims = decodeJwt(genuine);
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const otherKey = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'EdDSA', kid: kid! }).sign(privateKey);
    await allRefused(otherKey, 'invalid');
    const [header, , signature] = genuine.split('.');
    const promoted = Buffer.from(JSON.stringify({ ...claims, role: 'bootstrap', sub: 'admin-token' })).toString('base64url');
    await allRefused(`${header}.${promoted}.${signature}`, 'invalid');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await allRefused(`${none}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`, 'invalid');
  });

  it('a revoked token (after logout): 401 revoked everywhere; logout itself is open to every person', async () => {
    for (const caller of PEOPLE) {
      const user = await createUser(node, { role: caller === 'officer' ? 'departmentOfficer' : caller === 'leader' ? 'departmentLeader' : caller, departments: DEPARTMENT_STAFF.includes(caller) ? ['D1'] : [] });
      const { accessToken } = await login(node, user.login, user.password);
      const answer = await as(node, accessToken)('POST', '/api/v1/auth/logout');
      expect(answer.status, `${caller} logout ${JSON.stringify(answer.body)}`).to.equal(204);
      if (caller === 'supervisor') await allRefused(accessToken, 'revoked');
    }
    const answer = await as(node, tokens.get('client')!)('POST', '/api/v1/auth/logout');
    expect(answer.status).to.equal(403);
  });
});
