/**
 * The sweep against a real node: alerts raised exactly once per case and rule, only due cases read,
 * card alerts carrying their notice, and alerts revoked with the reason (never deleted) when a
 * calendar change or a late event makes them wrong, then reinstated when they are right again.
 *
 * IT-3 is committed at 3 working days. A case accepted Mon 2026-03-02 has the deadline Thu 03-05:
 * yellow light from 03-05, red light from 03-06, yellow card 03-06, red card 03-11.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, concluded, fee, postAccepted, setUpCatalog } from '../support/api-fixtures.ts';
import { act, alertOf, alertsWhere, liveRules, sweepAt } from '../support/alert-fixtures.ts';

const MON = '2026-03-02T10:00:00+08:00';

describe('integration: the alert sweep', function () {
  this.timeout(60_000);
  let node: TestNode;

  before(async () => {
    node = await startTestNode();
    await setUpCatalog(node, { GA: '公安局', SC: '市场监管局' }, [
      { itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 },
      { itemCode: 'SC-5', departmentCode: 'SC', legalLimitDays: 20, promisedLimitDays: 5 },
    ]);
  });
  after(() => node?.close());

  it('raises each finding once, reads only due cases, and gives a card its notice', async () => {
    await postAccepted(node, [accepted('SW-1', MON, 'IT-3', 'GA'), accepted('SW-2', MON, 'SC-5', 'SC')]);
    // Both were due (new events); nothing is found yet on Wednesday, and they are scheduled ahead.
    expect(await sweepAt(node, '2026-03-04T10:00:00+08:00')).to.deep.include({ checked: 2, raised: 0 });
    expect(await sweepAt(node, '2026-03-04T23:59:59+08:00')).to.deep.include({ checked: 0, raised: 0 });

    const thursday = await sweepAt(node, '2026-03-05T09:00:00+08:00');
    expect(thursday).to.deep.include({ checked: 1, raised: 1 }); // SW-1 enters its last day; SW-2 is not due
    expect(await liveRules(node, 'SW-1')).to.deep.equal(['TIME_YELLOW_LIGHT']);

    const friday = await sweepAt(node, '2026-03-06T09:00:00+08:00');
    expect(friday).to.deep.include({ checked: 1, raised: 2, noticesIssued: 1 });
    expect(await liveRules(node, 'SW-1')).to.deep.equal(['TIME_RED_LIGHT', 'TIME_YELLOW_LIGHT', 'YELLOW_CARD']);
    // Sweeping again, at the same instant or later the same day, raises nothing twice.
    expect(await sweepAt(node, '2026-03-06T09:00:00+08:00')).to.deep.include({ checked: 0, raised: 0 });
    expect(await sweepAt(node, '2026-03-06T18:00:00+08:00')).to.deep.include({ checked: 0, raised: 0 });
    expect((await alertsWhere(node, 'caseNo=SW-1')).length).to.equal(3);

    const card = await alertOf(node, 'SW-1', 'YELLOW_CARD');
    expect(card).to.deep.include({ status: 'notified', ruleVersion: 1, foundAt: '2026-03-06T00:00:00.000+08:00', raisedAt: '2026-03-06T09:00:00.000+08:00' });
    expect(card.notice!.noticeNo).to.equal('610203-2026-000001');
    expect(card.notice!.dueOn).to.equal('2026-03-13'); // 5 working days after Fri 03-06
    expect(card.notice!.demand).to.contain('2026-03-13');
    expect(card.appealDueOn).to.equal('2026-03-20'); // 10 working days after 03-06
    expect(card.transitions!.map((t) => [t.action, t.from, t.to, t.actor])).to.deep.equal([
      ['raise', null, 'open', 'system'], ['notify', 'open', 'notified', 'system'],
    ]);
    expect((await alertOf(node, 'SW-1', 'TIME_RED_LIGHT')).notice).to.equal(null);

    // Wed 03-11: SW-1's red card; SW-2 (deadline Mon 03-09) everything since. Notices numbered on.
    expect(await sweepAt(node, '2026-03-11T08:00:00+08:00')).to.deep.include({ checked: 2, raised: 4, noticesIssued: 2 });
    expect(await liveRules(node, 'SW-2')).to.deep.equal(['TIME_RED_LIGHT', 'TIME_YELLOW_LIGHT', 'YELLOW_CARD']);
    const numbers = [(await alertOf(node, 'SW-1', 'RED_CARD')).notice!.noticeNo, (await alertOf(node, 'SW-2', 'YELLOW_CARD')).notice!.noticeNo];
    expect(numbers.sort()).to.deep.equal(['610203-2026-000002', '610203-2026-000003']);
  });

  it('filters the list by status, rule, department and case, and refuses bad filters naming them', async () => {
    const ga = await alertsWhere(node, 'departmentCode=GA');
    expect(ga.length).to.equal(4);
    expect(ga.every((a) => a.caseNo === 'SW-1')).to.equal(true);
    expect((await alertsWhere(node, 'status=notified')).map((a) => `${a.caseNo} ${a.rule}`).sort()).to.deep.equal(['SW-1 RED_CARD', 'SW-1 YELLOW_CARD', 'SW-2 YELLOW_CARD']);
    expect((await alertsWhere(node, 'rule=TIME_RED_LIGHT')).map((a) => a.caseNo).sort()).to.deep.equal(['SW-1', 'SW-2']);
    for (const [query, field] of [['status=closed', 'status'], ['rule=NOPE', 'rule'], ['departmentCode=%20', 'departmentCode'], ['limit=0', 'limit'], ['cursor=!!', 'cursor']]) {
      const answer = await node.api('GET', `/api/v1/alerts?${query}`);
      expect(answer.status, query).to.equal(400);
      expect(answer.body.error.details.field, query).to.equal(field);
    }
    expect((await node.api('GET', '/api/v1/alerts/999999')).status).to.equal(404);
    expect((await node.api('GET', '/api/v1/alerts/abc')).body.error.details.field).to.equal('id');
    const rules = await node.api('GET', '/api/v1/rules');
    expect(rules.body.items.map((rule: { code: string }) => rule.code)).to.include.members(['LATE_REPORT', 'RED_CARD', 'FEE_ON_FREE_ITEM']);
  });

  it('revokes alerts a calendar change makes wrong, with the reason, and reinstates them when it is undone', async () => {
    await postAccepted(node, [accepted('SW-CAL', MON, 'IT-3', 'GA')]);
    await sweepAt(node, '2026-03-06T10:00:00+08:00');
    expect(await liveRules(node, 'SW-CAL')).to.deep.equal(['TIME_RED_LIGHT', 'TIME_YELLOW_LIGHT', 'YELLOW_CARD']);

    const calendar = (await node.api('GET', '/api/v1/calendars/2026')).body as { holidays: string[]; workdays: string[] };
    const withHoliday = { holidays: [...calendar.holidays, '2026-03-04'].sort(), workdays: calendar.workdays };
    const put = await node.api('PUT', '/api/v1/calendars/2026', withHoliday);
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    // Deadline now Fri 03-06: on 03-06 the case is yellow, not red, and has no card.
    const after = await sweepAt(node, '2026-03-06T10:00:00+08:00');
    expect(after.revoked).to.be.at.least(2);
    expect(await liveRules(node, 'SW-CAL')).to.deep.equal(['TIME_YELLOW_LIGHT']);
    const red = await alertOf(node, 'SW-CAL', 'TIME_RED_LIGHT');
    expect(red).to.deep.include({ status: 'revoked', revokedBy: 'system' });
    expect(red.revokedReason).to.contain('日历变更');
    expect(red.transitions!.at(-1)).to.deep.include({ action: 'revoke', from: 'open', to: 'revoked', actor: 'system' });
    const card = await alertOf(node, 'SW-CAL', 'YELLOW_CARD');
    expect(card.status).to.equal('revoked');

    expect((await node.api('PUT', '/api/v1/calendars/2026', { holidays: calendar.holidays, workdays: calendar.workdays })).status).to.equal(200);
    expect((await sweepAt(node, '2026-03-06T10:00:00+08:00')).reinstated).to.be.at.least(2);
    expect(await liveRules(node, 'SW-CAL')).to.deep.equal(['TIME_RED_LIGHT', 'TIME_YELLOW_LIGHT', 'YELLOW_CARD']);
    const back = await alertOf(node, 'SW-CAL', 'YELLOW_CARD');
    expect(back).to.deep.include({ status: 'notified', revokedBy: null, revokedReason: null });
    expect(back.notice!.noticeNo, 'the notice it had').to.equal(card.notice!.noticeNo);
    expect(back.transitions!.map((t) => t.action)).to.deep.equal(['raise', 'notify', 'revoke', 'reinstate']);
    // Still exactly one alert per case and rule.
    expect((await alertsWhere(node, 'caseNo=SW-CAL')).length).to.equal(3);
  });

  it('revokes the lateness a late-reported conclusion disproves, and raises the late report', async () => {
    await postAccepted(node, [accepted('SW-LATE', MON, 'IT-3', 'GA')]);
    await sweepAt(node, '2026-03-06T10:00:00+08:00');
    expect(await liveRules(node, 'SW-LATE')).to.deep.equal(['TIME_RED_LIGHT', 'TIME_YELLOW_LIGHT', 'YELLOW_CARD']);
    // Concluded on its deadline day, reported the next morning.
    node.setNow('2026-03-06T10:30:00+08:00');
    await postAccepted(node, [concluded('SW-LATE', '2026-03-05T16:00:00+08:00')]);
    const swept = await sweepAt(node, '2026-03-06T10:31:00+08:00');
    expect(swept).to.deep.include({ checked: 1, raised: 1, revoked: 2 });
    expect(await liveRules(node, 'SW-LATE')).to.deep.equal(['LATE_REPORT', 'TIME_YELLOW_LIGHT']);
    const red = await alertOf(node, 'SW-LATE', 'TIME_RED_LIGHT');
    expect(red.revokedReason).to.contain('新事件');
    expect((await alertOf(node, 'SW-LATE', 'LATE_REPORT')).foundAt).to.equal('2026-03-06T10:30:00.000+08:00');
    // Concluded: nothing lies ahead; months later it has gained nothing.
    await sweepAt(node, '2026-06-01T10:00:00+08:00');
    expect((await alertsWhere(node, 'caseNo=SW-LATE')).length).to.equal(4);
  });

  it('judges the catalog again when an item changes: a fee on a free item', async () => {
    await postAccepted(node, [accepted('SW-FEE', MON, 'SC-5', 'SC'), fee('SW-FEE', '2026-03-02T11:00:00+08:00', 2000)]);
    await sweepAt(node, '2026-03-02T12:00:00+08:00');
    expect(await liveRules(node, 'SW-FEE')).to.deep.equal(['FEE_ON_FREE_ITEM']);
    // The item gains the standard the fee was charged under: the finding goes, with the reason.
    const item = { name: '事项 SC-5', departmentCode: 'SC', legalLimitDays: 20, promisedLimitDays: 5, fees: [{ code: 'FEE-1', name: '工本费', amountFen: 2000 }] };
    expect((await node.api('PUT', '/api/v1/items/SC-5', item)).status).to.equal(200);
    await sweepAt(node, '2026-03-02T12:05:00+08:00');
    expect(await liveRules(node, 'SW-FEE')).to.deep.equal([]);
    expect((await alertOf(node, 'SW-FEE', 'FEE_ON_FREE_ITEM')).revokedReason).to.contain('事项变更');
  });

  it('reinstates a decided alert as it was when a calendar change revoked it: its decision, closing time, notice and accountability intact', async () => {
    // Concluded Fri 03-06, a day late (deadline Thu 03-05): red light and yellow card. With 03-04 a
    // holiday the deadline is 03-06 and both findings go; without it again they come back.
    node.setNow('2026-03-02T10:30:00+08:00');
    await postAccepted(node, [accepted('SW-DECIDED', MON, 'IT-3', 'GA')]);
    node.setNow('2026-03-06T16:30:00+08:00');
    await postAccepted(node, [concluded('SW-DECIDED', '2026-03-06T16:00:00+08:00')]);
    await sweepAt(node, '2026-03-06T17:00:00+08:00');
    expect(await liveRules(node, 'SW-DECIDED')).to.deep.equal(['TIME_RED_LIGHT', 'TIME_YELLOW_LIGHT', 'YELLOW_CARD']);
    const card = await alertOf(node, 'SW-DECIDED', 'YELLOW_CARD');
    const light = await alertOf(node, 'SW-DECIDED', 'TIME_RED_LIGHT');
    const done = async (answer: { status: number; body: unknown }) => expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    // The card: explained, rejected, accountability recorded. The light: notified, escalated by the sweep.
    await done(await act(node, card.id, 'explain', { explanation: '系统故障', correction: '已办结' }, '2026-03-09T09:00:00+08:00'));
    await done(await act(node, card.id, 'reject', { reason: '说明与事实不符' }, '2026-03-10T09:00:00+08:00'));
    node.setNow('2026-03-11T09:00:00+08:00');
    expect((await node.api('POST', `/api/v1/alerts/${card.id}/accountability`, { person: '王五', decision: '批评教育', decidedOn: '2026-03-11' })).status).to.equal(201);
    await done(await act(node, light.id, 'notify', {}, '2026-03-06T17:30:00+08:00'));
    expect((await sweepAt(node, '2026-03-16T09:00:00+08:00')).escalated).to.be.at.least(1);
    const decided = await alertOf(node, 'SW-DECIDED', 'YELLOW_CARD');
    const escalated = await alertOf(node, 'SW-DECIDED', 'TIME_RED_LIGHT');
    expect([decided.status, decided.closedAt, escalated.status]).to.deep.equal(['rejected', '2026-03-10T09:00:00.000+08:00', 'escalated']);

    const calendar = (await node.api('GET', '/api/v1/calendars/2026')).body as { holidays: string[]; workdays: string[] };
    expect((await node.api('PUT', '/api/v1/calendars/2026', { holidays: [...calendar.holidays, '2026-03-04'].sort(), workdays: calendar.workdays })).status).to.equal(200);
    expect((await sweepAt(node, '2026-03-16T10:00:00+08:00')).revoked).to.be.at.least(2);
    const revoked = await alertOf(node, 'SW-DECIDED', 'YELLOW_CARD');
    expect(revoked.transitions!.at(-1)).to.deep.include({ action: 'revoke', from: 'rejected', to: 'revoked', actor: 'system' });

    expect((await node.api('PUT', '/api/v1/calendars/2026', { holidays: calendar.holidays, workdays: calendar.workdays })).status).to.equal(200);
    expect((await sweepAt(node, '2026-03-16T11:00:00+08:00')).reinstated).to.be.at.least(2);
    const back = await alertOf(node, 'SW-DECIDED', 'YELLOW_CARD');
    // As it was when revoked: rejected, closed when it was rejected, its notice and accountability as they were.
    const { transitions: _before, updatedAt: _u1, ...decidedRest } = decided;
    const { transitions, updatedAt: _u2, ...backRest } = back;
    expect(backRest).to.deep.equal(decidedRest);
    expect(back.accountability).to.deep.equal([{ person: '王五', decision: '批评教育', decidedOn: '2026-03-11', note: null, recordedBy: 'admin-token', recordedAt: '2026-03-11T09:00:00.000+08:00' }]);
    const reinstate = transitions!.at(-1)!;
    expect(reinstate).to.deep.include({ action: 'reinstate', from: 'revoked', to: 'rejected', actor: 'system' });
    expect(reinstate.reason).to.contain('日历变更').and.contain('未采纳');
    // The escalated notice comes back escalated, not notified again (and not escalated a second time).
    const light2 = await alertOf(node, 'SW-DECIDED', 'TIME_RED_LIGHT');
    expect([light2.status, light2.closedAt]).to.deep.equal(['escalated', null]);
    expect(light2.transitions!.map((t) => t.action)).to.deep.equal(['raise', 'notify', 'escalate', 'revoke', 'reinstate']);
  });
});

describe('integration: the sweep after an ingested batch', function () {
  this.timeout(60_000);
  let node: TestNode;

  before(async () => {
    node = await startTestNode({ SWEEP_AFTER_INGEST: 'true' });
    await setUpCatalog(node, { GA: '公安局' }, [{ itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 }]);
  });
  after(() => node?.close());

  it('raises the alerts of the touched cases without waiting for the scheduled sweep', async () => {
    // Reported eight days late, overdue since 03-06: the late report as well as the lateness.
    node.setNow('2026-03-10T10:00:00+08:00');
    await postAccepted(node, [accepted('PI-1', MON, 'IT-3', 'GA')]);
    const deadline = Date.now() + 20_000;
    let rules: string[] = [];
    while (Date.now() < deadline) {
      rules = await liveRules(node, 'PI-1');
      if (rules.length >= 4) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rules).to.deep.equal(['LATE_REPORT', 'TIME_RED_LIGHT', 'TIME_YELLOW_LIGHT', 'YELLOW_CARD']);
    expect((await alertOf(node, 'PI-1', 'YELLOW_CARD')).raisedAt).to.equal('2026-03-10T10:00:00.000+08:00');
  });
});
