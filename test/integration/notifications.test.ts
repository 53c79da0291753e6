/**
 * Notifications of the warning-and-correction workflow: department contacts (validation, secrets
 * never answered), delivery by e-mail to a real SMTP sink, by signed webhook and through the SMS
 * template to a loopback HTTP receiver, retries with every attempt recorded, permanent failures,
 * the alert left alone, and pending notifications queued again when the jobs start.
 */
import { isoLocal } from '../../node/core/instants.ts';
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { startTestNode, type ApiAnswer, type TestNode } from '../support/test-node.ts';
import { REDIS_URL, uniqueQueuePrefix } from '../support/test-database.ts';
import { eventually, startHttpReceiver, startSmtpSink, type HttpReceiver, type SmtpSink } from '../support/notify-receivers.ts';
import { Alert } from '../../node/supervision/alert.entity.ts';
import { createNotifications, type NotificationKind } from '../../node/notify/notification-store.ts';
import { startNotificationJobs } from '../../node/notify/notification-queue.ts';
import { query } from '../../node/core/db.ts';
import { loadSettings, SettingsError } from '../../node/config/settings.ts';

const ATTEMPTS = 4;
const NOW = new Date('2026-03-02T10:00:00+08:00');
const SECRET_OK = 'webhook-secret-ok-0123456789';
const SECRET_FLAKY = 'webhook-secret-flaky-0123456789';
const SECRET_DOWN = 'webhook-secret-down-0123456789';
const SECRET_BAD = 'webhook-secret-bad-0123456789';
const SECRET_LATE = 'webhook-secret-late-0123456789';
const SECRETS = [SECRET_OK, SECRET_FLAKY, SECRET_DOWN, SECRET_BAD, SECRET_LATE];

