/**
 * `GET /api/v1/alerts/counts?groupBy=status|rule|department`: the counts agree with the list for
 * the same filters and the same caller (department staff count only their departments' alerts),
 * each grouping labels its keys in Chinese, and a bad groupBy or filter is refused naming it.
 *
 * Three departments, items committed at 3 working days: cases accepted Mon 2026-03-02 are past
 * their deadline on Fri 03-06, when the sweep raises their alerts; some cases are accepted on
 * Wed 03-04 so that the statuses and rules differ from case to case.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, postAccepted, setUpCatalog } from '../support/api-fixtures.ts';
import { act, alertsWhere, sweepAt, type AlertBody } from '../support/alert-fixtures.ts';
import { as, createUser, login } from '../support/access-fixtures.ts';
import { ALERT_STATUS_LABELS } from '../../node/supervision/alert-workflow.ts';
import { RULES } from '../../node/supervision/rules/rule-catalog.ts';

const MON = '2026-03-02T10:00:00+08:00';
const WED = '2026-03-04T10:00:00+08:00';
const FRI = '2026-03-06T10:00:00+08:00';
const DEPARTMENTS = { D1: '一号局', D2: '二号局', D3: '三号局' };

interface Counts {
  groupBy: string;
  total: number;
  groups: { key: string; label: string | null; count: number }[];
}

/** The counts the list implies: alerts grouped by `key`, largest first, ties by key. */
function tally(alerts: AlertBody[], key: (alert: AlertBody) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const alert of alerts) counts.set(key(alert), (counts.get(key(alert)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const KEYS = { status: (a: AlertBody) => a.status, rule: (a: AlertBody) => a.rule, department: (a: AlertBody) => String(a.departmentCode) } as const;

describe('integration: alert counts', function () {
  this.timeout(60_000);
  let node: TestNode;
  let officer: ReturnType<typeof as>;

  before(async () => {
    node = await startTestNode();
    await setUpCatalog(node, DEPARTMENTS, Object.keys(DEPARTMENTS).map((code) => ({ itemCode: `IT-${code}`, departmentCode: code, legalLimitDays: 20, promisedLimitDays: 3 })));
    await postAccepted(node, [
      accepted('CT-D1-A', MON, 'IT-D1', 'D1'), accepted('CT-D1-B', MON, 'IT-D1', 'D1'), accepted('CT-D1-C', WED, 'IT-D1', 'D1'),
      accepted('CT-D2-A', MON, 'IT-D2', 'D2'), accepted('CT-D2-B', WED, 'IT-D2', 'D2'),
      accepted('CT-D3-A', MON, 'IT-D3', 'D3'),
    ]);
    await sweepAt(node, FRI);
    // Move one notice on, so the statuses differ.
    const [notice] = await alertsWhere(node, 'caseNo=CT-D1-A&status=notified');
    expect(notice, 'a notified alert of CT-D1-A').to.not.equal(undefined);
    const explained = await act(node, notice!.id, 'explain', { explanation: '材料补正耗时', correction: '已办结' }, FRI);
    expect(explained.status, JSON.stringify(explained.body)).to.equal(200);
    const user = await createUser(node, { role: 'departmentOfficer', departments: ['D1', 'D3'] });
    officer = as(node, (await login(node, user.login, user.password)).accessToken);
  });
  after(() => node?.close());

  for (const groupBy of ['status', 'rule', 'department'] as const) {
    it(`groupBy=${groupBy}: the same counts as the list, with Chinese labels`, async () => {
      const alerts = await alertsWhere(node);
      const answer = await node.api<Counts>('GET', `/api/v1/alerts/counts?groupBy=${groupBy}`);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body.groupBy).to.equal(groupBy);
      expect(answer.body.total).to.equal(alerts.length);
      expect(answer.body.groups.map((g) => [g.key, g.count])).to.deep.equal(tally(alerts, KEYS[groupBy]));
      expect(answer.body.groups.length, 'more than one group').to.be.greaterThan(1);
      for (const group of answer.body.groups) {
        const expected = groupBy === 'status' ? ALERT_STATUS_LABELS[group.key as keyof typeof ALERT_STATUS_LABELS]
          : groupBy === 'rule' ? RULES.find((rule) => rule.code === group.key)?.title
            : DEPARTMENTS[group.key as keyof typeof DEPARTMENTS];
        expect(group.label, group.key).to.be.a('string').and.equal(expected);
      }
    });
  }

  it('takes the list\'s filters: status, rule, departmentCode and caseNo, alone and together', async () => {
    const [someRule] = (await alertsWhere(node)).map((a) => a.rule);
    const filters = ['status=notified', `rule=${someRule}`, 'departmentCode=D2', 'caseNo=CT-D1-A', `status=notified&departmentCode=D1&rule=${someRule}`, 'caseNo=NO-SUCH-CASE'];
    for (const filter of filters) {
      const alerts = await alertsWhere(node, filter);
      const answer = await node.api<Counts>('GET', `/api/v1/alerts/counts?groupBy=department&${filter}`);
      expect(answer.status, filter).to.equal(200);
      expect(answer.body.total, filter).to.equal(alerts.length);
      expect(answer.body.groups.map((g) => [g.key, g.count]), filter).to.deep.equal(tally(alerts, KEYS.department));
    }
    const none = await node.api<Counts>('GET', '/api/v1/alerts/counts?groupBy=status&caseNo=NO-SUCH-CASE');
    expect(none.body).to.deep.equal({ groupBy: 'status', total: 0, groups: [] });
  });

  it('department staff count only their departments\' alerts, as their list shows them', async () => {
    const listed: AlertBody[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: AlertBody[]; nextCursor: string | null } } = await officer('GET', `/api/v1/alerts?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).to.equal(200);
      listed.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    const everyone = await node.api<Counts>('GET', '/api/v1/alerts/counts?groupBy=department');
    const mine = await officer('GET', '/api/v1/alerts/counts?groupBy=department');
    expect(mine.status).to.equal(200);
    expect(mine.body.groups.map((g: Counts['groups'][number]) => g.key).sort()).to.deep.equal(['D1', 'D3']);
    expect(mine.body.total).to.equal(listed.length);
    expect(mine.body.total).to.be.below(everyone.body.total);
    expect(mine.body.groups.map((g: Counts['groups'][number]) => [g.key, g.count])).to.deep.equal(tally(listed, KEYS.department));
    // Another department's code counts nothing for them, as their list lists nothing.
    const foreign = await officer('GET', '/api/v1/alerts/counts?groupBy=status&departmentCode=D2');
    expect(foreign.body).to.deep.equal({ groupBy: 'status', total: 0, groups: [] });
    expect(everyone.body.groups.find((g) => g.key === 'D2')?.count).to.be.greaterThan(0);
  });

  it('refuses a missing or unknown groupBy, and a bad filter, with 400 naming the field', async () => {
    for (const [query, field] of [['', 'groupBy'], ['groupBy=case', 'groupBy'], ['groupBy=status&status=closed', 'status'], ['groupBy=rule&rule=NOPE', 'rule'], ['groupBy=rule&departmentCode=a%20b', 'departmentCode'], ['groupBy=rule&caseNo=%E5%8A%9E', 'caseNo']] as const) {
      const answer = await node.api('GET', `/api/v1/alerts/counts?${query}`);
      expect(answer.status, query).to.equal(400);
      expect(answer.body.error.code, query).to.equal('INVALID_PARAMETER');
      expect(answer.body.error.details.field, query).to.equal(field);
    }
  });
});
