/**
 * The demo's people and systems against a real node: the accounts it makes (again on a restart,
 * with new passwords), its sessions (sign in, renew an expired access token with the refresh
 * token, sign in again once the session is gone), and the workflow actor acting as those people,
 * so the alert history and the audit trail name `user:<login>` and the simulator's events
 * `client:<id>`, never the bootstrap token.
 *
 * IT-D1 and IT-D2 are committed at 3 working days: accepted Mon 2026-03-02, yellow card (with its
 * notice) on Fri 03-06. D2 has no staff in the demo's map, so its notices get no answer.
 */
import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { startTestNode, TEST_TOKEN, type TestNode } from '../support/test-node.ts';
import { accepted, setUpCatalog } from '../support/api-fixtures.ts';
import { alertsWhere, sweepAt } from '../support/alert-fixtures.ts';
import { NODE_PEOPLE, createDemoAccounts, departmentPeople, registerDemoSystem, staffLogin, type DemoAccount } from '../../node/demo/demo-accounts.ts';
import { ClientSession, UserSession, type Credentials } from '../../node/demo/demo-sessions.ts';
import { DemoClient } from '../../node/demo/demo-client.ts';
import { WorkflowActor } from '../../node/demo/workflow-actor.ts';

const MON = '2026-03-02T10:00:00+08:00';
const FRI = '2026-03-06T10:00:00+08:00';
const FRI_LATER = '2026-03-06T11:00:00+08:00';
const DEPARTMENTS = [{ code: 'D1', name: '一号局' }, { code: 'D2', name: '二号局' }];

interface AuditEntry { actor: string; action: string; status: number; record: string | null }

