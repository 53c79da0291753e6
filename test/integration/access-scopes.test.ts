/**
 * Scopes inside the routes a caller may reach: department staff see and answer only their
 * departments' cases, alerts and figures (anything else is "not found"); a department system
 * reports only for its own departments, every other event refused with FORBIDDEN_DEPARTMENT and
 * kept; applicants' ID numbers are masked for roles that do not need them.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, postAccepted, setUpCatalog, stage } from '../support/api-fixtures.ts';
import { alertsWhere, sweepAt } from '../support/alert-fixtures.ts';
import { as, clientToken, createClient, createUser, login } from '../support/access-fixtures.ts';

const MON = '2026-03-02T10:00:00+08:00';
const TUE = '2026-03-03T10:00:00+08:00';
const FRI = '2026-03-06T10:00:00+08:00';
const ID_NO = '110101199003071234';

type Api = ReturnType<typeof as>;

describe('integration: access scopes (departments, clients, ID numbers)', function () {
  this.timeout(60_000);
  let node: TestNode;
  let officer: Api;
  let officerLogin: string;
  let supervisor: Api;
  let auditor: Api;

  async function signIn(role: string, departments: string[] = []): Promise<{ api: Api; login: string }> {
    const user = await createUser(node, { role, departments });
    return { api: as(node, (await login(node, user.login, user.password)).accessToken), login: user.login };
  }

  before(async () => {
    node = await startTestNode();
    await setUpCatalog(node, { D1: '一号局', D2: '二号局', D3: '三号局' }, [
      { itemCode: 'IT-D1', departmentCode: 'D1', legalLimitDays: 20, promisedLimitDays: 3 },
      { itemCode: 'IT-D2', departmentCode: 'D2', legalLimitDays: 20, promisedLimitDays: 3 },
      { itemCode: 'IT-D3', departmentCode: 'D3', legalLimitDays: 20, promisedLimitDays: 3 },
    ]);
    await postAccepted(node, [
      accepted('SC-D1', MON, 'IT-D1', 'D1', { applicant: { name: '张三', idType: '111', idNo: ID_NO } }),
      accepted('SC-D2', MON, 'IT-D2', 'D2'),
      accepted('SC-D3', MON, 'IT-D3', 'D3'),
    ]);
    await sweepAt(node, FRI);
    // The workflow below happens on Friday: the node's clock says so (a write takes no ?at=).
    node.setNow(FRI);
    ({ api: officer, login: officerLogin } = await signIn('departmentOfficer', ['D1', 'D3']));
    ({ api: supervisor } = await signIn('supervisor'));
    ({ api: auditor } = await signIn('auditor'));
  });
  after(() => node?.close());

  it('department staff list, read and count only their departments\' cases', async () => {
    const list = await officer('GET', `/api/v1/cases?at=${encodeURIComponent(FRI)}`);
    expect(list.status).to.equal(200);
    expect(list.body.items.map((c: { caseNo: string }) => c.caseNo)).to.deep.equal(['SC-D1', 'SC-D3']);
    expect((await officer('GET', `/api/v1/cases?departmentCode=D2&at=${encodeURIComponent(FRI)}`)).body.items).to.deep.equal([]);
    expect((await officer('GET', `/api/v1/cases/SC-D1?at=${encodeURIComponent(FRI)}`)).status).to.equal(200);
    const other = await officer('GET', `/api/v1/cases/SC-D2?at=${encodeURIComponent(FRI)}`);
    expect(other.status).to.equal(404);
    expect(other.body.error.code).to.equal('NOT_FOUND');

    const board = await officer('GET', `/api/v1/board?at=${encodeURIComponent(FRI)}`);
    expect(board.body.departments.map((d: { departmentCode: string }) => d.departmentCode)).to.deep.equal(['D1', 'D3']);
    expect(board.body.overall.open).to.equal(2);
    expect((await supervisor('GET', `/api/v1/board?at=${encodeURIComponent(FRI)}`)).body.overall.open).to.equal(3);
  });

  it('department staff see and answer only their own alerts; another department\'s alert is not found and stays as it was', async () => {
    const mine = await officer('GET', '/api/v1/alerts?limit=100');
    expect(new Set(mine.body.items.map((a: { departmentCode: string }) => a.departmentCode))).to.deep.equal(new Set(['D1', 'D3']));
    expect((await officer('GET', '/api/v1/alerts?departmentCode=D2')).body.items).to.deep.equal([]);

    const [foreign] = await alertsWhere(node, 'caseNo=SC-D2&status=notified');
    const before = await supervisor('GET', `/api/v1/alerts/${foreign!.id}`);
    expect((await officer('GET', `/api/v1/alerts/${foreign!.id}`)).status).to.equal(404);
    const tried = await officer('POST', `/api/v1/alerts/${foreign!.id}/explain`, { explanation: '越权', correction: '越权' });
    expect(tried.status).to.equal(404);
    expect((await supervisor('GET', `/api/v1/alerts/${foreign!.id}`)).body).to.deep.equal(before.body);

    const [own] = await alertsWhere(node, 'caseNo=SC-D1&status=notified');
    const explained = await officer('POST', `/api/v1/alerts/${own!.id}/explain`, { explanation: '专家评审延误', correction: '已调整排期' });
    expect(explained.status, JSON.stringify(explained.body)).to.equal(200);
    const history = await supervisor('GET', `/api/v1/alerts/${own!.id}`);
    expect(history.body.transitions.at(-1)).to.include({ action: 'explain', actor: `user:${officerLogin}` });
    // Deciding on it is the supervisor's.
    expect((await officer('POST', `/api/v1/alerts/${own!.id}/accept`, {})).status).to.equal(403);
  });

  it('masks applicants\' ID numbers for the auditor, shows them to the supervisor and the case\'s department', async () => {
    const idsIn = async (api: Api) => {
      const answer = await api('GET', `/api/v1/cases/SC-D1?at=${encodeURIComponent(FRI)}`);
      expect(answer.status).to.equal(200);
      return answer.body.events.filter((e: { type: string }) => e.type === 'accepted').map((e: { applicant: { idNo: string } }) => e.applicant.idNo);
    };
    expect(await idsIn(supervisor)).to.deep.equal([ID_NO]);
    expect(await idsIn(officer)).to.deep.equal([ID_NO]);
    expect(await idsIn(auditor)).to.deep.equal(['**************1234']);
    const raw = JSON.stringify((await auditor('GET', `/api/v1/cases/SC-D1?at=${encodeURIComponent(FRI)}`)).body);
    expect(raw).to.not.include(ID_NO);
  });

  it('a department system posts only for its own departments: every other event is refused with FORBIDDEN_DEPARTMENT and kept', async () => {
    const { clientId, clientSecret } = await createClient(node, ['D1']);
    const client = as(node, await clientToken(node, clientId, clientSecret));
    const caseBefore = await supervisor('GET', `/api/v1/cases/SC-D2?at=${encodeURIComponent(FRI)}`);
    const events = [
      accepted('CL-OWN', TUE, 'IT-D1', 'D1'), // own department
      stage('CL-OWN', TUE, 'undertake'), // follow-up of an intake in the same batch
      accepted('CL-FOREIGN', TUE, 'IT-D2', 'D2', { applicant: { name: '李四', idNo: '110101199003075678' } }), // another department's intake
      stage('SC-D2', TUE, 'undertake'), // follow-up of another department's case
      stage('CL-UNKNOWN', TUE, 'undertake'), // follow-up of a case nobody has reported
      stage('SC-D1', TUE, 'undertake'), // follow-up of its own department's case
    ];
    const answer = await client('POST', '/api/v1/events', { events });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body.results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status)).to.deep.equal([
      'accepted', 'accepted', 'FORBIDDEN_DEPARTMENT', 'FORBIDDEN_DEPARTMENT', 'FORBIDDEN_DEPARTMENT', 'accepted',
    ]);
    expect(answer.body.results[2].error.details).to.deep.include({ field: '/events/2/departmentCode', departmentCode: 'D2' });
    expect(answer.body.results[3].error.details).to.deep.include({ field: '/events/3/caseNo' });
    // Nothing of the refused events reached the record.
    expect((await supervisor('GET', `/api/v1/cases/SC-D2?at=${encodeURIComponent(FRI)}`)).body).to.deep.equal(caseBefore.body);
    expect((await supervisor('GET', '/api/v1/cases/CL-FOREIGN')).status).to.equal(404);

    // Kept with their reason: the client reads its own refusals, and only those.
    const kept = await client('GET', '/api/v1/rejections?code=FORBIDDEN_DEPARTMENT');
    expect(kept.status).to.equal(200);
    expect(kept.body.items.map((r: { eventId: string }) => r.eventId).sort()).to.deep.equal([events[2]!.eventId, events[3]!.eventId, events[4]!.eventId].sort());
    expect(kept.body.items.every((r: { source: string }) => r.source === `client:${clientId}`)).to.equal(true);
    // The supervisor sees them too; the other department's staff see the one aimed at their case.
    expect((await supervisor('GET', '/api/v1/rejections?code=FORBIDDEN_DEPARTMENT')).body.items).to.have.length(3);
    const d2 = await signIn('departmentLeader', ['D2']);
    const theirs = (await d2.api('GET', '/api/v1/rejections?code=FORBIDDEN_DEPARTMENT')).body.items.map((r: { eventId: string }) => r.eventId).sort();
    expect(theirs).to.deep.equal([events[2]!.eventId, events[3]!.eventId].sort());
    // Their ID numbers stay masked for the auditor here too.
    expect(JSON.stringify((await auditor('GET', '/api/v1/rejections?code=FORBIDDEN_DEPARTMENT')).body)).to.not.include('110101199003075678');
  });
});