describe('integration: notifications', function () {
  let node: TestNode;
  let smtp: SmtpSink;
  let http: HttpReceiver;
  /** Every answer body the API gave, to look for secrets in. */
  const answers: string[] = [];
  let noticeSeq = 0;

  async function api(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const answer = await node.api(method, path, body);
    answers.push(JSON.stringify(answer.body));
    return answer;
  }

  async function department(code: string, contacts: unknown[]): Promise<ApiAnswer> {
    expect((await api('PUT', `/api/v1/departments/${code}`, { name: `部门 ${code}` })).status).to.be.oneOf([200, 201]);
    const answer = await api('PUT', `/api/v1/departments/${code}/contacts`, { contacts });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer;
  }

  async function alertFor(departmentCode: string, caseNo: string): Promise<Alert> {
    const em = node.node.orm.em.fork();
    noticeSeq += 1;
    const alert = em.create(Alert, {
      caseNo, rule: 'RED_CARD', ruleVersion: 1, departmentCode, itemCode: null, status: 'notified',
      foundAt: new Date('2026-02-20T00:00:00+08:00'), raisedAt: NOW, message: `办件 ${caseNo} 超过承诺时限 3 个工作日未办结`,
      details: { overdueWorkdays: 3 }, appealDueOn: '2026-03-16',
      noticeNo: `610203-2026-${String(noticeSeq).padStart(6, '0')}`, noticeDemand: '请说明超期原因并于期限内办结',
      noticeIssuedAt: NOW, noticeDueOn: '2026-03-09', updatedAt: NOW,
    });
    await em.flush();
    return alert;
  }

  /** What the workflow does: write the notifications in its transaction, enqueue after commit. */
  async function notify(alert: Alert, kind: NotificationKind = 'notice', enqueue = true): Promise<number[]> {
    const ids = await node.node.orm.em.fork().transactional((tx) => createNotifications(tx, alert, kind, NOW));
    if (enqueue) await node.node.notifications.enqueue(ids);
    return ids;
  }

  async function settled(id: number): Promise<ApiAnswer> {
    return eventually(async () => {
      const answer = await api('GET', `/api/v1/notifications/${id}`);
      return answer.body.status === 'pending' ? undefined : answer;
    }, `notification ${id} to settle`);
  }

  async function alertRow(id: number): Promise<Record<string, unknown>> {
    const [row] = await query(node.node.orm.em.fork(), 'SELECT * FROM alerts WHERE id = $1', [id]);
    return row ?? {};
  }

  before(async () => {
    smtp = await startSmtpSink();
    http = await startHttpReceiver();
    node = await startTestNode({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'jiancha@610203.example.gov.cn',
      SMS_URL_TEMPLATE: `${http.baseUrl}/sms?to={phone}&text={text}`,
      SMS_METHOD: 'POST',
      SMS_BODY_TEMPLATE: '{"to":"{phone}","text":"{text}"}',
      NOTIFY_ATTEMPTS: String(ATTEMPTS),
      NOTIFY_BACKOFF_MS: '50',
      // The webhook receiver listens on loopback, which webhooks may reach only when allowed.
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1',
    });
  });

  after(async () => {
    await node?.close();
    await http?.close();
    await smtp?.close();
  });

  describe('settings', () => {
    const base = { ADMIN_TOKEN: 'a-long-enough-admin-token', DATABASE_URL: 'postgres://u@h/db', NODE_CODE: '610203' };

    it('has defaults, and refuses bad values without echoing the SMTP password', () => {
      expect(loadSettings(base)).to.deep.include({
        smtpUrl: null, mailFrom: 'supervision@localhost', smsUrlTemplate: null, smsMethod: 'POST', smsBodyTemplate: null, notifyAttempts: 5, notifyBackoffMs: 2000,
      });
      let refused: unknown = null;
      try {
        loadSettings({ ...base, SMTP_URL: 'http://user:pa55word-secret@mail.example' });
      } catch (error) {
        refused = error;
      }
      expect(refused).to.be.instanceOf(SettingsError);
      expect((refused as Error).message).to.include('SMTP_URL').and.not.include('pa55word-secret');
      expect(() => loadSettings({ ...base, SMS_METHOD: 'PUT' })).to.throw(SettingsError, /SMS_METHOD/);
      expect(() => loadSettings({ ...base, SMS_URL_TEMPLATE: 'gw/send', SMS_METHOD: 'GET' })).to.throw(SettingsError, /SMS_URL_TEMPLATE/);
      expect(() => loadSettings({ ...base, SMS_URL_TEMPLATE: 'http://gw/send', SMS_METHOD: 'GET', SMS_BODY_TEMPLATE: '{}' })).to.throw(SettingsError, /SMS_BODY_TEMPLATE/);
      expect(() => loadSettings({ ...base, NOTIFY_ATTEMPTS: '0' })).to.throw(SettingsError, /NOTIFY_ATTEMPTS/);
      expect(loadSettings(base).webhookAllowedNetworks).to.deep.equal([]);
      expect(loadSettings({ ...base, WEBHOOK_ALLOWED_NETWORKS: '10.20.0.0/16, 127.0.0.1,::1' }).webhookAllowedNetworks).to.deep.equal(['10.20.0.0/16', '127.0.0.1', '::1']);
      expect(() => loadSettings({ ...base, WEBHOOK_ALLOWED_NETWORKS: '10.20.0.0/16,intranet' })).to.throw(SettingsError, /WEBHOOK_ALLOWED_NETWORKS.*intranet/);
    });
  });

  describe('contacts', () => {
    const good = [
      { name: '值班系统', channel: 'webhook', address: 'https://hooks.example.gov.cn/sv', secret: SECRET_OK },
      { name: '张三', channel: 'email', address: 'zhangsan@ga.example.gov.cn' },
      { name: '李四', channel: 'sms', address: '+8613800000000', enabled: false },
    ];

    it('replaces the list, answers hasSecret instead of the secret, and keeps a webhook secret sent without one', async () => {
      const put = await department('C-GA', good);
      expect(put.body.departmentCode).to.equal('C-GA');
      expect(put.body.contacts.map((c: Record<string, unknown>) => [c.name, c.channel, c.address, c.enabled, c.hasSecret]))
        .to.deep.equal([
          ['值班系统', 'webhook', 'https://hooks.example.gov.cn/sv', true, true],
          ['张三', 'email', 'zhangsan@ga.example.gov.cn', true, false],
          ['李四', 'sms', '+8613800000000', false, false],
        ]);
      expect(put.body.contacts[0]).to.have.keys(['id', 'name', 'channel', 'address', 'enabled', 'hasSecret', 'createdAt']);
      const read = await api('GET', '/api/v1/departments/C-GA/contacts');
      expect([read.status, read.body]).to.deep.equal([200, put.body]);

      // The same webhook again without its secret keeps row and secret; the e-mail contact is dropped.
      const again = await api('PUT', '/api/v1/departments/C-GA/contacts', { contacts: [{ name: '值班系统 (新)', channel: 'webhook', address: 'https://hooks.example.gov.cn/sv' }] });
      expect(again.status).to.equal(200);
      expect(again.body.contacts).to.have.length(1);
      expect(again.body.contacts[0]).to.deep.include({ id: put.body.contacts[0].id, name: '值班系统 (新)', hasSecret: true });
      const [stored] = await query<{ secret: string }>(node.node.orm.em.fork(), "SELECT secret FROM department_contacts WHERE department_code = 'C-GA'");
      expect(stored?.secret).to.equal(SECRET_OK);
    });

    it('refuses invalid lists naming the field, and changes nothing', async () => {
      await department('C-VAL', good);
      const before = await api('GET', '/api/v1/departments/C-VAL/contacts');
      const webhook = good[0]!;
      const email = good[1]!;
      const cases: [unknown, string][] = [
        [{}, '/contacts'],
        [{ contacts: [{ ...email, phone: '1' }] }, '/contacts/0/phone'],
        [{ contacts: [{ ...email, channel: 'fax' }] }, '/contacts/0/channel'],
        [{ contacts: [{ ...email, name: '' }] }, '/contacts/0/name'],
        [{ contacts: [email, { ...email, address: 'not-an-address' }] }, '/contacts/1/address'],
        [{ contacts: [{ ...webhook, address: 'ftp://hooks.example.gov.cn/sv' }] }, '/contacts/0/address'],
        [{ contacts: [{ ...webhook, address: 'https://user:pw@hooks.example.gov.cn/sv' }] }, '/contacts/0/address'],
        [{ contacts: [{ ...webhook, address: 'https://new.example.gov.cn/sv', secret: undefined }] }, '/contacts/0/secret'],
        [{ contacts: [{ ...webhook, secret: 'short' }] }, '/contacts/0/secret'],
        [{ contacts: [{ name: '王五', channel: 'sms', address: '138-0000' }] }, '/contacts/0/address'],
        [{ contacts: [{ ...email, secret: SECRET_OK }] }, '/contacts/0/secret'],
        [{ contacts: [email, { ...email, name: '重复' }] }, '/contacts/1/address'],
      ];
      for (const [body, field] of cases) {
        const answer = await api('PUT', '/api/v1/departments/C-VAL/contacts', body);
        expect([answer.status, answer.body.error?.code, answer.body.error?.details.field], JSON.stringify(body)).to.deep.equal([400, 'VALIDATION_FAILED', field]);
      }
      expect(await api('GET', '/api/v1/departments/C-VAL/contacts')).to.deep.include({ status: 200, body: before.body });
    });

    it('answers 404 for an unknown department', async () => {
      for (const method of ['GET', 'PUT']) {
        const answer = await api(method, '/api/v1/departments/NOPE/contacts', method === 'PUT' ? { contacts: [] } : undefined);
        expect([answer.status, answer.body.error]).to.deep.equal([404, { code: 'NOT_FOUND', message: answer.body.error.message, details: { department: 'NOPE' } }]);
      }
    });
  });

  describe('delivery', () => {
    it('sends the e-mail to the SMTP sink, the signed webhook and the SMS through the template', async () => {
      await department('N-OK', [
        { name: '值班系统', channel: 'webhook', address: `${http.baseUrl}/hook/ok`, secret: SECRET_OK },
        { name: '张三', channel: 'email', address: 'zhangsan@ok.example.gov.cn' },
        { name: '李四', channel: 'sms', address: '+8613800000001' },
        { name: '停用', channel: 'email', address: 'off@ok.example.gov.cn', enabled: false },
      ]);
      const alert = await alertFor('N-OK', 'CASE-OK-1');
      const ids = await notify(alert);
      expect(ids).to.have.length(3);
      const done = await Promise.all(ids.map(settled));
      expect(done.map((answer) => [answer.body.channel, answer.body.status, answer.body.attempts])).to.deep.equal([
        ['webhook', 'sent', 1], ['email', 'sent', 1], ['sms', 'sent', 1],
      ]);
      for (const answer of done) {
        expect(answer.body.attemptLog).to.have.length(1);
        expect(answer.body.attemptLog[0]).to.deep.include({ attempt: 1, ok: true, error: null });
        expect(answer.body.sentAt).to.equal(isoLocal(NOW));
      }
      const subject = `督办单 ${alert.noticeNo}: 办件 CASE-OK-1 严重超期 (红牌), 请于 2026-03-09 前说明理由并整改`;
      expect(done[0]!.body.subject).to.equal(subject);

      // E-mail: one message, to the enabled contact only, with the subject.
      expect(smtp.mails).to.have.length(1);
      expect(smtp.mails[0]).to.deep.include({ from: 'jiancha@610203.example.gov.cn', to: ['zhangsan@ok.example.gov.cn'], subject });
      expect(done[1]!.body.attemptLog[0].response).to.match(/^250/);

      // Webhook: the payload, signed over timestamp + "." + body with the contact's secret.
      const [hook] = http.to('/hook/ok');
      expect(hook?.method).to.equal('POST');
      expect(hook?.headers['content-type']).to.equal('application/json');
      const timestamp = String(hook?.headers['x-supervision-timestamp']);
      expect(timestamp).to.equal(String(Math.floor(NOW.getTime() / 1000)));
      const expected = `sha256=${createHmac('sha256', SECRET_OK).update(`${timestamp}.${hook?.body}`).digest('hex')}`;
      expect(hook?.headers['x-supervision-signature']).to.equal(expected);
      expect(hook?.headers['x-supervision-notification-id']).to.equal(String(ids[0]));
      expect(JSON.parse(hook?.body ?? '')).to.deep.equal({
        kind: 'notice',
        alert: {
          id: alert.id, caseNo: 'CASE-OK-1', rule: 'RED_CARD', status: 'notified', noticeNo: alert.noticeNo,
          noticeDemand: '请说明超期原因并于期限内办结', noticeDueOn: '2026-03-09', message: alert.message,
        },
        sentAt: isoLocal(NOW),
      });

      // SMS: phone and text URL-encoded in the URL, JSON-escaped in the body.
      const [sms] = http.to('/sms');
      expect(sms?.method).to.equal('POST');
      const url = new URL(sms?.url ?? '', http.baseUrl);
      expect(url.searchParams.get('to')).to.equal('+8613800000001');
      expect(url.searchParams.get('text')).to.equal(done[2]!.body.text);
      expect(done[2]!.body.text).to.include('CASE-OK-1').and.include('\n');
      expect(JSON.parse(sms?.body ?? '')).to.deep.equal({ to: '+8613800000001', text: done[2]!.body.text });

      const listed = await api('GET', `/api/v1/notifications?alertId=${alert.id}&status=sent`);
      expect(listed.body.items.map((item: { id: number }) => item.id)).to.deep.equal([...ids].reverse());
    });

    it('retries a webhook answering 500 twice, then 200: sent after 3 recorded attempts', async () => {
      http.script('/hook/flaky', (n) => (n <= 2 ? 500 : 200));
      await department('N-FLAKY', [{ name: '值班系统', channel: 'webhook', address: `${http.baseUrl}/hook/flaky`, secret: SECRET_FLAKY }]);
      const [id] = await notify(await alertFor('N-FLAKY', 'CASE-FLAKY-1'));
      const done = await settled(id!);
      expect(done.body).to.deep.include({ status: 'sent', attempts: 3, lastError: null });
      expect(done.body.attemptLog.map((a: { attempt: number; ok: boolean; response: string | null; error: string | null }) => [a.attempt, a.ok, a.response, a.error])).to.deep.equal([
        // The status only: the receiver's answer ('nope', 'ok') is never kept.
        [1, false, null, 'HTTP 500'], [2, false, null, 'HTTP 500'], [3, true, 'HTTP 200', null],
      ]);
      expect(http.to('/hook/flaky')).to.have.length(3);
    });

    it('marks a notification failed after NOTIFY_ATTEMPTS failures, records each, and leaves the alert alone; a retry sends it', async () => {
      let down = true;
      http.script('/hook/down', () => (down ? 503 : 200));
      await department('N-DOWN', [{ name: '值班系统', channel: 'webhook', address: `${http.baseUrl}/hook/down`, secret: SECRET_DOWN }]);
      const alert = await alertFor('N-DOWN', 'CASE-DOWN-1');
      const before = await alertRow(alert.id);
      const [id] = await notify(alert);
      const done = await settled(id!);
      expect(done.body).to.deep.include({ status: 'failed', attempts: ATTEMPTS, lastError: 'HTTP 503', sentAt: null });
      expect(done.body.attemptLog.map((a: { attempt: number; ok: boolean }) => [a.attempt, a.ok])).to.deep.equal([[1, false], [2, false], [3, false], [4, false]]);
      expect(http.to('/hook/down')).to.have.length(ATTEMPTS);
      expect(await alertRow(alert.id)).to.deep.equal(before);
      const failed = await api('GET', '/api/v1/notifications?status=failed');
      expect(failed.body.items.map((item: { id: number }) => item.id)).to.include(id);

      down = false;
      const retried = await api('POST', `/api/v1/notifications/${id}/retry`);
      expect([retried.status, retried.body.status]).to.deep.equal([202, 'pending']);
      const sent = await settled(id!);
      expect(sent.body).to.deep.include({ status: 'sent', attempts: ATTEMPTS + 1 });
      expect(sent.body.attemptLog.at(-1)).to.deep.include({ attempt: ATTEMPTS + 1, ok: true });
      const refused = await api('POST', `/api/v1/notifications/${id}/retry`);
      expect([refused.status, refused.body.error.code]).to.deep.equal([409, 'NOTIFICATION_NOT_FAILED']);
    });

    it('gives up at once on a 400 answer', async () => {
      http.script('/hook/bad', () => 400);
      await department('N-BAD', [{ name: '值班系统', channel: 'webhook', address: `${http.baseUrl}/hook/bad`, secret: SECRET_BAD }]);
      const [id] = await notify(await alertFor('N-BAD', 'CASE-BAD-1'), 'escalation');
      const done = await settled(id!);
      expect(done.body).to.deep.include({ status: 'failed', attempts: 1, kind: 'escalation' });
      expect(done.body.attemptLog).to.have.length(1);
      expect(done.body.subject).to.include('已升级督办');
      expect(http.to('/hook/bad')).to.have.length(1);
    });

    it('queues pending notifications again when the jobs start and when Redis is ready again', async () => {
      await department('N-LATE', [{ name: '值班系统', channel: 'webhook', address: `${http.baseUrl}/hook/late`, secret: SECRET_LATE }]);
      const [first] = await notify(await alertFor('N-LATE', 'CASE-LATE-1'), 'notice', false);
      // Another set of jobs on its own prefix stands for a node restarted after its queue was lost.
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const jobs = await startNotificationJobs(redis, uniqueQueuePrefix('notify'), {
        orm: node.node.orm, logger: node.node.logger, settings: node.node.settings, now: () => NOW,
      });
      try {
        expect((await settled(first!)).body.status).to.equal('sent');
        const [second] = await notify(await alertFor('N-LATE', 'CASE-LATE-2'), 'notice', false);
        redis.emit('ready');
        expect((await settled(second!)).body.status).to.equal('sent');
        expect(http.to('/hook/late')).to.have.length(2);
      } finally {
        await jobs.close();
        await redis.quit();
      }
    });

    it('pages notifications newest first and checks its parameters', async () => {
      const all = await api('GET', '/api/v1/notifications?limit=500');
      const ids = all.body.items.map((item: { id: number }) => item.id);
      expect(ids).to.deep.equal([...ids].sort((a: number, b: number) => b - a));
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: ApiAnswer = await api('GET', `/api/v1/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((item: { id: number }) => item.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      expect(seen).to.deep.equal(ids);
      for (const [path, field] of [['/api/v1/notifications?status=lost', 'status'], ['/api/v1/notifications?alertId=x', 'alertId'], ['/api/v1/notifications/abc', 'id']]) {
        const answer = await api('GET', path!);
        expect([answer.status, answer.body.error.details.field]).to.deep.equal([400, field]);
      }
      expect((await api('GET', '/api/v1/notifications/999999')).status).to.equal(404);
    });

    it('never answered a secret', () => {
      expect(answers.length).to.be.greaterThan(20);
      for (const body of answers) for (const secret of SECRETS) expect(body).not.to.include(secret);
    });
  });
});

describe('integration: webhook destinations (no allow-list)', function () {
  let node: TestNode;
  let http: HttpReceiver;

  before(async () => {
    http = await startHttpReceiver();
    node = await startTestNode({ NOTIFY_ATTEMPTS: '2', NOTIFY_BACKOFF_MS: '20' });
    expect((await node.api('PUT', '/api/v1/departments/W-1', { name: '部门 W-1' })).status).to.equal(201);
  });
  after(async () => {
    await node?.close();
    await http?.close();
  });

  it('refuses a webhook pointing inside when the contact is saved, naming the field, and changes nothing', async () => {
    const before = await node.api('GET', '/api/v1/departments/W-1/contacts');
    const inside = [
      `${http.baseUrl}/hook`, 'http://[::1]:6379/', 'http://169.254.169.254/latest/meta-data/', 'http://0x7f000001/hook', 'http://2130706433/',
      'http://0177.0.0.1/', 'http://10.0.0.1/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://224.0.0.1/',
      'http://[::ffff:127.0.0.1]/', 'http://[fc00::1]/', 'http://[fe80::1]/', 'http://localhost:6379/',
    ];
    for (const address of inside) {
      const answer = await node.api('PUT', '/api/v1/departments/W-1/contacts', { contacts: [{ name: '值班系统', channel: 'webhook', address, secret: 'webhook-secret-0123456789' }] });
      expect([answer.status, answer.body.error?.code, answer.body.error?.details.field], `${address}: ${JSON.stringify(answer.body)}`).to.deep.equal([400, 'VALIDATION_FAILED', '/contacts/0/address']);
      expect(answer.body.error.details.problem, address).to.include('WEBHOOK_ALLOWED_NETWORKS');
    }
    expect(await node.api('GET', '/api/v1/departments/W-1/contacts')).to.deep.include({ status: 200, body: before.body });
    // A name that does not resolve now is taken; it is checked when a notice is sent.
    const later = await node.api('PUT', '/api/v1/departments/W-1/contacts', { contacts: [{ name: '值班系统', channel: 'webhook', address: 'https://hooks.example.test/sv', secret: 'webhook-secret-0123456789' }] });
    expect(later.status, JSON.stringify(later.body)).to.equal(200);
  });

  it('refuses it again when sending, for a contact that got in anyway (saved before, or a name now resolving inside): failed, nothing sent', async () => {
    const em = node.node.orm.em.fork();
    for (const [caseNo, address] of [['W-LITERAL', `${http.baseUrl}/hook/literal`], ['W-NAME', `http://localhost:${new URL(http.baseUrl).port}/hook/name`]] as const) {
      await query(em, `INSERT INTO department_contacts (department_code, name, channel, address, secret, enabled, created_at)
        VALUES ('W-1', $1, 'webhook', $2, 'webhook-secret-0123456789', true, now())`, [caseNo, address]);
    }
    const alert = em.create(Alert, {
      caseNo: 'W-CASE', rule: 'RED_CARD', ruleVersion: 1, departmentCode: 'W-1', itemCode: null, status: 'notified',
      foundAt: NOW, raisedAt: NOW, message: '办件 W-CASE 超期', details: {}, appealDueOn: '2026-03-16',
      noticeNo: '610203-2026-900001', noticeDemand: '请说明', noticeIssuedAt: NOW, noticeDueOn: '2026-03-09', updatedAt: NOW,
    });
    await em.flush();
    const ids = await node.node.orm.em.fork().transactional((tx) => createNotifications(tx, alert, 'notice', NOW));
    await node.node.notifications.enqueue(ids);
    const webhooks = [];
    for (const id of ids) {
      const done = await eventually(async () => {
        const answer = await node.api('GET', `/api/v1/notifications/${id}`);
        return answer.body.status === 'pending' ? undefined : answer;
      }, `notification ${id}`);
      if (done.body.channel === 'webhook' && !String(done.body.address).includes('example.test')) webhooks.push(done.body);
    }
    expect(webhooks).to.have.length(2);
    for (const notification of webhooks) {
      // Refused for good: one attempt, not NOTIFY_ATTEMPTS.
      expect(notification).to.deep.include({ status: 'failed', attempts: 1 });
      expect(notification.lastError).to.include('destination refused').and.match(/127\.0\.0\.1|::1/);
    }
    expect(http.requests).to.deep.equal([]);
  });
});
