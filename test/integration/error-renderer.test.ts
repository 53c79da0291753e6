/**
 * No stack trace, SQL or internal message ever reaches an answer: real errors from PostgreSQL
 * (through MikroORM, whose messages quote the SQL), from a value PostgreSQL refuses, from Ajv
 * wiring, the JSON body parser, federation and signature code and plain bugs, rendered by the
 * node's error renderer behind its body parser. Each 5xx is a bare INTERNAL with the request id;
 * the log keeps the whole error for the operator.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../node/db/orm.ts';
import { query } from '../../node/core/db.ts';
import { errorRenderer } from '../../node/http/error-renderer.ts';
import { ERRORS } from '../../node/core/errors.ts';
import { jsonBodyLimits } from '../../node/http/json-body-limits.ts';
import { assertSchema } from '../../node/http/validation.ts';
import type { RequestState } from '../../node/http/state.ts';
import { createLogger } from '../../node/logger.ts';
import { FederationError } from '../../federation/protocol/federation-error.ts';
import { SignatureError } from '../../federation/keys/signed-message.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** What no answer may contain: SQL, table names, values sent to the database, stack frames, file paths. */
const LEAKS = [/select/i, /no_such_table/, /leak-me/, /\bat .*\(/, /\.ts:\d+/, /node_modules/, /out of range/, /invalid byte sequence/, /Unexpected token|in JSON at position|" is not valid JSON/];

describe('integration: errors never leak internals into answers', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let orm: MikroORM;
  let server: Server;
  let url: string;
  const logLines: string[] = [];

  before(async () => {
    database = await createTestDatabase();
    orm = await openOrm(database.url);
    const logger = createLogger('error', {}, new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }));
    const app = new Koa<RequestState>();
    app.use(async (ctx, next) => {
      ctx.state.requestId = 'req-1';
      ctx.state.log = logger;
      await next();
    });
    app.use(errorRenderer());
    app.use(bodyParser({ enableTypes: ['json'], jsonLimit: 1024, encoding: 'utf-8' }));
    app.use(jsonBodyLimits(32));
    const router = new Router<RequestState>();
    router.get('/sql', async () => {
      await query(orm.em.fork(), "SELECT * FROM no_such_table WHERE secret = 'leak-me'");
    });
    router.get('/refused-text', async () => {
      await query(orm.em.fork(), 'SELECT $1::text AS value', ['leak-me\u0000']);
    });
    router.get('/refused-number', async () => {
      await query(orm.em.fork(), 'SELECT $1::int AS value', ['99999999999']);
    });
    router.get('/schema', () => assertSchema('no-such-leak-me.schema.json', {}));
    router.get('/federation', () => {
      throw FederationError.relayed('LEAK_ME', 500, 'SELECT secret FROM keys', { sql: 'leak-me' });
    });
    router.get('/signature', () => {
      throw new SignatureError('BAD_SIGNATURE', 'leak-me: signature over select ...');
    });
    router.get('/bug', () => {
      (null as unknown as { leakMe: () => void }).leakMe();
    });
    router.get('/koa', (ctx) => ctx.throw(502, 'upstream said SELECT leak-me'));
    router.post('/body', (ctx) => {
      ctx.body = { ok: ctx.request.body };
    });
    app.use(router.routes());
    server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await orm?.close(true);
    await database?.drop();
  });

  async function answerOf(method: string, path: string, body?: string, contentType = 'application/json') {
    const response = await fetch(url + path, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': contentType } }) });
    const text = await response.text();
    for (const leak of LEAKS) expect(text, `${path} leaks ${leak}: ${text}`).to.not.match(leak);
    return { status: response.status, body: JSON.parse(text) as { error: { code: string; message: string; details: Record<string, unknown> } } };
  }

  it('answers a bare INTERNAL for errors from PostgreSQL, Ajv wiring, federation code and bugs', async () => {
    for (const path of ['/sql', '/refused-text', '/refused-number', '/schema', '/federation', '/signature', '/bug', '/koa']) {
      const answer = await answerOf('GET', path);
      expect(answer, path).to.deep.equal({ status: 500, body: { error: { code: 'INTERNAL', message: ERRORS.INTERNAL.message, details: { requestId: 'req-1' } } } });
    }
    // The operator still has the whole story, stack included.
    const logged = logLines.join('');
    expect(logged).to.contain('no_such_table').and.contain('unhandled error').and.match(/"stack":/);
  });

  it('describes body parser failures by code only, never with the parser message or the body', async () => {
    const cases: [string, string, number, string][] = [
      ['{"a": leak-me}', 'application/json', 400, 'INVALID_JSON'],
      ['"leak-me"', 'application/json', 400, 'INVALID_JSON'],
      [JSON.stringify({ padding: 'leak-me'.repeat(400) }), 'application/json', 413, 'PAYLOAD_TOO_LARGE'],
      ['{"a": 1}', 'application/json; charset=utf-16', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['{"__proto__": {"leak-me": 1}}', 'application/json', 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, contentType, status, code] of cases) {
      const answer = await answerOf('POST', '/body', body, contentType);
      expect([answer.status, answer.body.error.code], body.slice(0, 40)).to.deep.equal([status, code]);
      expect(JSON.stringify(answer.body), body.slice(0, 40)).to.not.contain('leak-me');
    }
  });
});
