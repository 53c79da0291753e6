/**
 * `POST /api/v1/imports` and `GET /api/v1/imports/{id}`: CSV and NDJSON bodies processed by the
 * BullMQ job, counts and progress, rejected rows with their line numbers, duplicates across imports
 * and against the API, and the checks made before a body is accepted.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import {
  accepted, caseNos, clock, concluded, fee, listAll, postAccepted, q, setUpCatalog, stage, verdictAt, waitForImport, yellowCard,
} from '../support/api-fixtures.ts';
import { insertImport } from '../../node/imports/import-store.ts';
import { failedMessage, markImportFailed } from '../../node/imports/import-worker.ts';

const DEPT = 'D-I';

/** Posts an import body; answers its id after checking the 202 answer. */
async function submit(node: TestNode, contentType: string, body: string): Promise<string> {
  const answer = await node.api('POST', '/api/v1/imports', body, { 'content-type': contentType });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
  expect(answer.body).to.have.keys(['id', 'status', 'format']);
  expect(answer.body.status).to.equal('queued');
  expect(answer.headers.get('location')).to.equal(`/api/v1/imports/${answer.body.id}`);
  return answer.body.id;
}

/** The rejected rows of an import as [line, eventId, code, field]. */
const rowsOf = (result: { rejectedRows: { line: number; eventId: string | null; code: string; details: { field?: string } }[] }) =>
  result.rejectedRows.map((row) => [row.line, row.eventId, row.code, row.details.field ?? null]);