describe('integration: the demo\'s people and systems', function () {
  this.timeout(120_000);
  let node: TestNode;
  let people: DemoAccount[];
  const quiet = (): void => undefined;
  const account = (login: string): DemoAccount => people.find((candidate) => candidate.login === login)!;

  async function audit(query: string): Promise<AuditEntry[]> {
    const answer = await node.api('GET', `/api/v1/audit?limit=500&${query}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body.items as AuditEntry[];
  }

  before(async () => {
    node = await startTestNode();
    await setUpCatalog(node, Object.fromEntries(DEPARTMENTS.map((d) => [d.code, d.name])), DEPARTMENTS.map((d) => ({ itemCode: `IT-${d.code}`, departmentCode: d.code, legalLimitDays: 20, promisedLimitDays: 3 })));
    people = await createDemoAccounts(node.url, TEST_TOKEN, [...NODE_PEOPLE, ...departmentPeople(DEPARTMENTS.slice(0, 1))]);
  });
  after(() => node?.close());

  it('makes the accounts, and on a restart gives them new passwords: the old ones no longer sign in', async () => {
    const logins = people.map((p) => p.login).sort();
    expect(logins).to.deep.equal(['fuzeren-d1', 'jianchayuan', 'jingban-d1', 'shenjiyuan']);
    const earlier = account('jianchayuan').password;
    people = await createDemoAccounts(node.url, TEST_TOKEN, [...NODE_PEOPLE, ...departmentPeople(DEPARTMENTS.slice(0, 1))]);
    expect(account('jianchayuan').password).to.not.equal(earlier);
    const old = await node.api('POST', '/api/v1/auth/login', { login: 'jianchayuan', password: earlier }, { authorization: '' });
    expect(old.status).to.equal(401);
    for (const person of people) {
      const signedIn = await node.api('POST', '/api/v1/auth/login', { login: person.login, password: person.password }, { authorization: '' });
      expect(signedIn.status, person.login).to.equal(200);
      expect(signedIn.body.user.role).to.equal(person.role);
      expect(signedIn.body.user.departments).to.deep.equal(person.departments);
    }
  });

  it('a user session renews an expired access token with its refresh token, and signs in again once the session is ended', async () => {
    const session = new UserSession('jianchayuan', account('jianchayuan').password);
    const client = new DemoClient(node.url, session, 'test', quiet, { retryInitialMs: 1, retryMaxMs: 2 });
    expect((await client.request('GET', '/api/v1/auth/me')).body).to.deep.include({ kind: 'user', name: 'jianchayuan' });
    const first = await session.bearer(() => Promise.reject(new Error('no sign-in expected while the token is held')));
    try {
      node.setNow(new Date((decodeJwt(first).exp! + 60) * 1000));
      const me = await client.request('GET', '/api/v1/auth/me');
      expect(me.status, JSON.stringify(me.body)).to.equal(200);
      const second = await session.bearer(() => Promise.reject(new Error('held')));
      expect(second).to.not.equal(first);
      const renewals = await audit('actor=user:jianchayuan&action=' + encodeURIComponent('POST /api/v1/auth/token'));
      expect(renewals.length, 'one refresh').to.equal(1);

      // The administrator ends every session of the user: the refresh token is refused too.
      const users = await node.api('GET', '/api/v1/users?limit=500');
      const id = (users.body.items as { id: string; login: string }[]).find((u) => u.login === 'jianchayuan')!.id;
      expect((await node.api('DELETE', `/api/v1/users/${id}/sessions`)).status).to.equal(204);
      const again = await client.request('GET', '/api/v1/auth/me');
      expect(again.status, JSON.stringify(again.body)).to.equal(200);
      const logins = await audit('actor=user:jianchayuan&action=' + encodeURIComponent('POST /api/v1/auth/login'));
      expect(logins.filter((entry) => entry.status === 200).length, 'signed in twice by the session (plus once by the first test)').to.be.at.least(2);
    } finally {
      node.setNow(MON);
    }
  });

  it('the workflow actor answers as each department\'s officer and leader and decides as the supervisor; events come from the department system', async () => {
    const system = await registerDemoSystem(node.url, TEST_TOKEN, '测试县部门业务系统', DEPARTMENTS.map((d) => d.code));
    const reporter = new DemoClient(node.url, new ClientSession(system.clientId, system.clientSecret), 'test', quiet);
    const events = ['DP-D1-A', 'DP-D1-B', 'DP-D1-C', 'DP-D1-D', 'DP-D1-E', 'DP-D1-F'].map((caseNo) => accepted(caseNo, MON, 'IT-D1', 'D1'))
      .concat(['DP-D2-A', 'DP-D2-B'].map((caseNo) => accepted(caseNo, MON, 'IT-D2', 'D2')));
    const posted = await reporter.request('POST', '/api/v1/events', { events });
    expect(posted.status, JSON.stringify(posted.body)).to.equal(200);
    expect((posted.body as { accepted: number }).accepted).to.equal(events.length);
    await sweepAt(node, FRI);
    node.setNow(FRI_LATER);

    const staff = (code: string): { officer: Credentials; leader: Credentials } => ({
      officer: new UserSession(staffLogin('departmentOfficer', code), account(staffLogin('departmentOfficer', code)).password),
      leader: new UserSession(staffLogin('departmentLeader', code), account(staffLogin('departmentLeader', code)).password),
    });
    const actor = new WorkflowActor({
      baseUrl: node.url, supervisor: new UserSession('jianchayuan', account('jianchayuan').password), departmentStaff: new Map([['D1', staff('D1')]]),
      seed: 20261125, clock: () => new Date(FRI_LATER), log: quiet, maxActionsPerTick: 50,
    });
    const done = { explained: 0, decided: 0 };
    for (let tick = 0; tick < 8; tick++) {
      const counts = await actor.tickOnce();
      done.explained += counts.explained;
      done.decided += counts.accepted + counts.rejected + counts.notified + counts.reviewed + counts.upheld + counts.revoked;
    }
    expect(done.explained, 'the officer explained some notices').to.be.greaterThan(0);
    expect(done.decided, 'the supervisor decided on some').to.be.greaterThan(0);

    const byAction = new Map<string, Set<string>>();
    for (const alert of await alertsWhere(node)) {
      const detail = await node.api('GET', `/api/v1/alerts/${alert.id}`);
      for (const transition of detail.body.transitions as { action: string; actor: string }[]) {
        if (transition.action === 'raise' || transition.actor === 'system') continue;
        if (alert.departmentCode === 'D2') expect(['explain', 'appeal'], `D2 has nobody to answer: ${transition.action}`).to.not.include(transition.action);
        byAction.set(transition.action, (byAction.get(transition.action) ?? new Set()).add(transition.actor));
      }
    }
    expect([...byAction.get('explain')!]).to.deep.equal(['user:jingban-d1']);
    if (byAction.has('appeal')) expect([...byAction.get('appeal')!]).to.deep.equal(['user:fuzeren-d1']);
    const decisions = ['accept', 'reject', 'notify', 'uphold', 'revoke'].filter((action) => byAction.has(action));
    expect(decisions, 'some decisions in the history').to.not.deep.equal([]);
    for (const action of decisions) expect([...byAction.get(action)!], action).to.deep.equal(['user:jianchayuan']);

    const actions = await audit(`action=${encodeURIComponent('POST /api/v1/alerts/:id/:action')}`);
    expect(actions.length).to.be.greaterThan(0);
    expect(new Set(actions.map((entry) => entry.actor))).to.not.include('admin-token');
    const reported = await audit(`action=${encodeURIComponent('POST /api/v1/events')}`);
    expect(reported.map((entry) => entry.actor)).to.deep.equal([`client:${system.clientId}`]);

    // A restart registers the same system again with a new secret; the old one is refused.
    const again = await registerDemoSystem(node.url, TEST_TOKEN, '测试县部门业务系统', DEPARTMENTS.map((d) => d.code));
    expect(again.clientId).to.equal(system.clientId);
    expect(again.clientSecret).to.not.equal(system.clientSecret);
    const stale = await node.api('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: system.clientId, client_secret: system.clientSecret }, { authorization: '' });
    expect(stale.status).to.equal(401);
  });
});
