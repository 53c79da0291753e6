/**
 * `/api/v1/departments` and `/api/v1/items`: create or replace, read one, keyset pages, the
 * business rules (committed limit within the legal one, a known department, unique fee codes),
 * and that a case keeps the limit it was accepted under when its item changes later.
 */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, postAccepted, stage, verdictAt } from '../support/api-fixtures.ts';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/;

describe('integration: catalog', function () {
  let node: TestNode;

  before(async () => {
    node = await startTestNode();
  });

  after(async () => {
    await node?.close();
  });

  describe('departments', () => {
    it('creates with 201, renames with 200, and reads one back', async () => {
      const created = await node.api('PUT', '/api/v1/departments/610203-GA', { name: '公安局' });
      expect(created.status).to.equal(201);
      expect(created.body).to.have.keys(['code', 'name', 'createdAt', 'updatedAt']);
      expect(created.body).to.deep.include({ code: '610203-GA', name: '公安局' });
      expect(created.body.createdAt).to.match(ISO_INSTANT);

      const renamed = await node.api('PUT', '/api/v1/departments/610203-GA', { name: '宝鸡市渭滨区公安分局' });
      expect(renamed.status).to.equal(200);
      expect(renamed.body).to.deep.include({ code: '610203-GA', name: '宝鸡市渭滨区公安分局', createdAt: created.body.createdAt });

      const read = await node.api('GET', '/api/v1/departments/610203-GA');
      expect([read.status, read.body]).to.deep.equal([200, renamed.body]);
    });

    it('answers 404 with the error shape for an unknown department', async () => {
      const answer = await node.api('GET', '/api/v1/departments/NOPE');
      expect(answer.status).to.equal(404);
      expect(answer.body).to.deep.equal({ error: { code: 'NOT_FOUND', message: answer.body.error.message, details: { department: 'NOPE' } } });
    });

    it('pages through departments in code order', async () => {
      for (const code of ['D-05', 'D-03', 'D-01', 'D-04', 'D-02']) {
        expect((await node.api('PUT', `/api/v1/departments/${code}`, { name: `部门 ${code}` })).status).to.equal(201);
      }
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const answer: { status: number; body: { items: { code: string }[]; nextCursor: string | null } } = await node.api('GET', `/api/v1/departments?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(answer.status).to.equal(200);
        pages.push(answer.body.items.map((d) => d.code));
        cursor = answer.body.nextCursor;
      } while (cursor !== null);
      expect(pages).to.deep.equal([['610203-GA', 'D-01'], ['D-02', 'D-03'], ['D-04', 'D-05']]);
      const all = await node.api('GET', '/api/v1/departments');
      expect(all.body.items.map((d: { code: string }) => d.code)).to.deep.equal(['610203-GA', 'D-01', 'D-02', 'D-03', 'D-04', 'D-05']);
      expect(all.body.nextCursor).to.equal(null);
    });

    it('refuses invalid bodies and codes, naming the field', async () => {
      const cases: [string, unknown, number, string, string][] = [
        ['/api/v1/departments/D-X', {}, 400, 'VALIDATION_FAILED', '/name'],
        ['/api/v1/departments/D-X', { name: '' }, 400, 'VALIDATION_FAILED', '/name'],
        ['/api/v1/departments/D-X', { name: '部门', head: '张三' }, 400, 'VALIDATION_FAILED', '/head'],
        ['/api/v1/departments/D%20X', { name: '部门' }, 400, 'INVALID_PARAMETER', 'code'],
        [`/api/v1/departments/${'D'.repeat(65)}`, { name: '部门' }, 400, 'INVALID_PARAMETER', 'code'],
      ];
      for (const [path, body, status, code, field] of cases) {
        const answer = await node.api('PUT', path, body);
        expect([answer.status, answer.body.error?.code, answer.body.error?.details.field], `${path} ${JSON.stringify(body)}`).to.deep.equal([status, code, field]);
      }
      expect((await node.api('GET', '/api/v1/departments/D-X')).status).to.equal(404);
    });
  });

  describe('items', () => {
    before(async () => {
      for (const code of ['MZ', 'SW']) expect((await node.api('PUT', `/api/v1/departments/${code}`, { name: code })).status).to.equal(201);
    });

    it('creates an item with the defaults filled in', async () => {
      const answer = await node.api('PUT', '/api/v1/items/MZ-001', { name: '婚姻登记', departmentCode: 'MZ', legalLimitDays: 1, promisedLimitDays: 0 });
      expect(answer.status).to.equal(201);
      const { createdAt, updatedAt, ...rest } = answer.body;
      expect(rest).to.deep.equal({
        itemCode: 'MZ-001', name: '婚姻登记', departmentCode: 'MZ', legalLimitDays: 1, promisedLimitDays: 0,
        limitUnit: 'workday', fees: [], promisedVisits: 0, stages: [],
      });
      expect(createdAt).to.match(ISO_INSTANT);
      expect(updatedAt).to.equal(createdAt);
      expect((await node.api('GET', '/api/v1/items/MZ-001')).body).to.deep.equal(answer.body);
    });

    it('keeps every field given, and a PUT replaces the whole item', async () => {
      const full = {
        name: '社会团体成立登记', departmentCode: 'MZ', legalLimitDays: 60, promisedLimitDays: 20, limitUnit: 'calendarDay',
        fees: [{ code: 'F-1', name: '登记费', amountFen: 10000 }, { code: 'F-2', name: '工本费', amountFen: 500 }], promisedVisits: 1,
      };
      expect((await node.api('PUT', '/api/v1/items/MZ-002', full)).status).to.equal(201);
      const read = await node.api('GET', '/api/v1/items/MZ-002');
      expect(read.body).to.deep.include(full);

      const replaced = await node.api('PUT', '/api/v1/items/MZ-002', { name: '社会团体成立登记', departmentCode: 'MZ', legalLimitDays: 60, promisedLimitDays: 15 });
      expect(replaced.status).to.equal(200);
      expect(replaced.body).to.deep.include({ promisedLimitDays: 15, limitUnit: 'workday', fees: [], promisedVisits: 0, createdAt: read.body.createdAt });
    });

    it('refuses a committed limit above the legal one, and keeps nothing', async () => {
      const answer = await node.api('PUT', '/api/v1/items/SW-009', { name: '发票领用', departmentCode: 'SW', legalLimitDays: 5, promisedLimitDays: 6 });
      expect(answer.status).to.equal(422);
      expect(answer.body.error).to.deep.include({ code: 'LIMIT_ABOVE_LEGAL', details: { field: 'promisedLimitDays', promisedLimitDays: 6, legalLimitDays: 5 } });
      expect((await node.api('GET', '/api/v1/items/SW-009')).status).to.equal(404);
      // Lowering the legal limit of an existing item below its committed one is refused the same way.
      const lowered = await node.api('PUT', '/api/v1/items/MZ-002', { name: '社会团体成立登记', departmentCode: 'MZ', legalLimitDays: 10, promisedLimitDays: 15 });
      expect([lowered.status, lowered.body.error.code]).to.deep.equal([422, 'LIMIT_ABOVE_LEGAL']);
      expect((await node.api('GET', '/api/v1/items/MZ-002')).body.legalLimitDays).to.equal(60);
    });

    it('refuses an unknown department and invalid fields, naming the field', async () => {
      const base = { name: '事项', departmentCode: 'SW', legalLimitDays: 5, promisedLimitDays: 3 };
      const cases: [unknown, number, string, string][] = [
        [{ ...base, departmentCode: 'NOPE' }, 422, 'UNKNOWN_DEPARTMENT', 'departmentCode'],
        [{ ...base, limitUnit: 'month' }, 400, 'VALIDATION_FAILED', '/limitUnit'],
        [{ ...base, promisedLimitDays: -1 }, 400, 'VALIDATION_FAILED', '/promisedLimitDays'],
        [{ ...base, legalLimitDays: 2.5 }, 400, 'VALIDATION_FAILED', '/legalLimitDays'],
        [{ name: '事项', departmentCode: 'SW', promisedLimitDays: 3 }, 400, 'VALIDATION_FAILED', '/legalLimitDays'],
        [{ ...base, fees: [{ code: 'F-1', name: '费', amountFen: 1 }, { code: 'F-1', name: '费', amountFen: 2 }] }, 400, 'VALIDATION_FAILED', '/fees/1/code'],
        [{ ...base, fees: [{ code: 'F-1', name: '费', amountFen: 1.5 }] }, 400, 'VALIDATION_FAILED', '/fees/0/amountFen'],
        [{ ...base, promisedVisits: 21 }, 400, 'VALIDATION_FAILED', '/promisedVisits'],
      ];
      for (const [body, status, code, field] of cases) {
        const answer = await node.api('PUT', '/api/v1/items/SW-001', body);
        expect([answer.status, answer.body.error?.code, answer.body.error?.details.field], JSON.stringify(body)).to.deep.equal([status, code, field]);
      }
      expect((await node.api('GET', '/api/v1/items/SW-001')).status).to.equal(404);
    });

    it('lists items in code order, by department, page by page', async () => {
      for (const code of ['SW-003', 'SW-001', 'SW-002']) {
        expect((await node.api('PUT', `/api/v1/items/${code}`, { name: code, departmentCode: 'SW', legalLimitDays: 5, promisedLimitDays: 3 })).status).to.equal(201);
      }
      const codes = async (query: string) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const answer: { status: number; body: { items: { itemCode: string }[]; nextCursor: string | null } } = await node.api('GET', `/api/v1/items?${query}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(answer.status).to.equal(200);
          seen.push(...answer.body.items.map((item) => item.itemCode));
          cursor = answer.body.nextCursor;
        } while (cursor !== null);
        return seen;
      };
      expect(await codes('limit=2')).to.deep.equal(['MZ-001', 'MZ-002', 'SW-001', 'SW-002', 'SW-003']);
      expect(await codes('departmentCode=SW&limit=2')).to.deep.equal(['SW-001', 'SW-002', 'SW-003']);
      expect(await codes('departmentCode=MZ')).to.deep.equal(['MZ-001', 'MZ-002']);
      expect(await codes('departmentCode=NONE')).to.deep.equal([]);
      const first = await node.api('GET', '/api/v1/items?limit=1');
      expect(first.body.items).to.have.length(1);
      expect(first.body.nextCursor).to.be.a('string');
    });
  });

  describe('an item changed after cases were accepted', () => {
    it('leaves accepted cases on the limit they were accepted under', async () => {
      expect((await node.api('PUT', '/api/v1/items/SW-100', { name: '税务登记', departmentCode: 'SW', legalLimitDays: 10, promisedLimitDays: 5 })).status).to.equal(201);
      await postAccepted(node, [accepted('SW-CASE-1', '2026-03-02T09:00:00+08:00', 'SW-100', 'SW')]);
      // Now 3 calendar days for new cases.
      expect((await node.api('PUT', '/api/v1/items/SW-100', { name: '税务登记', departmentCode: 'SW', legalLimitDays: 10, promisedLimitDays: 3, limitUnit: 'calendarDay' })).status).to.equal(200);
      await postAccepted(node, [
        accepted('SW-CASE-2', '2026-03-02T09:00:00+08:00', 'SW-100', 'SW'),
        stage('SW-CASE-1', '2026-03-03T09:00:00+08:00', 'review'), // refolds case 1 under the new item
      ]);
      // Case 1: 5 working days from Monday 03-02 = 03-09. Case 2: 3 calendar days = 03-05.
      const one = await verdictAt(node, 'SW-CASE-1', '2026-03-04T10:00:00+08:00');
      expect([one.limitDays, one.limitUnit, one.deadline, one.stage]).to.deep.equal([5, 'workday', '2026-03-09', 'review']);
      const two = await verdictAt(node, 'SW-CASE-2', '2026-03-04T10:00:00+08:00');
      expect([two.limitDays, two.limitUnit, two.deadline]).to.deep.equal([3, 'calendarDay', '2026-03-05']);
      // The list reads the cached rows: the same limits.
      const listed = await node.api('GET', `/api/v1/cases?itemCode=SW-100&at=${encodeURIComponent('2026-03-04T10:00:00+08:00')}`);
      expect(listed.body.items.map((v: { caseNo: string; deadline: string; limitUnit: string }) => [v.caseNo, v.deadline, v.limitUnit])).to.deep.equal([
        ['SW-CASE-1', '2026-03-09', 'workday'],
        ['SW-CASE-2', '2026-03-05', 'calendarDay'],
      ]);
    });
  });
});
