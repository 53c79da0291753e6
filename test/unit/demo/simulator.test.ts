/**
 * The demo simulator against a fake node: it reports as the department system (client
 * credentials, a new token when one is refused), nothing from the future, bounded batches,
 * retries; and the catalog loader, which runs before it, puts every department and item.
 */
import { expect } from 'chai';
import { CaseSimulator } from '../../../node/demo/simulator.ts';
import { loadCatalog } from '../../../node/demo/catalog-loader.ts';
import { DemoClient } from '../../../node/demo/demo-client.ts';
import { ClientSession, bootstrapToken } from '../../../node/demo/demo-sessions.ts';
import { DEMO_DEPARTMENTS, DEMO_ITEMS } from '../../../node/demo/catalog.ts';
import { CALENDAR } from '../timelimits/fixtures.ts';

interface Call {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
  /** The status the fake answered. */
  status?: number;
}

/**
 * A node that knows one client (id `c_demo`, secret `s3cret`): each client-credentials grant gets a
 * new token, and the token before the last one is refused with 401 (as an expired one would be).
 */
function fakeNode(failFirstEventPosts = 0, expireTokenAfterPosts = Infinity): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  let eventPosts = 0;
  let grants = 0;
  let valid = '';
  const answer = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const authorization = new Headers(init?.headers).get('authorization');
    calls.push({ method: init?.method ?? 'GET', path: url.pathname, body, authorization });
    if (url.pathname === '/api/v1/auth/token') {
      if (body?.grant_type !== 'client_credentials' || body.client_id !== 'c_demo' || body.client_secret !== 's3cret') return Response.json({ error: { code: 'INVALID_CLIENT' } }, { status: 401 });
      grants += 1;
      valid = `token-${grants}`;
      return Response.json({ access_token: valid, token_type: 'Bearer', expires_in: 900 });
    }
    if (url.pathname === '/api/v1/events') {
      if (authorization !== `Bearer ${valid}`) return Response.json({ error: { code: 'UNAUTHORIZED' } }, { status: 401 });
      eventPosts += 1;
      if (eventPosts === expireTokenAfterPosts) valid = ''; // this token has expired from now on
      if (eventPosts <= failFirstEventPosts) return new Response(JSON.stringify({ error: { code: 'UNAVAILABLE' } }), { status: 503 });
      const events = (body as { events: { eventId: string }[] }).events;
      return Response.json({ accepted: events.length, duplicates: 0, rejected: 0, results: events.map((e) => ({ eventId: e.eventId, status: 'accepted' })) });
    }
    return Response.json({}, { status: 200 });
  };
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await answer(input, init);
    calls.at(-1)!.status = response.status;
    return response;
  };
  return { fetch: fake as typeof fetch, calls };
}

describe('demo/simulator', function () {
  this.timeout(20000);
  const now = new Date('2026-03-11T15:00:00+08:00');

  it('posts as the department system, never an event from the future, and signs in again when its token is refused', async () => {
    const node = fakeNode(0, 2);
    const simulator = new CaseSimulator({ baseUrl: 'http://node.test', credentials: new ClientSession('c_demo', 's3cret'), seed: 7, calendar: CALENDAR, clock: () => now, log: () => undefined, fetch: node.fetch, backfillDays: 10, casesPerWorkday: 30, intervalMs: 60_000, batchSize: 200 });
    await simulator.start();
    await simulator.stop();

    // The simulator only reports: the catalog is the administrator's (loadCatalog, below).
    expect(node.calls.filter((call) => call.path !== '/api/v1/events' && call.path !== '/api/v1/auth/token')).to.deep.equal([]);
    const grants = node.calls.filter((call) => call.path === '/api/v1/auth/token');
    expect(grants.length, 'a grant at first, another after the refused token').to.equal(2);
    for (const grant of grants) expect(grant.authorization, 'the token endpoint gets no bearer token').to.equal(null);
    const eventCalls = node.calls.filter((call) => call.path === '/api/v1/events');
    expect(eventCalls.map((call) => `${call.authorization} ${call.status}`).slice(0, 4)).to.deep.equal(['Bearer token-1 200', 'Bearer token-1 200', 'Bearer token-1 401', 'Bearer token-2 200']);
    expect(eventCalls.slice(3).every((call) => call.authorization === 'Bearer token-2' && call.status === 200)).to.equal(true);
    // The refused batch went again, whole, with the new token.
    expect(eventCalls[3]!.body).to.deep.equal(eventCalls[2]!.body);

    const posts = eventCalls.map((call) => (call.body as { events: { eventId: string; occurredAt: string }[] }).events);
    for (const batch of posts) expect(batch.length).to.be.at.most(200);
    const delivered = eventCalls.filter((call) => call.status === 200).flatMap((call) => (call.body as { events: { eventId: string; occurredAt: string }[] }).events);
    for (const event of delivered) expect(Date.parse(event.occurredAt)).to.be.at.most(now.getTime());
    expect(new Set(delivered.map((e) => e.eventId)).size).to.equal(delivered.length);
    expect(simulator.stats.accepted).to.equal(delivered.length);
  });

  it('loadCatalog puts every department, then every item, with the credentials it is given', async () => {
    const node = fakeNode();
    const refused = await loadCatalog(new DemoClient('http://node.test', bootstrapToken('admin'), '目录', () => undefined, { fetch: node.fetch }), { departments: DEMO_DEPARTMENTS, items: DEMO_ITEMS }, () => undefined);
    expect(refused).to.equal(0);
    expect(node.calls.map((call) => call.method)).to.deep.equal(Array(DEMO_DEPARTMENTS.length + DEMO_ITEMS.length).fill('PUT'));
    expect(node.calls.slice(0, DEMO_DEPARTMENTS.length).map((call) => call.path)).to.deep.equal(DEMO_DEPARTMENTS.map((d) => `/api/v1/departments/${d.code}`));
    expect(node.calls.slice(DEMO_DEPARTMENTS.length).map((call) => call.path)).to.deep.equal(DEMO_ITEMS.map((i) => `/api/v1/items/${i.itemCode}`));
    for (const call of node.calls) expect(call.authorization).to.equal('Bearer admin');
  });

  it('sends the same world for the same seed, and retries a batch the node answered 503', async () => {
    const first = fakeNode();
    const again = fakeNode(2);
    for (const node of [first, again]) {
      const simulator = new CaseSimulator({ baseUrl: 'http://node.test', credentials: new ClientSession('c_demo', 's3cret'), seed: 42, calendar: CALENDAR, clock: () => now, log: () => undefined, fetch: node.fetch, backfillDays: 5, casesPerWorkday: 20, intervalMs: 60_000, retryInitialMs: 1, retryMaxMs: 2 });
      await simulator.start();
      await simulator.stop();
    }
    const accepted = (node: { calls: Call[] }): string[] => node.calls
      .filter((call) => call.path === '/api/v1/events')
      .flatMap((call) => (call.body as { events: { eventId: string }[] }).events.map((e) => e.eventId));
    const firstIds = accepted(first);
    const retriedIds = accepted(again);
    // The two refused posts were sent again: every event of the first world arrives in the second.
    expect(new Set(retriedIds)).to.deep.equal(new Set(firstIds));
    expect(retriedIds.length).to.be.greaterThan(firstIds.length);
  });
});
