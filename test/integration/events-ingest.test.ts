/**
 * `POST /api/v1/events` and `GET /api/v1/rejections`: per-event results in request order, every
 * rejection code with the field it names, duplicates and conflicts within a batch and across
 * batches, pending and out-of-order cases, and sending a refused event again once fixed.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import {
  accepted, caseNos, clock, concluded, fee, listAll, notAccepted, postAccepted, postEvents, q, resumed, setUpCatalog, stage,
  suspended, verdictAt, yellowCard,
} from '../support/api-fixtures.ts';
import { ingestEvents } from '../../node/cases/ingest.ts';

const A = 'D-A';
const B = 'D-B';
const RECEIVED_1 = '2026-03-02T02:00:00.000Z';
const RECEIVED_2 = '2026-03-03T01:30:00.000Z';
// The same instants as answers show them (China Standard Time).
const RECEIVED_1_LOCAL = '2026-03-02T10:00:00.000+08:00';
const RECEIVED_2_LOCAL = '2026-03-03T09:30:00.000+08:00';

describe('integration: event ingestion', function () {
  let node: TestNode;

  before(async () => {
    node = await startTestNode();
    node.setNow(RECEIVED_1);
    await setUpCatalog(node, { [A]: '公安局', [B]: '民政局' }, [
      { itemCode: 'I-A', departmentCode: A, legalLimitDays: 10, promisedLimitDays: 5 },
      { itemCode: 'I-B', departmentCode: B, legalLimitDays: 3, promisedLimitDays: 3 },
    ]);
  });

  after(async () => {
    await node?.close();
  });

  describe('one batch with every outcome', () => {
    const first = accepted('K1', '2026-03-02T09:00:00+08:00', 'I-A', A);
    const batch = [
      first,
      accepted('K2', '2026-03-02T09:00:00+08:00', 'I-NOPE', A),
      { ...stage('K1', '2026-03-02T10:00:00', 'undertake') }, // no offset
      accepted('K3', '2026-03-02T09:00:00+08:00', 'I-A', 'D-NOPE'),
      accepted('K4', '2026-03-02T09:00:00+08:00', 'I-A', B),
      accepted('K5', '2026-03-02T09:00:00+08:00', 'I-A', A, { promisedLimitDays: 11 }),
      accepted('K1', '2026-03-02T09:30:00+08:00', 'I-A', A), // a second intake for K1
      { ...first },
      { ...first, applicant: { name: '王五' } },
      notAccepted('K6', '2026-03-02T11:00:00+08:00', 'I-B', B),
    ];
    let summary: Awaited<ReturnType<typeof postEvents>>;

    before(async () => {
      summary = await postEvents(node, batch);
    });

    it('counts and lists each event in request order with its code and field', () => {
      expect([summary.accepted, summary.duplicates, summary.rejected]).to.deep.equal([2, 1, 7]);
      const shown = summary.results.map((r) => [r.eventId, r.status, r.error?.code ?? null, r.error?.details.field ?? null]);
      expect(shown).to.deep.equal([
        [first.eventId, 'accepted', null, null],
        [batch[1]!.eventId, 'rejected', 'UNKNOWN_ITEM', '/events/1/itemCode'],
        [batch[2]!.eventId, 'rejected', 'VALIDATION_FAILED', '/events/2/occurredAt'],
        [batch[3]!.eventId, 'rejected', 'UNKNOWN_DEPARTMENT', '/events/3/departmentCode'],
        [batch[4]!.eventId, 'rejected', 'ITEM_DEPARTMENT_MISMATCH', '/events/4/departmentCode'],
        [batch[5]!.eventId, 'rejected', 'LIMIT_ABOVE_LEGAL', '/events/5/promisedLimitDays'],
        [batch[6]!.eventId, 'rejected', 'CASE_ALREADY_ACCEPTED', '/events/6/type'],
        [first.eventId, 'duplicate', null, null],
        [first.eventId, 'rejected', 'EVENT_CONFLICT', '/events/8/eventId'],
        [batch[9]!.eventId, 'accepted', null, null],
      ]);
    });

    it('gives details a sender can act on', () => {
      const details = (index: number) => summary.results[index]!.error!.details;
      expect(details(1)).to.deep.equal({ field: '/events/1/itemCode', itemCode: 'I-NOPE' });
      expect(details(3)).to.deep.equal({ field: '/events/3/departmentCode', departmentCode: 'D-NOPE' });
      expect(details(4)).to.deep.equal({ field: '/events/4/departmentCode', itemCode: 'I-A', itemDepartmentCode: A });
      expect(details(5)).to.deep.equal({ field: '/events/5/promisedLimitDays', legalLimitDays: 10 });
      expect(details(6)).to.deep.equal({ field: '/events/6/type', caseNo: 'K1', acceptedEventId: first.eventId });
      expect(details(8)).to.deep.equal({ field: '/events/8/eventId', eventId: first.eventId, firstAt: '/events/0' });
      expect(summary.results[2]!.error!.message).to.be.a('string').and.not.empty;
    });

    it('stored what it accepted and nothing else', async () => {
      const k1 = await verdictAt(node, 'K1', '2026-03-03T10:00:00+08:00');
      expect(k1.events).to.deep.equal([first]);
      expect(k1.acceptedAt).to.equal('2026-03-02T09:00:00+08:00');
      expect((await verdictAt(node, 'K6', '2026-03-03T10:00:00+08:00')).status).to.equal('notAccepted');
      for (const caseNo of ['K2', 'K3', 'K4', 'K5']) {
        expect((await node.api('GET', `/api/v1/cases/${caseNo}?at=${q('2026-03-03T10:00:00+08:00')}`)).status, caseNo).to.equal(404);
      }
    });

    it('lists every rejection, newest first, with reason and payload', async () => {
      const answer = await node.api('GET', '/api/v1/rejections');
      expect(answer.status).to.equal(200);
      expect(answer.body.nextCursor).to.equal(null);
      const items = answer.body.items as Record<string, unknown>[];
      // Newest first, so the last event of the batch comes first.
      expect(items.map((r) => r.code)).to.deep.equal([
        'EVENT_CONFLICT', 'CASE_ALREADY_ACCEPTED', 'LIMIT_ABOVE_LEGAL', 'ITEM_DEPARTMENT_MISMATCH', 'UNKNOWN_DEPARTMENT', 'VALIDATION_FAILED', 'UNKNOWN_ITEM',
      ]);
      // Exact content of two of them.
      const conflict = items.find((r) => r.code === 'EVENT_CONFLICT')!;
      expect(conflict).to.deep.include({
        eventId: first.eventId, caseNo: 'K1', source: 'api', line: null, receivedAt: RECEIVED_1_LOCAL, resolvedAt: null,
        payload: batch[8], details: { field: '/events/8/eventId', eventId: first.eventId, firstAt: '/events/0' },
      });
      const invalid = items.find((r) => r.code === 'VALIDATION_FAILED')!;
      expect(invalid.payload).to.deep.equal(batch[2]);
      expect((invalid.details as { field: string }).field).to.equal('/events/2/occurredAt');
      const ids = items.map((r) => Number(r.id));
      expect(ids).to.deep.equal([...ids].sort((a, b) => b - a));
    });

    it('filters rejections by code and pages through them', async () => {
      const byCode = await node.api('GET', '/api/v1/rejections?code=UNKNOWN_ITEM');
      expect(byCode.body.items.map((r: { eventId: string }) => r.eventId)).to.deep.equal([batch[1]!.eventId]);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { code: string }[]; nextCursor: string | null } } = await node.api('GET', `/api/v1/rejections?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.body.items.length).to.be.at.most(3);
        seen.push(...page.body.items.map((r) => r.code));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      expect(seen).to.have.length(7);
      expect(new Set(seen).size).to.equal(7);
      expect((await node.api('GET', '/api/v1/rejections?code=NOPE')).status).to.equal(400);
    });

    it('accepts a refused event sent again once its cause is fixed, and marks the rejection resolved', async () => {
      node.setNow(RECEIVED_2);
      try {
        // The unknown item now exists; the department is created; the limit is brought within the legal one.
        expect((await node.api('PUT', '/api/v1/items/I-NOPE', { name: '新事项', departmentCode: A, legalLimitDays: 5, promisedLimitDays: 5 })).status).to.equal(201);
        expect((await node.api('PUT', '/api/v1/departments/D-NOPE', { name: '新部门' })).status).to.equal(201);
        expect((await node.api('PUT', '/api/v1/items/I-C', { name: '事项 C', departmentCode: 'D-NOPE', legalLimitDays: 5, promisedLimitDays: 5 })).status).to.equal(201);
        const fixed = [batch[1], { ...batch[3], itemCode: 'I-C' }, { ...batch[5], promisedLimitDays: 10 }];
        const summary2 = await postEvents(node, fixed);
        expect(summary2.results.map((r) => r.status)).to.deep.equal(['accepted', 'accepted', 'accepted']);
        const resolved = await node.api('GET', '/api/v1/rejections?state=resolved');
        expect(resolved.body.items.map((r: { code: string; resolvedAt: string; receivedAt: string }) => [r.code, r.receivedAt, r.resolvedAt])).to.deep.equal([
          ['LIMIT_ABOVE_LEGAL', RECEIVED_1_LOCAL, RECEIVED_2_LOCAL],
          ['UNKNOWN_DEPARTMENT', RECEIVED_1_LOCAL, RECEIVED_2_LOCAL],
          ['UNKNOWN_ITEM', RECEIVED_1_LOCAL, RECEIVED_2_LOCAL],
        ]);
        const open = await node.api('GET', '/api/v1/rejections?state=open');
        expect(open.body.items.map((r: { code: string }) => r.code).sort()).to.deep.equal(['CASE_ALREADY_ACCEPTED', 'EVENT_CONFLICT', 'ITEM_DEPARTMENT_MISMATCH', 'VALIDATION_FAILED']);
        // K5 runs on its corrected limit: 10 working days from Monday 03-02 = 03-16.
        const k5 = await verdictAt(node, 'K5', '2026-03-03T10:00:00+08:00');
        expect([k5.limitDays, k5.deadline]).to.deep.equal([10, '2026-03-16']);
      } finally {
        node.setNow(RECEIVED_1);
      }
    });
  });

  describe('duplicates and conflicts across batches', () => {
    const event = accepted('DUP-1', '2026-03-02T09:00:00+08:00', 'I-B', B, { channel: 'web', applicant: { name: '赵六', idType: '111', idNo: '610203199001011234' } });

    it('takes the same content again as a duplicate, whatever the key order', async () => {
      await postAccepted(node, [event]);
      const reordered = Object.fromEntries(Object.entries(event).reverse());
      const again = await postEvents(node, [event, reordered]);
      expect([again.accepted, again.duplicates, again.rejected]).to.deep.equal([0, 2, 0]);
      expect(again.results.map((r) => r.status)).to.deep.equal(['duplicate', 'duplicate']);
    });

    it('refuses other content under a held eventId, and never resolves that conflict', async () => {
      const other = { ...event, occurredAt: '2026-03-02T09:00:01+08:00' };
      const answer = await postEvents(node, [other]);
      expect(answer.results).to.deep.equal([{
        eventId: event.eventId, status: 'rejected',
        error: { code: 'EVENT_CONFLICT', message: answer.results[0]!.error!.message, details: { field: '/events/0/eventId', eventId: event.eventId } },
      }]);
      const again = await postEvents(node, [event]);
      expect(again.results[0]!.status).to.equal('duplicate');
      const rejections = await node.api('GET', '/api/v1/rejections?code=EVENT_CONFLICT&state=open');
      expect(rejections.body.items.map((r: { eventId: string }) => r.eventId)).to.include(event.eventId);
      // The case still has the first content.
      expect((await verdictAt(node, 'DUP-1', '2026-03-03T10:00:00+08:00')).acceptedAt).to.equal('2026-03-02T09:00:00+08:00');
    });

    it('keeps a query password only as a hash, yet recognises a resend', async () => {
      const withPassword = accepted('PWD-1', '2026-03-02T09:00:00+08:00', 'I-B', B, { queryPassword: 's3cret-查询' });
      await postAccepted(node, [withPassword]);
      expect((await postEvents(node, [withPassword])).results[0]!.status).to.equal('duplicate');
      const changed = await postEvents(node, [{ ...withPassword, queryPassword: 'another' }]);
      expect(changed.results[0]!.error!.code).to.equal('EVENT_CONFLICT');
      const v = await verdictAt(node, 'PWD-1', '2026-03-03T10:00:00+08:00');
      const { queryPassword, ...rest } = withPassword;
      expect(queryPassword).to.be.a('string');
      expect(v.events).to.deep.equal([{ ...rest, queryPasswordSet: true }]);
      const rejection = (await node.api('GET', '/api/v1/rejections?code=EVENT_CONFLICT')).body.items.find((r: { eventId: string }) => r.eventId === withPassword.eventId);
      expect(rejection.payload.queryPassword).to.equal('[redacted]');
      expect(JSON.stringify(rejection)).not.to.contain('another');
    });

    it('lets exactly one of two concurrent sends of the same steps accept each event', async () => {
      const intakes = Array.from({ length: 40 }, (_, i) => accepted(`RACE-${String(i).padStart(2, '0')}`, '2026-03-02T09:00:00+08:00', 'I-A', A));
      await postAccepted(node, intakes);
      const steps = intakes.map((e) => stage(e.caseNo, '2026-03-02T10:00:00+08:00', 'undertake'));
      const [one, two] = await Promise.all([postEvents(node, steps), postEvents(node, steps)]);
      expect([one.accepted + two.accepted, one.duplicates + two.duplicates, one.rejected + two.rejected]).to.deep.equal([40, 40, 0]);
      const listed = await listAll(node, `at=${q('2026-03-03T10:00:00+08:00')}&status=open&itemCode=I-A`);
      expect(listed.filter((v) => String(v.caseNo).startsWith('RACE-')).map((v) => v.stage)).to.deep.equal(Array(40).fill('undertake'));
    });

    // A business system that times out and resends a batch of acceptances while the first send is
    // still being written must get duplicates, not CASE_ALREADY_ACCEPTED rejections against its own
    // eventIds. (Fails at the time of writing: see the report on node/cases/ingest.ts.)
    it('lets exactly one of two concurrent sends of the same acceptances accept each, the other seeing duplicates', async () => {
      const intakes = Array.from({ length: 40 }, (_, i) => accepted(`RACE2-${String(i).padStart(2, '0')}`, '2026-03-02T09:00:00+08:00', 'I-A', A));
      const [one, two] = await Promise.all([postEvents(node, intakes), postEvents(node, intakes)]);
      const rejected = [...one.results, ...two.results].filter((r) => r.status === 'rejected').map((r) => r.error?.code);
      expect(rejected.slice(0, 3), 'rejections').to.deep.equal([]);
      expect([one.accepted + two.accepted, one.duplicates + two.duplicates]).to.deep.equal([40, 40]);
      const spurious = await node.api('GET', '/api/v1/rejections?code=CASE_ALREADY_ACCEPTED&state=open');
      expect(spurious.body.items.filter((r: { caseNo: string }) => r.caseNo.startsWith('RACE2-'))).to.deep.equal([]);
    });
  });

  describe('cases whose events arrive out of order', () => {
    it('keeps events of a case without intake as pending, then opens it when the acceptance arrives', async () => {
      const review = stage('P-1', '2026-03-03T10:00:00+08:00', 'review');
      const payment = fee('P-1', '2026-03-03T11:00:00+08:00');
      await postAccepted(node, [review, payment]);
      const pending = await verdictAt(node, 'P-1', '2026-03-04T10:00:00+08:00');
      expect([pending.status, pending.itemCode, pending.stage, pending.light, pending.events]).to.deep.equal(['pending', null, null, null, [review, payment]]);
      const listed = await listAll(node, `at=${q('2026-03-04T10:00:00+08:00')}&status=pending`);
      expect(caseNos(listed)).to.deep.equal(['P-1']);

      const intake = accepted('P-1', '2026-03-02T16:00:00+08:00', 'I-B', B);
      await postAccepted(node, [intake]);
      // 3 working days from Monday 03-02: 03-03, 03-04, 03-05.
      const open = await verdictAt(node, 'P-1', '2026-03-04T10:00:00+08:00');
      expect([open.status, open.itemCode, open.departmentCode, open.stage, open.deadline, open.remainingDays, open.light]).to.deep.equal(['open', 'I-B', B, 'review', '2026-03-05', 1, 'green']);
      expect(open.events).to.deep.equal([intake, review, payment]);
      expect(caseNos(await listAll(node, `at=${q('2026-03-04T10:00:00+08:00')}&status=pending`))).to.deep.equal([]);
      expect(caseNos(await listAll(node, `at=${q('2026-03-04T10:00:00+08:00')}&status=open&departmentCode=${B}`))).to.include('P-1');
    });

    it('judges a case delivered conclusion first exactly as one delivered in order', async () => {
      const events = [
        accepted('OOO-1', '2026-03-02T09:00:00+08:00', 'I-B', B),
        stage('OOO-1', '2026-03-04T10:00:00+08:00', 'review'),
        concluded('OOO-1', '2026-03-06T10:00:00+08:00'),
      ];
      const inOrder = events.map((e) => ({ ...e, caseNo: 'OOO-2', eventId: e.eventId.replace('OOO-1', 'OOO-2') }));
      await postAccepted(node, [events[2]]);
      expect((await verdictAt(node, 'OOO-1', '2026-03-10T10:00:00+08:00')).status).to.equal('pending');
      await postAccepted(node, [events[1]]);
      await postAccepted(node, [events[0]]);
      await postAccepted(node, inOrder);
      // Due 03-05 (03-03, 03-04, 03-05); concluded Friday 03-06: one working day late, yellow card 03-06.
      const expected = { status: 'concluded', deadline: '2026-03-05', remainingDays: null, overdueDays: 1, light: null, cards: [yellowCard('2026-03-06')], onTime: false, early: false };
      for (const caseNo of ['OOO-1', 'OOO-2']) {
        const v = await verdictAt(node, caseNo, '2026-03-10T10:00:00+08:00');
        expect(clock(v), caseNo).to.deep.equal(expected);
        expect(v.stage, caseNo).to.equal('review');
      }
      const listed = async (query: string, instant: string) =>
        caseNos(await listAll(node, `at=${q(instant)}&departmentCode=${B}&${query}`)).filter((c) => String(c).startsWith('OOO-'));
      expect(await listed('status=concluded', '2026-03-10T10:00:00+08:00')).to.deep.equal(['OOO-1', 'OOO-2']);
      // On the deadline 03-05, before the conclusion occurred, both were open and yellow; at 09:00 on
      // 03-06 red; from 10:00 concluded.
      expect(await listed('light=yellow', '2026-03-05T18:00:00+08:00')).to.deep.equal(['OOO-1', 'OOO-2']);
      expect(await listed('light=red', '2026-03-06T09:00:00+08:00')).to.deep.equal(['OOO-1', 'OOO-2']);
      expect(await listed('status=open', '2026-03-06T10:00:00+08:00')).to.deep.equal([]);
    });
  });

  describe('validation', () => {
    it('names the field of each invalid event and still accepts the valid ones', async () => {
      const ok = stage('VAL-1', '2026-03-02T10:00:00+08:00', 'undertake');
      const base = { eventId: 'VAL-x', caseNo: 'VAL-1' };
      const events: unknown[] = [
        { ...base, eventId: 'VAL-a', type: 'accepted', occurredAt: '2026-03-02T09:00:00+08:00', itemCode: 'I-A', departmentCode: A },
        { ...ok, eventId: 'VAL-b', colour: 'red' },
        { ...ok, eventId: 'VAL-c', stage: 'sign' },
        { eventId: 'VAL-d', caseNo: 'VAL-1', occurredAt: '2026-03-02T09:00:00+08:00' },
        { ...fee('VAL-1', '2026-03-02T09:00:00+08:00', -1), eventId: 'VAL-e' },
        { ...ok, eventId: 'VAL-f', occurredAt: '2026-02-30T10:00:00+08:00' },
        { ...ok, eventId: 'VAL-g', occurredAt: '2026-03-02 10:00:00+08:00' },
        { ...ok, eventId: 'VAL-h', occurredAt: '2016-12-31T23:59:60Z' },
        { ...ok, eventId: 'VAL-i', occurredAt: '2026-03-02T10:00:00.1234567891+08:00' },
        { ...ok, eventId: 'VAL-j', type: 'archived' },
        { ...ok, caseNo: 'x'.repeat(51) },
        ok,
      ];
      const summary = await postEvents(node, events);
      expect(summary.results.map((r) => [r.eventId, r.error?.code ?? r.status, r.error?.details.field ?? null])).to.deep.equal([
        ['VAL-a', 'VALIDATION_FAILED', '/events/0/applicant'],
        ['VAL-b', 'VALIDATION_FAILED', '/events/1/colour'],
        ['VAL-c', 'VALIDATION_FAILED', '/events/2/stage'],
        ['VAL-d', 'VALIDATION_FAILED', '/events/3/type'],
        ['VAL-e', 'VALIDATION_FAILED', '/events/4/amountFen'],
        ['VAL-f', 'VALIDATION_FAILED', '/events/5/occurredAt'],
        ['VAL-g', 'VALIDATION_FAILED', '/events/6/occurredAt'],
        ['VAL-h', 'VALIDATION_FAILED', '/events/7/occurredAt'],
        ['VAL-i', 'VALIDATION_FAILED', '/events/8/occurredAt'],
        ['VAL-j', 'VALIDATION_FAILED', '/events/9/type'],
        [ok.eventId, 'VALIDATION_FAILED', '/events/10/caseNo'],
        [ok.eventId, 'accepted', null],
      ]);
      expect([summary.accepted, summary.rejected]).to.deep.equal([1, 11]);
    });

    it('refuses a malformed request as a whole, naming the field', async () => {
      const cases: [unknown, string][] = [
        [{}, '/events'],
        [{ events: [] }, '/events'],
        [{ events: 'none' }, '/events'],
        [{ events: [stage('VAL-2', '2026-03-02T10:00:00+08:00', 'review'), 7] }, '/events/1'],
        [{ events: [stage('VAL-2', '2026-03-02T10:00:00+08:00', 'review')], extra: true }, '/extra'],
        [[stage('VAL-2', '2026-03-02T10:00:00+08:00', 'review')], '/'],
      ];
      for (const [body, field] of cases) {
        const answer = await node.api('POST', '/api/v1/events', body);
        expect(answer.status, JSON.stringify(body).slice(0, 80)).to.equal(400);
        expect(answer.body.error.code).to.equal('VALIDATION_FAILED');
        expect(answer.body.error.details.field, JSON.stringify(body).slice(0, 80)).to.equal(field);
      }
      expect((await verdictAt(node, 'VAL-1', '2026-03-03T10:00:00+08:00')).events).to.have.length(1);
      expect((await node.api('GET', `/api/v1/cases/VAL-2?at=${q('2026-03-03T10:00:00+08:00')}`)).status).to.equal(404);
    });

    it('takes up to 5,000 events in one request and refuses 5,001', async () => {
      // 1,000 cases: accepted Monday 03-02, then four steps each.
      const events = [];
      for (let i = 0; i < 1000; i++) {
        const caseNo = `BULK-${String(i).padStart(4, '0')}`;
        events.push(
          accepted(caseNo, '2026-03-02T09:00:00+08:00', 'I-A', A),
          stage(caseNo, '2026-03-02T10:00:00+08:00', 'undertake'),
          stage(caseNo, '2026-03-03T10:00:00+08:00', 'review'),
          fee(caseNo, '2026-03-03T11:00:00+08:00'),
          stage(caseNo, '2026-03-04T10:00:00+08:00', 'approve'),
        );
      }
      const over = await node.api('POST', '/api/v1/events', { events: [...events, stage('BULK-0000', '2026-03-05T10:00:00+08:00', 'review')] });
      expect([over.status, over.body.error.code, over.body.error.details.field]).to.deep.equal([400, 'VALIDATION_FAILED', '/events']);
      const summary = await postEvents(node, events);
      expect([summary.accepted, summary.duplicates, summary.rejected]).to.deep.equal([5000, 0, 0]);
      // 5 working days from 03-02: 03-03 .. 03-09.
      const v = await verdictAt(node, 'BULK-0999', '2026-03-05T10:00:00+08:00');
      expect([v.stage, v.deadline, v.remainingDays, v.events.length]).to.deep.equal(['approve', '2026-03-09', 2, 5]);
      const green = await listAll(node, `at=${q('2026-03-05T10:00:00+08:00')}&departmentCode=${A}&light=green`);
      expect(caseNos(green).filter((c) => String(c).startsWith('BULK-'))).to.have.length(1000);
      const board = (await node.api('GET', `/api/v1/board?at=${q('2026-03-05T10:00:00+08:00')}`)).body;
      const deptA = board.departments.find((d: { departmentCode: string }) => d.departmentCode === A);
      expect(deptA.green).to.equal(green.length);
    });
  });

  describe('the occurredAt window', () => {
    // The window as configured by default: from 2000-01-01 to a day after the node's clock.
    let strict: TestNode;
    before(async () => {
      strict = await startTestNode({ OCCURRED_AT_MAX_AHEAD_HOURS: '24' });
      strict.setNow(RECEIVED_1);
      await setUpCatalog(strict, { [A]: '公安局' }, [{ itemCode: 'I-A', departmentCode: A, legalLimitDays: 10, promisedLimitDays: 5 }]);
    });
    after(async () => {
      await strict?.close();
    });

    it('takes occurredAt from 00:00 on 2000-01-01 to 24 hours after the clock, and refuses each event outside on its own', async () => {
      const batch = [
        accepted('W-1', '2000-01-01T00:00:00+08:00', 'I-A', A),
        accepted('W-2', '1999-12-31T23:59:59.999+08:00', 'I-A', A),
        accepted('W-3', '1999-12-31T16:00:00Z', 'I-A', A), // 00:00 in Shanghai
        accepted('W-4', '2026-03-03T10:00:00+08:00', 'I-A', A), // the clock plus 24 hours
        accepted('W-5', '2026-03-03T10:00:00.001+08:00', 'I-A', A),
        accepted('W-6', '9990-01-05T10:00:00+08:00', 'I-A', A),
        stage('W-4', '2026-03-03T02:00:00.001Z', 'undertake'), // one millisecond after the window
      ];
      const summary = await postEvents(strict, batch);
      expect(summary.results.map((r) => [r.status, r.error?.code ?? null])).to.deep.equal([
        ['accepted', null], ['rejected', 'OCCURRED_AT_OUT_OF_RANGE'], ['accepted', null], ['accepted', null],
        ['rejected', 'OCCURRED_AT_OUT_OF_RANGE'], ['rejected', 'OCCURRED_AT_OUT_OF_RANGE'], ['rejected', 'OCCURRED_AT_OUT_OF_RANGE'],
      ]);
      const error = summary.results[5]!.error!;
      expect(error.details).to.deep.equal({
        field: '/events/5/occurredAt', occurredAt: '9990-01-05T10:00:00+08:00', earliest: '2000-01-01T00:00:00.000+08:00', latest: '2026-03-03T10:00:00.000+08:00',
      });
      expect(error.message).to.equal('字段 /events/5/occurredAt 超出允许范围, 须在 2000-01-01T00:00:00.000+08:00 至 2026-03-03T10:00:00.000+08:00 之间 '
        + '(field /events/5/occurredAt is outside the accepted window: from 2000-01-01T00:00:00.000+08:00 to 2026-03-03T10:00:00.000+08:00)');
      const kept = await strict.api('GET', '/api/v1/rejections?code=OCCURRED_AT_OUT_OF_RANGE');
      expect(kept.body.items.map((r: { caseNo: string }) => r.caseNo).sort()).to.deep.equal(['W-4', 'W-2', 'W-5', 'W-6'].sort());
      expect((await strict.api('GET', '/api/v1/cases/W-6')).status).to.equal(404);
    });

    it('moves with the clock: an event refused yesterday is taken once its time has come', async () => {
      const early = accepted('W-7', '2026-03-04T09:00:00+08:00', 'I-A', A);
      expect((await postEvents(strict, [early])).results[0]!.error?.code).to.equal('OCCURRED_AT_OUT_OF_RANGE');
      strict.setNow(RECEIVED_2);
      try {
        expect((await postEvents(strict, [early])).results[0]!.status).to.equal('accepted');
        const resolved = await strict.api('GET', '/api/v1/rejections?code=OCCURRED_AT_OUT_OF_RANGE&state=resolved');
        expect(resolved.body.items.map((r: { eventId: string }) => r.eventId)).to.deep.equal([early.eventId]);
      } finally {
        strict.setNow(RECEIVED_1);
      }
    });

    it('is the node\'s setting: OCCURRED_AT_EARLIEST and OCCURRED_AT_MAX_AHEAD_HOURS', async () => {
      const narrow = await startTestNode({ OCCURRED_AT_EARLIEST: '2026-01-01', OCCURRED_AT_MAX_AHEAD_HOURS: '0' });
      try {
        narrow.setNow(RECEIVED_1);
        await setUpCatalog(narrow, { [A]: '公安局' }, [{ itemCode: 'I-A', departmentCode: A, legalLimitDays: 10, promisedLimitDays: 5 }]);
        const summary = await postEvents(narrow, [
          accepted('N-1', '2025-12-31T23:59:59+08:00', 'I-A', A), accepted('N-2', '2026-01-01T00:00:00+08:00', 'I-A', A),
          accepted('N-3', RECEIVED_1_LOCAL, 'I-A', A), accepted('N-4', '2026-03-02T10:00:00.001+08:00', 'I-A', A),
        ]);
        expect(summary.results.map((r) => r.error?.code ?? r.status)).to.deep.equal(['OCCURRED_AT_OUT_OF_RANGE', 'accepted', 'accepted', 'OCCURRED_AT_OUT_OF_RANGE']);
        expect(summary.results[0]!.error!.details).to.deep.include({ earliest: '2026-01-01T00:00:00.000+08:00', latest: RECEIVED_1_LOCAL });
      } finally {
        await narrow.close();
      }
    });
  });

  describe('an event the time rules cannot process', () => {
    // The occurredAt window keeps such dates out, and no setting opens it that far: ingest is handed
    // a wider window here, to show that an event getting past every check is still refused alone.
    const ingest = (events: unknown[]) => ingestEvents(node.node.orm.em.fork(), node.node.rules, events, {
      source: 'api', receivedAt: new Date(RECEIVED_1), fieldPrefix: (index) => `/events/${index}`,
      occurredAtLimits: { occurredAtEarliest: '2000-01-01', occurredAtMaxAheadHours: 100_000_000 },
    });

    it('refuses with EVENT_UNPROCESSABLE only the event whose timeline overflows, and applies the rest of its batch and its case', async () => {
      // FAR-1's held fold is continued; FAR-2 is new; the 5-working-day deadline of either lands after 9999-12-31.
      expect((await ingest([accepted('FAR-1', '2026-03-02T09:00:00+08:00', 'I-A', A)])).accepted).to.equal(1);
      const batch = [
        suspended('FAR-1', '2026-03-03T09:00:00+08:00'),
        accepted('FAR-2', '9999-12-30T09:00:00+08:00', 'I-A', A),
        resumed('FAR-1', '9999-12-30T09:00:00+08:00'),
        accepted('FAR-3', '2026-03-02T09:00:00+08:00', 'I-A', A),
      ];
      const summary = await ingest(batch);
      expect(summary.results.map((r) => [r.status, r.error?.code ?? null, r.error?.details.field ?? null])).to.deep.equal([
        ['accepted', null, null], ['rejected', 'EVENT_UNPROCESSABLE', '/events/1'], ['rejected', 'EVENT_UNPROCESSABLE', '/events/2'], ['accepted', null, null],
      ]);
      expect(summary.results[1]!.error!.details.reason).to.match(/outside years 0000-9999/);
      expect(summary.touchedCases.sort()).to.deep.equal(['FAR-1', 'FAR-3']);
      const far1 = await verdictAt(node, 'FAR-1', '2026-03-05T10:00:00+08:00');
      expect([far1.status, far1.events.length]).to.deep.equal(['paused', 2]);
      expect((await verdictAt(node, 'FAR-3', '2026-03-05T10:00:00+08:00')).status).to.equal('open');
      const kept = await node.api('GET', '/api/v1/rejections?code=EVENT_UNPROCESSABLE');
      expect(kept.body.items.map((r: { eventId: string }) => r.eventId).sort()).to.deep.equal([batch[1]!.eventId, batch[2]!.eventId].sort());
    });
  });

  describe('rejections past the tenth', () => {
    it('lists them newest first by number, page after page', async () => {
      const refused = Array.from({ length: 120 }, (_, n) => accepted(`RJ-${n}`, '2026-03-02T09:00:00+08:00', 'I-NEVER', A));
      expect((await postEvents(node, refused)).rejected).to.equal(120);
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null; total: number } } = await node.api('GET', `/api/v1/rejections?limit=25${cursor ? `&cursor=${cursor}` : ''}`);
        ids.push(...page.body.items.map((r) => Number(r.id)));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      expect(ids.length).to.be.at.least(120);
      expect(ids).to.deep.equal([...ids].sort((a, b) => b - a));
      expect(new Set(ids).size).to.equal(ids.length);
    });
  });
});
