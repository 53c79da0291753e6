/**
 * The warning-and-correction workflow (预警纠错) through `/api/v1/alerts/{id}/...`: every
 * transition, every refusal from a state that does not allow it (nothing changes), escalation of
 * an unanswered notice when due, appeals within the period, and accountability on closed alerts.
 *
 * IT-3 is committed at 3 working days: accepted Mon 2026-03-02, deadline 03-05, yellow card 03-06
 * (its notice due 03-13, appeal until 03-20).
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, postAccepted, q, setUpCatalog } from '../support/api-fixtures.ts';
import { act, alertOf, sweepAt, withClockAt, type AlertBody } from '../support/alert-fixtures.ts';
import { eventually, startHttpReceiver, type HttpReceiver } from '../support/notify-receivers.ts';
import { as, tokenFor } from '../support/access-fixtures.ts';
import { changedTables, settledFingerprint } from '../support/db-fingerprint.ts';

const MON = '2026-03-02T10:00:00+08:00';
const FRI = '2026-03-06T10:00:00+08:00';

describe('integration: the alert workflow', function () {
  this.timeout(60_000);
  let node: TestNode;

  before(async () => {
    node = await startTestNode();
    await setUpCatalog(node, { GA: '公安局' }, [{ itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 }]);
    await postAccepted(node, ['WF-ACCEPT', 'WF-REJECT', 'WF-ESC', 'WF-APPEAL', 'WF-REVOKE', 'WF-LATEAPPEAL'].map((caseNo) => accepted(caseNo, MON, 'IT-3', 'GA')));
    await sweepAt(node, FRI);
  });
  after(() => node?.close());

  /** Takes `action` and expects it refused with `code`, the alert left exactly as it was. */
  async function refused(alert: AlertBody, action: string, body: Record<string, unknown>, code: string, at = FRI) {
    const before = await alertOf(node, alert.caseNo, alert.rule);
    const answer = await act(node, alert.id, action, body, at);
    expect(answer.status, `${action} from ${before.status}: ${JSON.stringify(answer.body)}`).to.be.within(400, 499);
    expect(answer.body.error.code).to.equal(code);
    expect(await alertOf(node, alert.caseNo, alert.rule)).to.deep.equal(before);
    return answer.body.error;
  }

  async function ok(alert: AlertBody, action: string, body: Record<string, unknown>, at: string, status: string) {
    const answer = await act(node, alert.id, action, body, at);
    expect(answer.status, `${action}: ${JSON.stringify(answer.body)}`).to.equal(200);
    expect(answer.body.status).to.equal(status);
    return alertOf(node, alert.caseNo, alert.rule);
  }

  it('notified → explained → accepted, then accountability; each step keeps who, when and why', async () => {
    const card = await alertOf(node, 'WF-ACCEPT', 'YELLOW_CARD');
    expect(card.status).to.equal('notified');
    // Not allowed from notified: accept, reject, uphold, revoke, notify; accountability only when closed.
    const error = await refused(card, 'accept', {}, 'ALERT_ACTION_NOT_ALLOWED');
    expect(error.details).to.deep.include({ field: 'status', status: 'notified', action: 'accept' });
    await refused(card, 'reject', { reason: '理由不充分' }, 'ALERT_ACTION_NOT_ALLOWED');
    await refused(card, 'uphold', { reason: 'x' }, 'ALERT_ACTION_NOT_ALLOWED');
    await refused(card, 'revoke', { reason: 'x' }, 'ALERT_ACTION_NOT_ALLOWED');
    await refused(card, 'notify', {}, 'ALERT_ACTION_NOT_ALLOWED');
    await refused(card, 'explain', { explanation: '系统故障' }, 'VALIDATION_FAILED');
    expect((await node.api('POST', `/api/v1/alerts/${card.id}/accountability`, { person: '王五', decision: '诫勉谈话', decidedOn: '2026-03-20' })).body.error.code).to.equal('ALERT_ACTION_NOT_ALLOWED');

    const explained = await ok(card, 'explain', { explanation: '专家评审延误', correction: '已于 03-09 办结, 并调整评审排期' }, '2026-03-09T09:00:00+08:00', 'explained');
    expect(explained.transitions!.at(-1)).to.deep.include({
      action: 'explain', from: 'notified', to: 'explained', actor: 'admin-token', at: '2026-03-09T09:00:00.000+08:00',
      data: { explanation: '专家评审延误', correction: '已于 03-09 办结, 并调整评审排期' },
    });
    await refused(card, 'explain', { explanation: 'again', correction: 'again' }, 'ALERT_ACTION_NOT_ALLOWED');
    const done = await ok(card, 'accept', { reason: '说明属实, 整改到位' }, '2026-03-10T09:00:00+08:00', 'accepted');
    expect(done.closedAt).to.equal('2026-03-10T09:00:00.000+08:00');
    expect(done.transitions!.at(-1)).to.deep.include({ action: 'accept', from: 'explained', to: 'accepted', reason: '说明属实, 整改到位' });

    const record = await withClockAt(node, '2026-03-20T10:00:00+08:00', () => node.api('POST', `/api/v1/alerts/${card.id}/accountability`, { person: '王五', decision: '诫勉谈话', decidedOn: '2026-03-20', note: '超期办理' }));
    expect(record.status, JSON.stringify(record.body)).to.equal(201);
    const full = await alertOf(node, 'WF-ACCEPT', 'YELLOW_CARD');
    expect(full.accountability).to.deep.equal([{ person: '王五', decision: '诫勉谈话', decidedOn: '2026-03-20', note: '超期办理', recordedBy: 'admin-token', recordedAt: '2026-03-20T10:00:00.000+08:00' }]);
    expect(full.transitions!.map((t) => t.action)).to.deep.equal(['raise', 'notify', 'explain', 'accept', 'accountability']);
    const bad = await node.api('POST', `/api/v1/alerts/${card.id}/accountability`, { person: '王五', decision: '诫勉谈话', decidedOn: '2026-02-30' });
    expect(bad.body.error.details.field).to.equal('/decidedOn');
  });

  it('a supervisor opens a notice on a light alert and rejects the explanation; reasons are required', async () => {
    const light = await alertOf(node, 'WF-REJECT', 'TIME_RED_LIGHT');
    expect(light.status).to.equal('open');
    await refused(light, 'explain', { explanation: 'x', correction: 'y' }, 'ALERT_ACTION_NOT_ALLOWED');
    const notified = await ok(light, 'notify', { demand: '请当日办结并说明理由' }, FRI, 'notified');
    expect(notified.notice).to.deep.include({ demand: '请当日办结并说明理由', dueOn: '2026-03-13', issuedAt: '2026-03-06T10:00:00.000+08:00' });
    expect(notified.notice!.noticeNo).to.match(/^610203-2026-\d{6}$/);
    await ok(light, 'explain', { explanation: '材料不全', correction: '已补齐' }, '2026-03-09T09:00:00+08:00', 'explained');
    const missing = await refused(light, 'reject', {}, 'VALIDATION_FAILED');
    expect(missing.details.field).to.equal('/reason');
    const rejected = await ok(light, 'reject', { reason: '说明与事实不符' }, '2026-03-10T09:00:00+08:00', 'rejected');
    expect(rejected.closedAt).to.equal('2026-03-10T09:00:00.000+08:00');
    await refused(light, 'accept', {}, 'ALERT_ACTION_NOT_ALLOWED');
    expect((await node.api('POST', `/api/v1/alerts/${light.id}/accountability`, { person: '赵六', decision: '通报批评', decidedOn: '2026-03-11' })).status).to.equal(201);
    await refused(light, 'notify', { unknown: 1 }, 'VALIDATION_FAILED');
    expect((await node.api('POST', `/api/v1/alerts/${light.id}/frobnicate`, {})).status).to.equal(404);
  });

  it('an unanswered notice escalates after its due day, and can still be answered or rejected', async () => {
    const card = await alertOf(node, 'WF-ESC', 'YELLOW_CARD');
    expect(card.notice!.dueOn).to.equal('2026-03-13');
    expect((await sweepAt(node, '2026-03-13T23:59:00+08:00')).escalated, 'not on its due day').to.equal(0);
    expect((await alertOf(node, 'WF-ESC', 'YELLOW_CARD')).status).to.equal('notified');
    const swept = await sweepAt(node, '2026-03-14T00:00:00+08:00');
    expect(swept.escalated).to.be.at.least(1);
    const escalated = await alertOf(node, 'WF-ESC', 'YELLOW_CARD');
    expect(escalated.status).to.equal('escalated');
    expect(escalated.transitions!.at(-1)).to.deep.include({ action: 'escalate', from: 'notified', to: 'escalated', actor: 'system' });
    expect((await sweepAt(node, '2026-03-16T09:00:00+08:00')).escalated, 'once').to.equal(0);
    await ok(card, 'explain', { explanation: '迟复', correction: '已办结' }, '2026-03-16T10:00:00+08:00', 'explained');
    await ok(card, 'accept', {}, '2026-03-16T11:00:00+08:00', 'accepted');

    // A supervisor may escalate a notice by hand (with a reason), and reject an escalated one.
    const light = await alertOf(node, 'WF-ESC', 'TIME_YELLOW_LIGHT');
    await refused(light, 'escalate', { reason: '拒不整改' }, 'ALERT_ACTION_NOT_ALLOWED', '2026-03-16T12:00:00+08:00');
    await ok(light, 'notify', {}, '2026-03-16T12:00:00+08:00', 'notified');
    await refused(light, 'escalate', {}, 'VALIDATION_FAILED', '2026-03-16T12:30:00+08:00');
    const byHand = await ok(light, 'escalate', { reason: '拒不整改' }, '2026-03-16T13:00:00+08:00', 'escalated');
    expect(byHand.transitions!.at(-1)).to.deep.include({ action: 'escalate', from: 'notified', to: 'escalated', actor: 'admin-token', reason: '拒不整改' });
    await ok(light, 'reject', { reason: '仍未整改' }, '2026-03-16T14:00:00+08:00', 'rejected');
  });

  it('an appeal within the period is upheld back to where it was, once; another is granted and revokes the alert', async () => {
    const card = await alertOf(node, 'WF-APPEAL', 'TIME_RED_LIGHT');
    const appealed = await ok(card, 'appeal', { reason: '受理日期录入错误' }, '2026-03-20T17:00:00+08:00', 'appealed');
    expect(appealed.transitions!.at(-1)).to.deep.include({ action: 'appeal', from: 'open', to: 'appealed', reason: '受理日期录入错误' });
    await refused(card, 'notify', {}, 'ALERT_ACTION_NOT_ALLOWED', '2026-03-20T18:00:00+08:00');
    await ok(card, 'uphold', { reason: '经核实受理日期无误' }, '2026-03-23T10:00:00+08:00', 'open');
    await refused(card, 'appeal', { reason: 'again' }, 'ALREADY_APPEALED', '2026-03-23T11:00:00+08:00');

    const other = await alertOf(node, 'WF-REVOKE', 'YELLOW_CARD');
    await ok(other, 'appeal', { reason: '该办件已依法中止' }, '2026-03-09T10:00:00+08:00', 'appealed');
    const revoked = await ok(other, 'revoke', { reason: '申诉成立' }, '2026-03-10T10:00:00+08:00', 'revoked');
    expect(revoked).to.deep.include({ revokedBy: 'admin-token', revokedReason: '申诉成立', closedAt: '2026-03-10T10:00:00.000+08:00' });
    // An alert revoked on appeal stays revoked: the sweep does not bring it back.
    await sweepAt(node, '2026-03-11T10:00:00+08:00');
    expect((await alertOf(node, 'WF-REVOKE', 'YELLOW_CARD')).status).to.equal('revoked');
    await refused(other, 'accept', {}, 'ALERT_ACTION_NOT_ALLOWED', '2026-03-11T10:00:00+08:00');
  });

  it('refuses an appeal after the period', async () => {
    const card = await alertOf(node, 'WF-LATEAPPEAL', 'YELLOW_CARD');
    expect(card.appealDueOn).to.equal('2026-03-20');
    const error = await refused(card, 'appeal', { reason: '晚了' }, 'APPEAL_WINDOW_CLOSED', '2026-03-21T00:00:00+08:00');
    expect(error.details).to.deep.include({ appealDueOn: '2026-03-20' });
  });
});

