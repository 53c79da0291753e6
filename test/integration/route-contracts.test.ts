/**
 * What the route contracts give every route: a query parameter the route does not declare is
 * refused naming it, schema problems are said in Chinese and English (for a body and for a refused
 * event alike), a list answers its total with `?count=true` scoped like the list, every instant of
 * an answer is +08:00 (the audit trail's hash still recomputes from what it shows), and the OpenAPI
 * description generated from the contracts lists exactly the routes of the route policy, each
 * schema compiling.
 */
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startTestNode, type TestNode } from '../support/test-node.ts';
import { accepted, postAccepted, postEvents, setUpCatalog } from '../support/api-fixtures.ts';
import { sweepAt } from '../support/alert-fixtures.ts';
import { as, createUser, login } from '../support/access-fixtures.ts';
import { ROUTE_POLICY } from '../../node/access/route-policy.ts';
import { entryHash, storedInstantOf } from '../../node/audit-trail/audit-chain.ts';

const MON = '2026-03-02T10:00:00+08:00';
const FRI = '2026-03-06T10:00:00+08:00';
const LOCAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/;
/** Chinese text, then the English in parentheses. */
const BILINGUAL = /^[^()]*[\u4e00-\u9fff][^()]* \(.*[A-Za-z].*\)$/;