describe('integration: imports', function () {
  let node: TestNode;

  before(async () => {
    node = await startTestNode();
    await setUpCatalog(node, { [DEPT]: '人力资源和社会保障局' }, [
      { itemCode: 'W5', departmentCode: DEPT, legalLimitDays: 20, promisedLimitDays: 5 },
      { itemCode: 'W3', departmentCode: DEPT, legalLimitDays: 10, promisedLimitDays: 3 },
    ]);
  });

  after(async () => {
    await node?.close();
  });

  describe('CSV', () => {
    // A BOM, CRLF line ends, a quoted comma, a blank line and a quoted cell spanning two lines.
    const lines = [
      'eventId,caseNo,type,occurredAt,itemCode,departmentCode,applicantName,channel,stage,handlerId,handlerName,opinion,procedure,plannedDays,plannedUnit,feeCode,amountFen,result',
      'IM-1.a,IM-1,accepted,2025-01-23T15:00:00+08:00,W5,D-I,王五,hall,,,,,,,,,,', // 2
      'IM-1.b,IM-1,stage,2025-01-24T09:00:00+08:00,,,,,undertake,h-01,张科员,"同意, 转审核",,,,,,', // 3
      'IM-1.c,IM-1,fee,2025-01-24T10:00:00+08:00,,,,,,,,,,,,F1,5000,', // 4
      'IM-1.d,IM-1,suspended,2025-01-27T10:00:00+08:00,,,,,,,,,supplement,5,workday,,,', // 5
      'IM-1.e,IM-1,resumed,2025-02-05T09:00:00+08:00,,,,,,,,,,,,,,', // 6
      'IM-1.f,IM-1,concluded,2025-02-10T10:00:00+08:00,,,,,,,,,,,,,,approved', // 7
      'IM-2.a,IM-2,accepted,2025-01-23T15:00:00+08:00,NOPE,D-I,赵六,,,,,,,,,,,', // 8: unknown item
      '', // 9
      'IM-1.g,IM-1,fee,2025-01-24T11:00:00+08:00,,,,,,,,,,,,F2,12.5,', // 10: amount not an integer
      'IM-1.h,IM-1,stage,2025-01-24T12:00:00+08:00,,,,,sign,h-01,张科员,"第一行', // 11: unknown stage...
      '第二行",,,,,,', // 12: ...its opinion ends here
      'IM-3.a,IM-3,accepted,2025-01-23T15:00:00,W5,D-I,孙七,,,,,,,,,,,', // 13: no offset
      'IM-1.x,IM-1,accepted,2025-01-24T15:00:00+08:00,W5,D-I,王五,,,,,,,,,,,', // 14: second intake
    ];
    let result: Record<string, unknown> & { rejectedRows: { line: number; eventId: string | null; code: string; details: { field?: string } }[] };
    let id: string;

    before(async () => {
      id = await submit(node, 'text/csv; charset=utf-8', `\uFEFF${lines.join('\r\n')}\r\n`);
      result = await waitForImport(node, id);
    });

    it('finishes with the counts and progress of every row', () => {
      expect(result).to.deep.include({
        id, format: 'csv', status: 'done', totalRows: 11, processedRows: 11, accepted: 6, duplicates: 0, rejected: 5, error: null, progress: 100,
        rejectedRowsTruncated: false,
      });
      expect(result.startedAt).to.be.a('string');
      expect(result.finishedAt).to.be.a('string');
    });

    it('lists each rejected row at the line where it starts, with its code and field', () => {
      expect(rowsOf(result)).to.deep.equal([
        [8, 'IM-2.a', 'UNKNOWN_ITEM', 'line 8/itemCode'],
        [10, 'IM-1.g', 'VALIDATION_FAILED', 'line 10/amountFen'],
        [11, 'IM-1.h', 'VALIDATION_FAILED', 'line 11/stage'],
        [13, 'IM-3.a', 'VALIDATION_FAILED', 'line 13/occurredAt'],
        [14, 'IM-1.x', 'CASE_ALREADY_ACCEPTED', 'line 14/type'],
      ]);
    });

    it('keeps the rejected rows at /rejections under the import as their source', async () => {
      const answer = await node.api('GET', `/api/v1/rejections?source=${encodeURIComponent(`import:${id}`)}`);
      const items = answer.body.items as { line: number; source: string; payload: Record<string, unknown> }[];
      expect(items.map((r) => r.line).sort((a, b) => a - b)).to.deep.equal([8, 10, 11, 13, 14]);
      expect(items.every((r) => r.source === `import:${id}`)).to.equal(true);
      const multiLine = items.find((r) => r.line === 11)!;
      expect(multiLine.payload).to.deep.equal({
        eventId: 'IM-1.h', caseNo: 'IM-1', type: 'stage', occurredAt: '2025-01-24T12:00:00+08:00', stage: 'sign',
        handler: { id: 'h-01', name: '张科员' }, opinion: '第一行\r\n第二行',
      });
    });

    it('turns the rows into the events the API would take', async () => {
      // 5 working days from Thursday 2025-01-23: 01-24 (1), Sunday 01-26 (2), 01-27 (3); suspended 01-27
      // and resumed 02-05, removing (01-27, 02-05]; 02-06 (4), 02-07 (5) = deadline. Concluded Monday
      // 02-10: overdue Saturday 02-08 (adjusted working day) and 02-10.
      const v = await verdictAt(node, 'IM-1', '2025-03-01T10:00:00+08:00');
      expect(clock(v)).to.deep.equal({
        status: 'concluded', deadline: '2025-02-07', remainingDays: null, overdueDays: 2, light: null, cards: [yellowCard('2025-02-08')], onTime: false, early: false,
      });
      expect(v.stage).to.equal('undertake');
      expect(v.events).to.deep.equal([
        { eventId: 'IM-1.a', caseNo: 'IM-1', type: 'accepted', occurredAt: '2025-01-23T15:00:00+08:00', itemCode: 'W5', departmentCode: DEPT, applicant: { name: '王五' }, channel: 'hall' },
        { eventId: 'IM-1.b', caseNo: 'IM-1', type: 'stage', occurredAt: '2025-01-24T09:00:00+08:00', stage: 'undertake', handler: { id: 'h-01', name: '张科员' }, opinion: '同意, 转审核' },
        { eventId: 'IM-1.c', caseNo: 'IM-1', type: 'fee', occurredAt: '2025-01-24T10:00:00+08:00', feeCode: 'F1', amountFen: 5000 },
        { eventId: 'IM-1.d', caseNo: 'IM-1', type: 'suspended', occurredAt: '2025-01-27T10:00:00+08:00', procedure: 'supplement', plannedDays: 5, plannedUnit: 'workday' },
        { eventId: 'IM-1.e', caseNo: 'IM-1', type: 'resumed', occurredAt: '2025-02-05T09:00:00+08:00' },
        { eventId: 'IM-1.f', caseNo: 'IM-1', type: 'concluded', occurredAt: '2025-02-10T10:00:00+08:00', result: 'approved' },
      ]);
      // While suspended it was paused.
      expect((await verdictAt(node, 'IM-1', '2025-02-01T10:00:00+08:00')).light).to.equal('paused');
    });

    it('refuses a header with an unknown or a missing column at once, with 400', async () => {
      const unknown = await node.api('POST', '/api/v1/imports', 'eventId,caseNo,type,occurredAt,colour\nA,B,stage,2026-03-02T10:00:00+08:00,red\n', { 'content-type': 'text/csv' });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error).to.deep.include({ code: 'VALIDATION_FAILED' });
      expect(unknown.body.error.details).to.deep.include({ field: 'header', unknownColumns: ['colour'] });
      expect(unknown.body.error.details.allowed).to.include('applicantName');
      const missing = await node.api('POST', '/api/v1/imports', 'eventId,caseNo,type\nA,B,stage\n', { 'content-type': 'text/csv' });
      expect([missing.status, missing.body.error.code, missing.body.error.details]).to.deep.equal([400, 'VALIDATION_FAILED', { field: 'header', missingColumns: ['occurredAt'] }]);
    });
  });

  describe('NDJSON', () => {
    const intake = accepted('IN-1', '2026-02-13T20:00:00Z', 'W3', DEPT); // 04:00 on Saturday 02-14 in Shanghai
    const review = stage('IN-1', '2026-02-24T10:00:00+08:00', 'review');
    const done = concluded('IN-1', '2026-02-26T10:00:00+08:00');
    const body = [
      JSON.stringify(intake), // 1
      '', // 2
      JSON.stringify(review), // 3
      '{"eventId": "IN-1.broken", "caseNo": ', // 4: not JSON
      '[1, 2]', // 5: JSON, not an event
      JSON.stringify(done), // 6
    ].join('\n') + '\n';

    it('ingests each line, keeping the line numbers of the bad ones', async () => {
      const result = await waitForImport(node, await submit(node, 'application/x-ndjson', body));
      expect(result).to.deep.include({ format: 'ndjson', status: 'done', totalRows: 5, processedRows: 5, accepted: 3, duplicates: 0, rejected: 2, progress: 100 });
      expect(rowsOf(result)).to.deep.equal([
        [4, null, 'VALIDATION_FAILED', 'line 4'],
        [5, null, 'VALIDATION_FAILED', 'line 5'],
      ]);
      // 3 working days from Saturday 02-14: 02-24, 02-25, 02-26 = deadline; concluded on it.
      expect(clock(await verdictAt(node, 'IN-1', '2026-03-02T10:00:00+08:00'))).to.deep.equal({
        status: 'concluded', deadline: '2026-02-26', remainingDays: null, overdueDays: 0, light: null, cards: [], onTime: true, early: false,
      });
    });

    it('counts a second import of the same body as duplicates, and refuses its bad lines again', async () => {
      const result = await waitForImport(node, await submit(node, 'application/x-ndjson', body));
      expect(result).to.deep.include({ status: 'done', totalRows: 5, accepted: 0, duplicates: 3, rejected: 2 });
      expect(rowsOf(result).map(([line]) => line)).to.deep.equal([4, 5]);
    });
  });

  describe('against events sent through the API', () => {
    const intake = accepted('MIX-1', '2026-03-02T09:00:00+08:00', 'W3', DEPT);
    const review = stage('MIX-1', '2026-03-03T10:00:00+08:00', 'review'); // sent with action 'pass'
    const header = 'eventId,caseNo,type,occurredAt,itemCode,departmentCode,applicantName,stage,action';
    const sameIntake = `${intake.eventId},MIX-1,accepted,2026-03-02T09:00:00+08:00,W3,D-I,张三,,`;
    const otherReview = `${review.eventId},MIX-1,stage,2026-03-03T10:00:00+08:00,,,,review,`; // without the action
    const sameReview = `${review.eventId},MIX-1,stage,2026-03-03T10:00:00+08:00,,,,review,pass`;

    before(async () => {
      await postAccepted(node, [intake, review]);
    });

    it('tells duplicates from conflicts', async () => {
      const csv = [header, sameIntake, otherReview, 'MIX-1.new,MIX-1,stage,2026-03-04T10:00:00+08:00,,,,approve,pass'].join('\n');
      const result = await waitForImport(node, await submit(node, 'text/csv', csv));
      expect(result).to.deep.include({ totalRows: 3, accepted: 1, duplicates: 1, rejected: 1 });
      expect(rowsOf(result)).to.deep.equal([[3, review.eventId, 'EVENT_CONFLICT', 'line 3/eventId']]);
      expect((await verdictAt(node, 'MIX-1', '2026-03-05T10:00:00+08:00')).stage).to.equal('approve');
    });

    // The node holds the content of line 3; that line 2 of the same body carried the id with other
    // content does not make line 3 a conflict. (Fails at the time of writing: see the report on
    // node/cases/ingest.ts, which compares repeats inside a batch with their first occurrence only.)
    it('takes the held content as a duplicate even after a conflicting row of the same body', async () => {
      const result = await waitForImport(node, await submit(node, 'text/csv', [header, otherReview, sameReview].join('\n')));
      expect(rowsOf(result)).to.deep.equal([[2, review.eventId, 'EVENT_CONFLICT', 'line 2/eventId']]);
      expect(result).to.deep.include({ totalRows: 2, accepted: 0, duplicates: 1, rejected: 1 });
    });
  });

  it('works through a body of several chunks, counting every row once', async () => {
    // 900 cases of W3 accepted Monday 2026-03-02 (due 03-05) and concluded 03-04; 4,500 lines.
    const rows: string[] = [];
    for (let i = 0; i < 900; i++) {
      const caseNo = `L-${String(i).padStart(4, '0')}`;
      for (const event of [
        accepted(caseNo, '2026-03-02T09:00:00+08:00', 'W3', DEPT),
        stage(caseNo, '2026-03-02T10:00:00+08:00', 'undertake'),
        stage(caseNo, '2026-03-03T10:00:00+08:00', 'review'),
        fee(caseNo, '2026-03-03T11:00:00+08:00'),
        concluded(caseNo, '2026-03-04T10:00:00+08:00'),
      ]) rows.push(JSON.stringify(event));
    }
    rows[2344] = '{"broken": '; // line 2345: the conclusion of L-0468
    rows[4320] = JSON.stringify({ type: 'accepted' }); // line 4321: the acceptance of L-0864
    const result = await waitForImport(node, await submit(node, 'application/x-ndjson', rows.join('\n')), 30_000);
    expect(result).to.deep.include({ status: 'done', totalRows: 4500, processedRows: 4500, accepted: 4498, duplicates: 0, rejected: 2, progress: 100 });
    expect(rowsOf(result).map(([line, , code]) => [line, code])).to.deep.equal([[2345, 'VALIDATION_FAILED'], [4321, 'VALIDATION_FAILED']]);

    const instant = '2026-03-06T10:00:00+08:00';
    // L-0864 has no intake, hence no item or department: list every case.
    const large = (await listAll(node, `at=${q(instant)}`)).filter((v) => String(v.caseNo).startsWith('L-'));
    expect(large).to.have.length(900);
    expect(large.filter((v) => v.status === 'concluded' && v.onTime === true && v.early === true)).to.have.length(898);
    expect(caseNos(large.filter((v) => v.status !== 'concluded'))).to.deep.equal(['L-0468', 'L-0864']);
    // L-0468 missed its conclusion: due 03-05, red on Friday 03-06 with a yellow card.
    expect(clock(await verdictAt(node, 'L-0468', instant))).to.deep.include({ status: 'open', deadline: '2026-03-05', light: 'red', overdueDays: 1, cards: [yellowCard('2026-03-06')] });
    expect((await verdictAt(node, 'L-0864', instant)).status).to.equal('pending');
  });

  it('refuses a poison row on its own, even at line 3,001 in the second chunk, and applies every other row', async function () {
    this.timeout(90_000);
    // 800 cases of W3 (4,000 lines), and at line 3,001 an acceptance dated 9999-12-31: once it failed
    // the second chunk for good, after the first 2,000 rows had committed, and the last 1,000 valid
    // rows were never applied.
    const rows: string[] = [];
    for (let i = 0; i < 800; i++) {
      const caseNo = `P-${String(i).padStart(4, '0')}`;
      for (const event of [
        accepted(caseNo, '2026-03-02T09:00:00+08:00', 'W3', DEPT),
        stage(caseNo, '2026-03-02T10:00:00+08:00', 'undertake'),
        stage(caseNo, '2026-03-03T10:00:00+08:00', 'review'),
        fee(caseNo, '2026-03-03T11:00:00+08:00'),
        concluded(caseNo, '2026-03-04T10:00:00+08:00'),
      ]) rows.push(JSON.stringify(event));
    }
    const far = accepted('P-FAR', '9999-12-31T10:00:00+08:00', 'W3', DEPT);
    rows.splice(3000, 0, JSON.stringify(far));
    // Long enough for the old failure to show as 'failed' (five tries, backing off) rather than a timeout.
    const result = await waitForImport(node, await submit(node, 'application/x-ndjson', rows.join('\n')), 60_000);
    expect(result).to.deep.include({ status: 'done', error: null, totalRows: 4001, processedRows: 4001, accepted: 4000, duplicates: 0, rejected: 1 });
    expect(rowsOf(result)).to.deep.equal([[3001, far.eventId, 'OCCURRED_AT_OUT_OF_RANGE', 'line 3001/occurredAt']]);
    const last = await verdictAt(node, 'P-0799', '2026-03-06T10:00:00+08:00');
    expect([last.status, last.events.length]).to.deep.equal(['concluded', 5]);
  });

  it('tells the sender of an import failed for good what was kept and how to go on, never the internal error', async () => {
    // As the queue does once an import's job has no tries left (the node's database away, say).
    const em = node.node.orm.em.fork();
    const id = randomUUID();
    await insertImport(em, id, 'ndjson', JSON.stringify(accepted('F-1', '2026-03-02T09:00:00+08:00', 'W3', DEPT)), new Date());
    await em.getConnection().execute("UPDATE imports SET status = 'running', total_rows = 4000, processed_rows = 2000 WHERE id = ?", [id]);
    await markImportFailed({ orm: node.node.orm, now: () => new Date('2026-03-02T03:00:00Z') }, id);
    const shown = await node.api('GET', `/api/v1/imports/${id}`);
    expect(shown.body).to.deep.include({ status: 'failed', processedRows: 2000, finishedAt: '2026-03-02T11:00:00.000+08:00' });
    expect(shown.body.error).to.equal(failedMessage(2000));
    expect(shown.body.error).to.contain('前 2000 行已处理并保存').and.contain('Submit the same file again');
  });

  describe('bodies refused before an import is created', () => {
    it('needs a CSV or NDJSON content type and a non-empty body', async () => {
      for (const type of ['application/json', 'text/plain']) {
        const answer = await node.api('POST', '/api/v1/imports', '{"events": []}', { 'content-type': type });
        expect([answer.status, answer.body.error.code, answer.body.error.details.field], type).to.deep.equal([415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type']);
      }
      const empty = await node.api('POST', '/api/v1/imports', ' \n ', { 'content-type': 'application/x-ndjson' });
      expect([empty.status, empty.body.error.code, empty.body.error.details]).to.deep.equal([400, 'VALIDATION_FAILED', { field: 'body', problem: 'empty' }]);
    });

    it('answers 404 for an unknown import and 400 for a malformed id', async () => {
      const unknown = await node.api('GET', '/api/v1/imports/00000000-0000-4000-8000-000000000000');
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, 'NOT_FOUND']);
      const malformed = await node.api('GET', '/api/v1/imports/latest');
      expect([malformed.status, malformed.body.error.code, malformed.body.error.details.field]).to.deep.equal([400, 'INVALID_PARAMETER', 'id']);
    });
  });
});