describe('integration: the workflow notifies the department', function () {
  this.timeout(60_000);
  let node: TestNode;
  let receiver: HttpReceiver;

  before(async () => {
    receiver = await startHttpReceiver();
    // The receiver listens on loopback, which webhooks may reach only when allowed.
    node = await startTestNode({ NOTIFY_BACKOFF_MS: '20', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1' });
    await setUpCatalog(node, { GA: '公安局', MZ: '民政局' }, [
      { itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 },
      { itemCode: 'MZ-3', departmentCode: 'MZ', legalLimitDays: 20, promisedLimitDays: 3 },
    ]);
    const contacts = { contacts: [{ name: '公安局办公室', channel: 'webhook', address: `${receiver.baseUrl}/ga`, secret: 'ga-webhook-secret-0123456789' }] };
    expect((await node.api('PUT', '/api/v1/departments/GA/contacts', contacts)).status).to.equal(200);
  });
  after(async () => {
    await node?.close();
    await receiver?.close();
  });

  it('sends the notice of a card, and the escalation of an unanswered one, to the department’s contacts only', async () => {
    await postAccepted(node, [accepted('NT-GA', MON, 'IT-3', 'GA'), accepted('NT-MZ', MON, 'MZ-3', 'MZ')]);
    await sweepAt(node, FRI);
    const card = await alertOf(node, 'NT-GA', 'YELLOW_CARD');
    const notice = await eventually(async () => receiver.to('/ga').find((request) => JSON.parse(request.body).kind === 'notice'), 'the notice webhook');
    expect(JSON.parse(notice.body).alert).to.deep.include({ id: card.id, caseNo: 'NT-GA', rule: 'YELLOW_CARD', noticeNo: card.notice!.noticeNo, noticeDueOn: '2026-03-13' });
    // MZ has no contact: its card is notified all the same, and nothing is sent for it.
    expect((await alertOf(node, 'NT-MZ', 'YELLOW_CARD')).status).to.equal('notified');
    expect(receiver.requests.every((request) => JSON.parse(request.body).alert.caseNo === 'NT-GA')).to.equal(true);

    await sweepAt(node, '2026-03-16T09:00:00+08:00');
    const escalation = await eventually(async () => receiver.to('/ga').find((request) => JSON.parse(request.body).kind === 'escalation'), 'the escalation webhook');
    expect(JSON.parse(escalation.body).alert).to.deep.include({ id: card.id, status: 'escalated' });
    // The webhook has the request before the worker has its answer and marks the notification sent.
    const sent = async () => {
      const listed = await node.api('GET', `/api/v1/notifications?alertId=${card.id}`);
      const statuses = listed.body.items.map((n: { kind: string; status: string }) => `${n.kind}:${n.status}`).sort();
      return statuses.some((status: string) => status.endsWith(':pending')) ? undefined : statuses;
    };
    expect(await eventually(sent, 'both notifications settled')).to.deep.equal(['escalation:sent', 'notice:sent']);
  });
});

describe('integration: writes take the node\'s clock, never the caller\'s', function () {
  this.timeout(60_000);
  let node: TestNode;

  before(async () => {
    node = await startTestNode();
    await setUpCatalog(node, { GA: '公安局' }, [{ itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 }]);
    await postAccepted(node, ['CK-EXPLAIN', 'CK-APPEAL', 'CK-NOTIFY', 'CK-SWEEP'].map((caseNo) => accepted(caseNo, MON, 'IT-3', 'GA')));
    await sweepAt(node, FRI);
    node.setNow(FRI);
  });
  after(() => node?.close());

  /** Expects 400 INVALID_PARAMETER naming `at`, and the alert exactly as it was. */
  async function refusesAt(alert: AlertBody, answer: Promise<{ status: number; body: any }>) {
    const before = await alertOf(node, alert.caseNo, alert.rule);
    const refused = await answer;
    expect([refused.status, refused.body.error?.code, refused.body.error?.details?.field], JSON.stringify(refused.body)).to.deep.equal([400, 'INVALID_PARAMETER', 'at']);
    expect(refused.body.error.message).to.contain('at');
    expect(await alertOf(node, alert.caseNo, alert.rule)).to.deep.equal(before);
  }

  it('refuses ?at= on every workflow write, and records the node\'s instant when it is left out', async () => {
    // Signed in anew whenever the test moves the node's clock past the last token's lifetime.
    const officer: ReturnType<typeof as> = async (...args) => as(node, await tokenFor(node, 'departmentOfficer', ['GA']))(...args);
    const card = await alertOf(node, 'CK-EXPLAIN', 'YELLOW_CARD');
    // Before the alert existed: the transition would have been dated 2020.
    await refusesAt(card, officer('POST', `/api/v1/alerts/${card.id}/explain?at=${q('2020-01-01T00:00:00+08:00')}`, { explanation: '系统故障', correction: '已整改' }));
    node.setNow('2026-03-09T09:00:00+08:00');
    const explained = await officer('POST', `/api/v1/alerts/${card.id}/explain`, { explanation: '系统故障', correction: '已整改' });
    expect(explained.status, JSON.stringify(explained.body)).to.equal(200);
    expect((await alertOf(node, 'CK-EXPLAIN', 'YELLOW_CARD')).transitions!.at(-1)).to.deep.include({ action: 'explain', at: '2026-03-09T09:00:00.000+08:00' });
    await refusesAt(card, node.api('POST', `/api/v1/alerts/${card.id}/accept?at=${q('2026-03-09T10:00:00+08:00')}`, {}));

    // Past its period (03-20) an appeal is refused, whatever instant the caller names.
    const late = await alertOf(node, 'CK-APPEAL', 'YELLOW_CARD');
    node.setNow('2026-03-23T10:00:00+08:00');
    await refusesAt(late, officer('POST', `/api/v1/alerts/${late.id}/appeal?at=${q('2026-03-10T10:00:00+08:00')}`, { reason: '系统故障' }));
    const appeal = await officer('POST', `/api/v1/alerts/${late.id}/appeal`, { reason: '系统故障' });
    expect([appeal.status, appeal.body.error?.code]).to.deep.equal([409, 'APPEAL_WINDOW_CLOSED']);

    // A notice dated before the alert was raised, due (and escalated) at once: refused.
    const light = await alertOf(node, 'CK-NOTIFY', 'TIME_RED_LIGHT');
    await refusesAt(light, node.api('POST', `/api/v1/alerts/${light.id}/notify?at=${q('2026-01-01T10:00:00+08:00')}`, {}));
    const notified = await node.api('POST', `/api/v1/alerts/${light.id}/notify`, {});
    expect(notified.body.notice).to.deep.include({ issuedAt: '2026-03-23T10:00:00.000+08:00', dueOn: '2026-03-30' });
    node.setNow('2026-03-24T10:00:00+08:00');
    const accepted = await node.api('POST', `/api/v1/alerts/${card.id}/accept`, {});
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
    await refusesAt(card, node.api('POST', `/api/v1/alerts/${card.id}/accountability?at=${q('2026-03-01T10:00:00+08:00')}`, { person: '王五', decision: '诫勉谈话', decidedOn: '2026-03-24' }));
    const record = await node.api('POST', `/api/v1/alerts/${card.id}/accountability`, { person: '王五', decision: '诫勉谈话', decidedOn: '2026-03-24' });
    expect([record.status, record.body.recordedAt]).to.deep.equal([201, '2026-03-24T10:00:00.000+08:00']);
  });

  it('a sweep at another instant is a dry run: it answers what it would do and writes nothing; without ?at= it writes at the node\'s clock', async () => {
    node.setNow('2026-03-11T10:00:00+08:00');
    const card = await alertOf(node, 'CK-SWEEP', 'YELLOW_CARD');
    expect(card.notice!.dueOn).to.equal('2026-03-13');
    const before = await settledFingerprint(node.database.url, { skipTables: ['audit_log'] });
    // Next week: the yellow card's notice (due 03-13) would escalate.
    const preview = await node.api('POST', `/api/v1/alerts/sweep?at=${q('2026-03-17T10:00:00+08:00')}`);
    expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
    expect(preview.body).to.deep.include({ dryRun: true, at: '2026-03-17T10:00:00.000+08:00' });
    expect(preview.body.escalated).to.be.at.least(1);
    expect(changedTables(before, await settledFingerprint(node.database.url, { skipTables: ['audit_log'] })), 'a dry run writes nothing').to.deep.equal([]);
    expect((await alertOf(node, 'CK-SWEEP', 'YELLOW_CARD')).status).to.equal('notified');

    const swept = await node.api('POST', '/api/v1/alerts/sweep');
    expect(swept.status, JSON.stringify(swept.body)).to.equal(200);
    expect(swept.body).to.deep.include({ dryRun: false, at: '2026-03-11T10:00:00.000+08:00', escalated: 0 });
    expect((await alertOf(node, 'CK-SWEEP', 'RED_CARD')).raisedAt).to.equal('2026-03-11T10:00:00.000+08:00');
    expect((await alertOf(node, 'CK-SWEEP', 'YELLOW_CARD')).status, 'not escalated before its day').to.equal('notified');
  });

  it('lets only roles that decide on alerts start a sweep, dry or not', async () => {
    const admin = as(node, await tokenFor(node, 'nodeAdmin'));
    const supervisor = as(node, await tokenFor(node, 'supervisor'));
    for (const path of ['/api/v1/alerts/sweep', `/api/v1/alerts/sweep?at=${q('2026-03-17T10:00:00+08:00')}`]) {
      const refused = await admin('POST', path);
      expect([refused.status, refused.body.error.code], path).to.deep.equal([403, 'FORBIDDEN']);
      expect((await supervisor('POST', path)).status, path).to.equal(200);
    }
  });
});
