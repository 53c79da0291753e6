/** The demo simulator against a fake node: catalog first, nothing from the future, bounded batches, retries. */
import { expect } from 'chai';
import { CaseSimulator } from '../../../node/demo/simulator.ts';
import { DEMO_DEPARTMENTS, DEMO_ITEMS } from '../../../node/demo/catalog.ts';
import { CALENDAR } from '../timelimits/fixtures.ts';

interface Call {
  method: string;
  path: string;
  body: unknown;
}

function fakeNode(failFirstEventPosts = 0): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  let eventPosts = 0;
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method: init?.method ?? 'GET', path: url.pathname, body });
    if (url.pathname === '/api/v1/events') {
      eventPosts += 1;
      if (eventPosts <= failFirstEventPosts) return new Response(JSON.stringify({ error: { code: 'UNAVAILABLE' } }), { status: 503 });
      const events = (body as { events: { eventId: string }[] }).events;
      return Response.json({ accepted: events.length, duplicates: 0, rejected: 0, results: events.map((e) => ({ eventId: e.eventId, status: 'accepted' })) });
    }
    return Response.json({}, { status: 200 });
  };
  return { fetch: fake as typeof fetch, calls };
}

describe('demo/simulator', function () {
  this.timeout(20000);
  const now = new Date('2026-03-11T15:00:00+08:00');

  it('loads the catalog before any event and never posts an event from the future', async () => {
    const node = fakeNode();
    const simulator = new CaseSimulator({ baseUrl: 'http://node.test', token: 't', seed: 7, calendar: CALENDAR, clock: () => now, log: () => undefined, fetch: node.fetch, backfillDays: 10, casesPerWorkday: 30, intervalMs: 60_000 });
    await simulator.start();
    await simulator.stop();

    const firstEventPost = node.calls.findIndex((call) => call.path === '/api/v1/events');
    const catalogCalls = node.calls.slice(0, firstEventPost);
    expect(catalogCalls.filter((call) => call.path.startsWith('/api/v1/departments/')).length).to.equal(DEMO_DEPARTMENTS.length);
    expect(catalogCalls.filter((call) => call.path.startsWith('/api/v1/items/')).length).to.equal(DEMO_ITEMS.length);

    const posts = node.calls.filter((call) => call.path === '/api/v1/events').map((call) => (call.body as { events: { eventId: string; occurredAt: string }[] }).events);
    expect(posts.length).to.be.greaterThan(0);
    const events = posts.flat();
    for (const batch of posts) expect(batch.length).to.be.at.most(1000);
    for (const event of events) expect(Date.parse(event.occurredAt)).to.be.at.most(now.getTime());
    expect(new Set(events.map((e) => e.eventId)).size).to.equal(events.length);
    expect(simulator.stats.accepted).to.equal(events.length);
  });

  it('sends the same world for the same seed, and retries a batch the node answered 503', async () => {
    const first = fakeNode();
    const again = fakeNode(2);
    for (const node of [first, again]) {
      const simulator = new CaseSimulator({ baseUrl: 'http://node.test', token: 't', seed: 42, calendar: CALENDAR, clock: () => now, log: () => undefined, fetch: node.fetch, backfillDays: 5, casesPerWorkday: 20, intervalMs: 60_000, retryInitialMs: 1, retryMaxMs: 2 });
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
