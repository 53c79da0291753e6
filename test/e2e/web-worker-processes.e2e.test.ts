/**
 * One county served by three real processes on one database and one queue prefix: two web
 * processes (NODE_PROCESS=web) and one worker (NODE_PROCESS=worker), started together, with a city
 * above them. Events are posted to both web processes at once, in overlapping batches (some ids
 * sent to both), and the test checks what must hold across processes: every event accepted exactly
 * once, the Merkle log without gaps and covered by one checkpoint the city holds, each alert raised
 * once by sweeps run through both web processes at once, imports run by the worker, and a policy
 * changed through one web process in force at once in the other.
 *
 * Cases of IT-3 (3 working days) accepted Mon 2026-03-02: at the sweep instant 2026-04-30 each has
 * a yellow and a red light and a yellow and a red card (2 notices). A sweep writes at the node's
 * clock, so every process (the city's too, whose clock signed messages are checked against) runs
 * on the test's clock, from 2026-04-30 on: the events are received then, weeks after they
 * occurred, so each case also has its LATE_REPORT (5 alerts).
 */
import { expect } from 'chai';
import { accepted, q, setUpCatalog, waitForImport } from '../support/api-fixtures.ts';
import { clockOffsetTo, PROCESS_ADMIN_TOKEN, startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { createTestDatabase, uniqueQueuePrefix, withClient, type TestDatabase } from '../support/test-database.ts';
import { enrollProcess } from './federation-topology.ts';
import { apiRequest } from '../support/api-request.ts';
import { VALID_PASSWORD } from '../support/access-fixtures.ts';
import { eventLeafHash } from '../../federation/log/event-leaf.ts';
import { rootOf } from '../../federation/log/merkle.ts';

const COUNTY = '610203';
const CASES = 4000;
const BATCH = 250;
/** The first OVERLAP events of every batch are also sent to the other web process, at the same time. */
const OVERLAP = 100;
const IMPORTED = 300;
const AT = '2026-04-30T10:00:00+08:00';
const ALERTS_PER_CASE = 5;
const NOTICES_PER_CASE = 2;

type PostAnswer = { accepted: number; duplicates: number; rejected: number; results: { eventId: string | null; status: string }[] };

async function rowOf<T>(database: TestDatabase, text: string): Promise<T> {
  return withClient(database.url, async (client) => (await client.query(text)).rows[0] as T);
}

describe('e2e: two web processes and a worker serve one node', function () {
  this.timeout(300_000);
  let city: NodeProcess;
  let database: TestDatabase;
  let webA: NodeProcess;
  let webB: NodeProcess;
  let worker: NodeProcess;
  const processes: NodeProcess[] = [];

  before(async () => {
    const clockOffsetMs = clockOffsetTo(AT);
    city = await startNodeProcess({ code: '610200', level: 'city', clockOffsetMs });
    database = await createTestDatabase('sv_e2e');
    const shared = { database, queuePrefix: uniqueQueuePrefix(`e2e-${COUNTY}`) };
    // One PUBLIC_URL for the node, whichever process answers; info logs show which process did what.
    const env = (role: string): Record<string, string> => ({
      NODE_PROCESS: role, LOG_LEVEL: 'info', PUBLIC_URL: 'http://127.0.0.1:1', SWEEP_AFTER_INGEST: 'false', SWEEP_INTERVAL_SECONDS: '86400',
    });
    // Started together on an empty database: they take turns to migrate, seed and make the keys.
    const started = await Promise.all(['web', 'web', 'worker'].map((role) => startNodeProcess({ code: COUNTY, level: 'county', parentUrl: city.url, env: env(role), shared, clockOffsetMs })));
    processes.push(...started);
    [webA, webB, worker] = started as [NodeProcess, NodeProcess, NodeProcess];
    await enrollProcess(city, webA, 'county');
    await setUpCatalog(webA, { GA: '公安局' }, [{ itemCode: 'IT-3', departmentCode: 'GA', legalLimitDays: 20, promisedLimitDays: 3 }]);
  });
  after(async () => {
    await Promise.all(processes.map((node) => node.close()));
    await database?.drop();
    await city?.close();
  });

  it('says which part of the node each process is, and the worker serves nothing but /health', async () => {
    for (const [node, role] of [[webA, 'web'], [webB, 'web'], [worker, 'worker']] as const) {
      const health = await node.api('GET', '/health');
      expect([health.status, health.body.process], node.url).to.deep.equal([200, role]);
    }
    const refused = await worker.api('GET', '/api/v1/cases');
    expect([refused.status, refused.body.error.code]).to.deep.equal([404, 'NOT_FOUND']);
    // The identity every process signs with is the one the first made: one key for the node.
    const kids = await Promise.all([webA, webB].map(async (node) => (await node.api('GET', '/.well-known/jwks.json')).body));
    expect(kids[0]).to.deep.equal(kids[1]);
  });

  it('accepts every event exactly once when both web processes take overlapping batches at once', async () => {
    const events = Array.from({ length: CASES }, (_, i) => accepted(`KS-${String(i).padStart(6, '0')}`, '2026-03-02T10:00:00+08:00', 'IT-3', 'GA'));
    const posts: Promise<PostAnswer>[] = [];
    for (let start = 0, index = 0; start < CASES; start += BATCH, index++) {
      const batch = events.slice(start, start + BATCH);
      const [own, other] = index % 2 === 0 ? [webA, webB] : [webB, webA];
      for (const [node, sent] of [[own, batch], [other, batch.slice(0, OVERLAP)]] as const) {
        posts.push(node.api('POST', '/api/v1/events', { events: sent }).then((answer) => {
          expect(answer.status, JSON.stringify(answer.body).slice(0, 500)).to.equal(200);
          return answer.body as PostAnswer;
        }));
      }
    }
    const answers = await Promise.all(posts);
    const sum = (field: 'accepted' | 'duplicates' | 'rejected'): number => answers.reduce((total, answer) => total + answer[field], 0);
    const resent = (CASES / BATCH) * OVERLAP;
    expect({ accepted: sum('accepted'), duplicates: sum('duplicates'), rejected: sum('rejected') }).to.deep.equal({ accepted: CASES, duplicates: resent, rejected: 0 });
    // Per id: exactly one answer says accepted, whichever process took it first.
    const acceptedTimes = new Map<string, number>();
    for (const result of answers.flatMap((answer) => answer.results)) {
      if (result.status === 'accepted') acceptedTimes.set(result.eventId!, (acceptedTimes.get(result.eventId!) ?? 0) + 1);
    }
    expect(acceptedTimes.size).to.equal(CASES);
    expect([...acceptedTimes.values()].every((times) => times === 1)).to.equal(true);
  });

  it('runs an import posted to a web process on the worker', async () => {
    const body = Array.from({ length: IMPORTED }, (_, i) => JSON.stringify(accepted(`IM-${String(i).padStart(6, '0')}`, '2026-03-02T10:00:00+08:00', 'IT-3', 'GA'))).join('\n');
    const response = await fetch(`${webA.url}/api/v1/imports`, {
      method: 'POST', body, headers: { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}`, 'content-type': 'application/x-ndjson' },
    });
    expect(response.status).to.equal(202);
    const { id } = await response.json() as { id: string };
    const done = await waitForImport(webB, id, 60_000);
    expect(done).to.deep.include({ status: 'done', accepted: IMPORTED, duplicates: 0, rejected: 0 });
    // The worker's log has the import's progress; neither web process ran a job of it (they run no workers).
    expect(worker.output()).to.include(id);
    for (const web of [webA, webB]) {
      expect(web.output()).to.not.include(`"importId":"${id}"`);
      expect(web.output()).to.match(/"process":"web".*"workers":\[\]/);
    }
    expect(worker.output()).to.match(/"workers":\["imports","notify","sweep","sync","audits"\]/);
  });

  it('keeps one Merkle log without gaps, covered by the checkpoint the city holds', async () => {
    const total = CASES + IMPORTED;
    // Through web B; the sync job runs on the worker: it logs any straggler, then builds and sends the batch.
    const synced = await webB.api('POST', '/api/v1/federation/sync?wait=true');
    expect(synced.status, JSON.stringify(synced.body)).to.equal(200);
    expect(synced.body.result.error, JSON.stringify(synced.body)).to.equal(null);
    const log = await rowOf<{ events: number; unlogged: number; indexes: number; first: number; last: number; leaves: number }>(database, `SELECT
      (SELECT count(*)::int FROM case_events) AS events,
      (SELECT count(*)::int FROM case_events WHERE log_index IS NULL) AS unlogged,
      (SELECT count(DISTINCT log_index)::int FROM case_events) AS indexes,
      (SELECT min(log_index)::int FROM case_events) AS first,
      (SELECT max(log_index)::int FROM case_events) AS last,
      (SELECT count(*)::int FROM log_leaves) AS leaves`);
    expect(log).to.deep.equal({ events: total, unlogged: 0, indexes: total, first: 0, last: total - 1, leaves: total });
    const payloads = await withClient(database.url, async (client) => (await client.query<{ payload: object }>('SELECT payload FROM case_events ORDER BY log_index')).rows);
    const root = rootOf(payloads.map((row) => eventLeafHash(row.payload))).toString('hex');
    const status = await city.api('GET', '/api/v1/federation/status');
    const child = (status.body.children as { code: string; lastCheckpoint: { treeSize: number; rootHash: string } | null }[]).find((node) => node.code === COUNTY);
    expect(child?.lastCheckpoint).to.deep.include({ treeSize: total, rootHash: root });
  });

  it('raises each alert once when both web processes sweep at once, and numbers notices without gaps', async () => {
    const total = CASES + IMPORTED;
    const sweeps = await Promise.all([webA, webB, webA, webB].map((node) => node.api('POST', '/api/v1/alerts/sweep')));
    for (const sweep of sweeps) expect(sweep.status, JSON.stringify(sweep.body)).to.equal(200);
    const raised = sweeps.reduce((sum, sweep) => sum + (sweep.body.raised as number), 0);
    const checked = sweeps.reduce((sum, sweep) => sum + (sweep.body.checked as number), 0);
    expect({ raised, checked }).to.deep.equal({ raised: total * ALERTS_PER_CASE, checked: total });
    const alerts = await rowOf<{ alerts: number; pairs: number; notices: number; maxNotice: number; raises: number }>(database, `SELECT
      (SELECT count(*)::int FROM alerts) AS alerts,
      (SELECT count(DISTINCT (case_no, rule))::int FROM alerts) AS pairs,
      (SELECT count(notice_no)::int FROM alerts) AS notices,
      (SELECT max(split_part(notice_no, '-', 3)::int) FROM alerts) AS "maxNotice",
      (SELECT count(*)::int FROM alert_transitions WHERE action = 'raise') AS raises`);
    expect(alerts).to.deep.equal({
      alerts: total * ALERTS_PER_CASE, pairs: total * ALERTS_PER_CASE, notices: total * NOTICES_PER_CASE, maxNotice: total * NOTICES_PER_CASE, raises: total * ALERTS_PER_CASE,
    });
  });

  it('judges by a policy changed through the other web process from the next request on', async () => {
    const tuesday = '2026-03-03T10:00:00+08:00';
    const total = CASES + IMPORTED;
    const lights = async (): Promise<unknown> => {
      const board = await webB.api('GET', `/api/v1/board?at=${q(tuesday)}`);
      expect(board.status, JSON.stringify(board.body)).to.equal(200);
      return { green: board.body.overall.green, yellow: board.body.overall.yellow };
    };
    const before = await webB.api('GET', `/api/v1/cases/KS-000000?at=${q(tuesday)}`);
    expect([before.status, before.body.light]).to.deep.equal([200, 'green']);
    expect(await lights()).to.deep.equal({ green: total, yellow: 0 });
    const changed = await webA.api('PUT', '/api/v1/policy', { yellowAtRemainingDays: 5, yellowCardOverdueDays: 1, redCardOverdueDays: 4 });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
    const after = await webB.api('GET', `/api/v1/cases/KS-000000?at=${q(tuesday)}`);
    expect([after.status, after.body.light]).to.deep.equal([200, 'yellow']);
    expect((await webB.api('GET', '/api/v1/policy')).body).to.deep.include({ yellowAtRemainingDays: 5, source: 'node' });
    expect(await lights()).to.deep.equal({ green: 0, yellow: total });
  });

  it('counts password guesses together across the web processes: tries on A hold the address back on B', async () => {
    const created = await webA.api('POST', '/api/v1/users', { login: 'e2e-guessed', name: '被猜测者', role: 'nodeAdmin', departments: [], password: VALID_PASSWORD });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const signIn = (node: NodeProcess, password: string) => apiRequest(node.url, null, 'POST', '/api/v1/auth/login', { login: 'e2e-guessed', password });
    const statuses: number[] = [];
    // LOGIN_MAX_FAILURES (5 by default): three guesses on A, two on B.
    for (const node of [webA, webA, webA, webB, webB]) statuses.push((await signIn(node, 'Wrong#Guess-2026x')).status);
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401]);
    for (const node of [webB, webA]) {
      const answer = await signIn(node, VALID_PASSWORD);
      expect([answer.status, answer.body.error?.code]).to.deep.equal([429, 'RATE_LIMITED']);
      expect(Number(answer.headers.get('retry-after'))).to.be.within(1, 900);
    }
  });

  it('shares sign-ins, refresh-token rotation and key rotation between the web processes', async () => {
    const created = await webA.api('POST', '/api/v1/users', { login: 'e2e-supervisor', name: '督查员', role: 'supervisor', departments: [], password: VALID_PASSWORD });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const signIn = async (node: NodeProcess) => {
      const answer = await apiRequest(node.url, null, 'POST', '/api/v1/auth/login', { login: 'e2e-supervisor', password: VALID_PASSWORD });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      return answer.body as { accessToken: string; refreshToken: string };
    };
    const first = await signIn(webA);
    expect((await apiRequest(webB.url, first.accessToken, 'GET', '/api/v1/cases?limit=1')).status, 'a token from A on B').to.equal(200);
    const refreshed = await apiRequest(webB.url, null, 'POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: first.refreshToken });
    expect(refreshed.status, JSON.stringify(refreshed.body)).to.equal(200);
    const reused = await apiRequest(webA.url, null, 'POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: first.refreshToken });
    expect([reused.status, reused.body.error.code], 'the refresh token B rotated is spent on A too').to.deep.equal([401, 'INVALID_GRANT']);

    // Reusing a spent refresh token ended that session; a new one signed under the key of now:
    const beforeRotation = await signIn(webB);
    const rotated = await webA.api('POST', '/api/v1/federation/keys/rotate');
    expect(rotated.status, JSON.stringify(rotated.body)).to.equal(200);
    const afterRotation = await signIn(webA);
    const header = JSON.parse(Buffer.from(afterRotation.accessToken.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string };
    expect(header.kid).to.equal(rotated.body.currentKid);
    expect((await apiRequest(webB.url, afterRotation.accessToken, 'GET', '/api/v1/cases?limit=1')).status, 'a token under the new key on B').to.equal(200);
    expect((await apiRequest(webB.url, beforeRotation.accessToken, 'GET', '/api/v1/cases?limit=1')).status, 'and one under the retired key').to.equal(200);
    const jwks = (await webB.api('GET', '/.well-known/jwks.json')).body as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).to.include(rotated.body.currentKid);
    expect((await webB.api('GET', '/api/v1/federation/status')).body.node.kid, 'B signs under the new key').to.equal(rotated.body.currentKid);
  });
});