describe('integration: route contracts', function () {
  this.timeout(60_000);
  let node: TestNode;

  before(async () => {
    node = await startTestNode();
    node.setNow('2026-03-02T10:15:00+08:00');
    await setUpCatalog(node, { RC1: '一号局', RC2: '二号局' }, [
      { itemCode: 'IT-RC1', departmentCode: 'RC1', legalLimitDays: 20, promisedLimitDays: 3 },
      { itemCode: 'IT-RC2', departmentCode: 'RC2', legalLimitDays: 20, promisedLimitDays: 3 },
    ]);
    await postAccepted(node, [
      accepted('RC-1', MON, 'IT-RC1', 'RC1'), accepted('RC-2', MON, 'IT-RC1', 'RC1'), accepted('RC-3', MON, 'IT-RC1', 'RC1'),
      accepted('RC-4', MON, 'IT-RC2', 'RC2'), accepted('RC-5', MON, 'IT-RC2', 'RC2'),
    ]);
    await sweepAt(node, FRI);
  });
  after(() => node?.close());

  it('refuses a query parameter the route does not declare, naming it and the accepted ones', async () => {
    const answer = await node.api('GET', '/api/v1/cases?applicantName=x');
    expect(answer.status).to.equal(400);
    expect(answer.body.error.code).to.equal('INVALID_PARAMETER');
    expect(answer.body.error.details).to.include({ field: 'applicantName', in: 'query', keyword: 'additionalProperties' });
    expect(answer.body.error.details.problem).to.match(BILINGUAL).and.to.contain('departmentCode');
    expect(answer.body.error.message).to.contain('applicantName');
    // A route without a query takes none either.
    const board = await node.api('GET', `/api/v1/alerts/1?at=${encodeURIComponent(FRI)}`);
    expect([board.status, board.body.error.details.field]).to.deep.equal([400, 'at']);
  });

  it('says what is wrong with a body field in Chinese and English, naming it by JSON pointer', async () => {
    const answer = await node.api('PUT', '/api/v1/calendars/2026', { holidays: ['2026-13-01'], workdays: [] });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.code).to.equal('VALIDATION_FAILED');
    expect(answer.body.error.details).to.deep.equal({
      field: '/holidays/0', keyword: 'format', problem: '必须是 YYYY-MM-DD 格式的日期 (must be a date in YYYY-MM-DD format)',
    });
    expect(answer.body.error.message).to.equal('字段 /holidays/0 无效: 必须是 YYYY-MM-DD 格式的日期 (invalid field /holidays/0: must be a date in YYYY-MM-DD format)');
  });

  it('gives a refused event the same bilingual problem', async () => {
    const answer = await postEvents(node, [{ ...accepted('RC-BAD', MON, 'IT-RC1', 'RC1'), occurredAt: '2026-02-30T10:00:00+08:00' }]);
    expect(answer.rejected).to.equal(1);
    const error = answer.results[0]!.error!;
    expect(error.code).to.equal('VALIDATION_FAILED');
    expect(error.details).to.include({ field: '/events/0/occurredAt', keyword: 'format' });
    expect(error.details.problem).to.match(BILINGUAL).and.to.contain('+08:00');
  });

  it('answers a list\'s total with ?count=true, scoped like the list (a department officer counts only its departments)', async () => {
    const officerUser = await createUser(node, { role: 'departmentOfficer', departments: ['RC2'] });
    const officer = as(node, (await login(node, officerUser.login, officerUser.password)).accessToken);
    const at = encodeURIComponent(FRI);

    const all = await node.api('GET', `/api/v1/cases?limit=2&count=true&at=${at}`);
    expect([all.status, all.body.items.length, all.body.total]).to.deep.equal([200, 2, 5]);
    expect(all.body.nextCursor).to.be.a('string');
    const scoped = await officer('GET', `/api/v1/cases?limit=1&count=true&at=${at}`);
    expect([scoped.status, scoped.body.items.length, scoped.body.total]).to.deep.equal([200, 1, 2]);
    // The total ignores the cursor: the second page says the same.
    const second = await officer('GET', `/api/v1/cases?limit=1&count=true&at=${at}&cursor=${scoped.body.nextCursor}`);
    expect([second.body.items[0].caseNo, second.body.total]).to.deep.equal(['RC-5', 2]);
    // Without count, no total.
    expect((await node.api('GET', `/api/v1/cases?limit=1&at=${at}`)).body).to.not.have.property('total');

    const alerts = await node.api('GET', '/api/v1/alerts?count=true&limit=1');
    const officerAlerts = await officer('GET', '/api/v1/alerts?count=true&limit=1');
    expect(alerts.body.total).to.be.greaterThan(officerAlerts.body.total);
    expect(officerAlerts.body.total).to.be.greaterThan(0);
    const officerAll = await officer('GET', '/api/v1/alerts?limit=500');
    expect(officerAll.body.items.every((alert: { departmentCode: string }) => alert.departmentCode === 'RC2')).to.equal(true);
    expect(officerAll.body.items.length).to.equal(officerAlerts.body.total);

    const departments = await node.api('GET', '/api/v1/departments?count=true&limit=1');
    expect([departments.body.items.length, departments.body.total]).to.deep.equal([1, 2]);
    const items = await node.api('GET', '/api/v1/items?count=true&departmentCode=RC2');
    expect(items.body.total).to.equal(1);
  });

  it('shows every instant in +08:00: alerts and the audit trail, whose hash still recomputes from the answer', async () => {
    const alerts = await node.api('GET', '/api/v1/alerts?limit=5');
    expect(alerts.body.items.length).to.be.greaterThan(0);
    for (const alert of alerts.body.items) {
      expect(alert.foundAt).to.match(LOCAL_INSTANT);
      expect(alert.raisedAt).to.match(LOCAL_INSTANT);
    }
    const audit = await node.api('GET', '/api/v1/audit?limit=50');
    expect(audit.body.items.length).to.be.greaterThan(0);
    for (const entry of audit.body.items) {
      expect(entry.at).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+08:00$/);
      const { hash, ...rest } = entry;
      expect(entryHash({ ...rest, at: storedInstantOf(entry.at) }), `entry ${entry.seq}`).to.equal(hash);
    }
    const catalogSetUp = audit.body.items.find((entry: { action: string }) => entry.action === 'PUT /api/v1/departments/:code');
    expect(catalogSetUp.at).to.equal('2026-03-02T10:15:00.000000+08:00');
  });

  it('describes every route of the route policy in OpenAPI 3.1, generated from the contracts, each schema compiling', async () => {
    expect((await fetch(`${node.url}/api/v1/openapi.json`)).status).to.equal(401);
    const answer = await node.api('GET', '/api/v1/openapi.json');
    expect(answer.status).to.equal(200);
    const document = answer.body;
    expect(document.openapi).to.equal('3.1.0');
    const described = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(described.sort()).to.deep.equal(Object.keys(ROUTE_POLICY).sort());

    const cases = document.paths['/api/v1/cases'].get;
    expect(cases.parameters.map((p: { name: string }) => p.name)).to.include.members(['limit', 'cursor', 'count', 'light', 'departmentCode', 'at']);
    expect(cases.security).to.deep.equal([{ bearer: [] }]);
    expect(document.paths['/health'].get.security).to.deep.equal([]);
    expect(document.paths['/api/v1/events'].post.requestBody.content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/events-request' });
    // A write takes the node's clock: no write route but the sweep (whose ?at= is a dry run) declares `at`.
    expect(document.paths['/api/v1/alerts/{id}/{action}'].post.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).to.deep.equal(['path:id', 'path:action']);
    const writesWithAt = Object.entries(document.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>)
      .flatMap(([path, operations]) => Object.entries(operations).filter(([method, operation]) => method !== 'get'
        && (operation.parameters ?? []).some((p) => p.in === 'query' && p.name === 'at')).map(([method]) => `${method.toUpperCase()} ${path}`));
    expect(writesWithAt).to.deep.equal(['POST /api/v1/alerts/sweep']);

    // Every schema the document holds or uses inline compiles (Ajv, JSON Schema 2020-12).
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const components = document.components.schemas as Record<string, Record<string, unknown>>;
    for (const schema of Object.values(components)) if (typeof schema.$id === 'string') ajv.addSchema(schema);
    for (const [name, schema] of Object.entries(components)) expect(() => ajv.compile(typeof schema.$id === 'string' ? { $ref: schema.$id } : schema), name).to.not.throw();
    for (const operations of Object.values(document.paths as Record<string, Record<string, { parameters: { schema: object }[] }>>)) {
      for (const operation of Object.values(operations)) for (const parameter of operation.parameters) expect(() => ajv.compile(parameter.schema)).to.not.throw();
    }
  });
});
