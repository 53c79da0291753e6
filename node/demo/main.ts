/**
 * `npm run demo`: a whole federation in one process. A province, a city and two counties
 * (node/demo/topology.ts), each a full node with its own database on one PostgreSQL (embedded
 * unless DATABASE_URL names a server), listening on PORT .. PORT+3 (default 8080-8083), enrolled
 * through their HTTP APIs, syncing upward every SYNC_INTERVAL_SECONDS (default 10), with a case
 * simulator feeding each county as its department system (an API client) and a workflow actor
 * (node/demo/workflow-actor.ts) playing each county's supervisor and department staff on its
 * alerts, each signed in as their own demo account (demo-accounts.ts), which it prints for every
 * node with this start's passwords. Restarting it reuses the databases and enrolls nothing twice.
 * Runs until Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { loadSettings } from '../config/settings.ts';
import { startNode, type NodeHandle } from '../server.ts';
import { isoFromDay, localDayOf } from '../calendar/local-date.ts';
import { ROLE_LABELS } from '../access/principal.ts';
import { CaseSimulator } from './simulator.ts';
import { loadWorkCalendar } from './demo-calendar.ts';
import { WorkflowActor, type DepartmentStaff } from './workflow-actor.ts';
import { ensureAppRole, ensureDatabase, ensureRedis, startEmbeddedPostgres } from './embedded-services.ts';
import { NODE_PEOPLE, createDemoAccounts, departmentPeople, registerDemoSystem, staffLogin, type DemoAccount, type DemoSystem } from './demo-accounts.ts';
import { ClientSession, UserSession, bootstrapToken } from './demo-sessions.ts';
import { DemoClient } from './demo-client.ts';
import { loadCatalog } from './catalog-loader.ts';
import { DEMO_NODES, countyCatalog, nodeName, type DemoNode } from './topology.ts';
import { enrollOverHttp } from './enroll.ts';

const say = (line: string): void => console.log(line);
const stops: (() => Promise<void>)[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(String(error)));
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(0));

/** The URL of database `name` on the server of `url`, as `login` when given. */
function withDatabase(url: string, name: string, login?: { user: string; password: string }): string {
  const target = new URL(url);
  target.pathname = `/${name}`;
  if (login) {
    target.username = login.user;
    target.password = login.password;
  }
  return target.toString();
}

/** The role the demo nodes run as; the server URL's role owns their schemas and migrates them. */
const APP_ROLE = 'supervision_demo_app';

const LEVEL_LABEL: Record<DemoNode['level'], string> = { province: '省 province', city: '市 city    ', county: '县 county  ' };

try {
  const env = process.env;
  const basePort = Number(env.PORT ?? 8080);
  if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65532) throw new Error(`PORT must be a port number for the first of four nodes, got "${env.PORT}"`);
  const databaseName = (node: DemoNode): string => `supervision_demo_${node.code}`;

  // One PostgreSQL server, one database per node.
  let serverUrl = env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = new URL('../../.data/demo-postgres', import.meta.url).pathname;
    const postgres = await startEmbeddedPostgres(dataDir, Number(env.DEMO_PG_PORT ?? 54329), databaseName(DEMO_NODES[0]!), say);
    stops.push(postgres.stop);
    serverUrl = postgres.url;
  }
  for (const node of DEMO_NODES) await ensureDatabase(withDatabase(serverUrl, databaseName(node)));
  // As in production: each node runs as a role that cannot rewrite its audit trail.
  const appPassword = await ensureAppRole(serverUrl, APP_ROLE, say);
  const appLogin = appPassword === null ? undefined : { user: APP_ROLE, password: appPassword };
  const redis = await ensureRedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', say);
  stops.push(redis.stop);

  const adminToken = env.ADMIN_TOKEN ?? randomBytes(24).toString('hex');
  const urlOf = (node: DemoNode): string => `http://127.0.0.1:${basePort + node.portOffset}`;
  const running = new Map<string, NodeHandle>();
  for (const node of DEMO_NODES) {
    const parent = DEMO_NODES.find((candidate) => candidate.code === node.parent);
    // Every node setting of the environment applies to all four; these differ per node.
    const settings = loadSettings({
      ...env, ADMIN_TOKEN: adminToken, DATABASE_URL: withDatabase(serverUrl, databaseName(node), appLogin),
      DATABASE_OWNER_URL: appLogin ? withDatabase(serverUrl, databaseName(node)) : '', REDIS_URL: redis.url,
      NODE_CODE: node.code, NODE_LEVEL: node.level, NODE_NAME: nodeName(node), PORT: String(basePort + node.portOffset),
      PUBLIC_URL: urlOf(node), PARENT_URL: parent ? urlOf(parent) : '', QUEUE_PREFIX: `${env.QUEUE_PREFIX ?? 'sv-demo'}-${node.code}`,
      SYNC_INTERVAL_SECONDS: env.SYNC_INTERVAL_SECONDS ?? '10', LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
      // Every demo person signs in from this one address (the limit counts per address).
      RATE_LIMIT_LOGIN_PER_MINUTE: env.RATE_LIMIT_LOGIN_PER_MINUTE ?? '200',
    });
    const handle = await startNode(settings);
    stops.push(() => handle.close());
    running.set(node.code, handle);
    say(`已启动 (started) ${nodeName(node)} ${node.code} at ${urlOf(node)}`);
  }

  const asEnrollNode = (node: DemoNode) => ({ code: node.code, level: node.level, name: nodeName(node), url: urlOf(node) });
  for (const node of DEMO_NODES) {
    const parent = DEMO_NODES.find((candidate) => candidate.code === node.parent);
    if (!parent) continue;
    const done = await enrollOverHttp(asEnrollNode(parent), asEnrollNode(node), adminToken);
    say(`登记 (enrollment) ${node.code} -> ${parent.code}: ${done}`);
  }

  // Each node's people; on a county first its catalog, which its staff and its system are bound to.
  const counties = DEMO_NODES.filter((node) => node.level === 'county');
  const accountsOf = new Map<string, DemoAccount[]>();
  const systemOf = new Map<string, DemoSystem>();
  for (const node of DEMO_NODES) {
    const people = [...NODE_PEOPLE];
    if (node.level === 'county') {
      const catalog = countyCatalog(node);
      const log = (line: string): void => say(`[${node.code}] ${line}`);
      await loadCatalog(new DemoClient(urlOf(node), bootstrapToken(adminToken), '目录', log), catalog, log);
      people.push(...departmentPeople(catalog.departments));
      systemOf.set(node.code, await registerDemoSystem(urlOf(node), adminToken, `${node.place}部门业务系统`, catalog.departments.map((department) => department.code)));
    }
    accountsOf.set(node.code, await createDemoAccounts(urlOf(node), adminToken, people));
  }
  const accountOf = (node: DemoNode, login: string): DemoAccount => {
    const account = accountsOf.get(node.code)?.find((candidate) => candidate.login === login);
    if (!account) throw new Error(`no demo account ${login} on ${node.code}`);
    return account;
  };
  const sessionOf = (node: DemoNode, login: string): UserSession => new UserSession(login, accountOf(node, login).password);

  const seed = Number(env.DEMO_SEED ?? 20261125);
  // The calendar files the nodes loaded (CALENDAR_DIR), so the simulated halls keep the real holidays.
  const calendar = await loadWorkCalendar(running.get(counties[0]!.code)!.settings.calendarDir);
  const simulators = counties.map((county, index) => {
    const { items } = countyCatalog(county);
    const system = systemOf.get(county.code)!;
    return new CaseSimulator({
      baseUrl: urlOf(county), credentials: new ClientSession(system.clientId, system.clientSecret), seed: seed + index, calendar,
      countyCode: county.code, items, casesPerWorkday: Number(env.DEMO_CASES_PER_DAY ?? 150), log: (line) => say(`[${county.code}] ${line}`),
    });
  });
  for (const simulator of simulators) stops.push(() => simulator.stop());
  await Promise.all(simulators.map((simulator) => simulator.start()));

  // One sync now, counties first, so the province shows the backfill at once; the schedulers
  // take over from here.
  for (const node of [...counties, DEMO_NODES[1]!]) {
    const response = await fetch(`${urlOf(node)}/api/v1/federation/sync?wait=true`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
    const answer = await response.json() as { result?: { delivered?: number; error?: { code: string; message: string } | null } };
    if (answer.result?.error) say(`同步 (sync) ${node.code}: ${answer.result.error.code} ${answer.result.error.message}`);
  }

  const today = localDayOf(new Date());
  const from = isoFromDay(today - 30);
  const to = isoFromDay(today);
  const auth = `-H "Authorization: Bearer ${adminToken}"`;
  const [province, city, countyA, countyB] = DEMO_NODES.map(urlOf);
  say('');
  say(`演示联邦已就绪 (demo federation ready): ${DEMO_NODES.map((node) => `${node.place} ${node.code}`).join(' / ')}`);
  for (const node of DEMO_NODES) say(`  ${LEVEL_LABEL[node.level]} ${node.code}  ${urlOf(node)}  ${nodeName(node)}`);
  say(`  Token (all four nodes): ${adminToken}`);
  const interval = running.get(DEMO_NODES[0]!.code)!.settings.syncIntervalSeconds;
  say(`  每 ${interval} 秒向上同步一次 (each node syncs upward every ${interval} s)`);
  say('试一试 (try):');
  say(`  curl ${auth} '${province}/api/v1/rollups?from=${from}&to=${to}&groupBy=node'`);
  say(`  curl ${auth} '${city}/api/v1/rollups?from=${from}&to=${to}&groupBy=department'`);
  say(`  curl ${auth} ${province}/api/v1/federation/status`);
  say(`  curl ${auth} ${countyA}/api/v1/board`);
  say(`  curl ${auth} '${countyB}/api/v1/cases?light=red&limit=5'`);
  say(`  curl ${auth} '${countyA}/api/v1/alerts?status=notified&limit=5'`);
  say(`  curl ${auth} ${countyA}/api/v1/alerts/1   # one alert with its transitions`);
  say(`  curl ${auth} ${countyA}/api/v1/rules`);
  say(`  curl ${auth} '${countyA}/api/v1/alerts/counts?groupBy=department'`);
  say(`  curl ${auth} '${countyA}/api/v1/audit?limit=20'   # who did what: user:<login>, client:<id>`);
  say(`  curl ${province}/health`);
  say('演示账号 (demo accounts, new passwords each start; sign in at the URL, then use the accessToken as the bearer token):');
  for (const node of DEMO_NODES) {
    say(`  ${nodeName(node)} ${node.code}  POST ${urlOf(node)}/api/v1/auth/login`);
    for (const account of accountsOf.get(node.code)!.filter((candidate) => candidate.departments.length === 0)) {
      say(`    ${ROLE_LABELS[account.role]} ${account.role.padEnd(10)}  ${account.login} / ${account.password}`);
    }
    if (node.level !== 'county') continue;
    for (const department of countyCatalog(node).departments) {
      const officer = accountOf(node, staffLogin('departmentOfficer', department.code));
      const leader = accountOf(node, staffLogin('departmentLeader', department.code));
      say(`    ${department.name}: ${ROLE_LABELS.departmentOfficer} ${officer.login} / ${officer.password} · ${ROLE_LABELS.departmentLeader} ${leader.login} / ${leader.password}`);
    }
    const system = systemOf.get(node.code)!;
    say(`    ${ROLE_LABELS.departmentClient} (client credentials) ${system.name}: client_id ${system.clientId} (its secret stays with the simulator)`);
  }
  const example = accountOf(counties[0]!, NODE_PEOPLE[0]!.login);
  say(`  curl -H 'content-type: application/json' -d '{"login":"${example.login}","password":"${example.password}"}' ${countyA}/api/v1/auth/login`);
  say('按 Ctrl-C 停止 (Ctrl-C stops the demo).');

  // The people of each county's warning-and-correction workflow, through the API (stopped before
  // the simulators). LATE_REPORT alerts on events that occurred before now are the backfill's.
  const actors = counties.map((county, index) => {
    const departmentStaff = new Map<string, DepartmentStaff>(countyCatalog(county).departments.map((department) => [department.code, {
      officer: sessionOf(county, staffLogin('departmentOfficer', department.code)),
      leader: sessionOf(county, staffLogin('departmentLeader', department.code)),
    }]));
    return new WorkflowActor({
      baseUrl: urlOf(county), supervisor: sessionOf(county, NODE_PEOPLE[0]!.login), departmentStaff, seed: seed + index,
      historyBefore: new Date(), log: (line) => say(`[${county.code}] ${line}`),
    });
  });
  for (const actor of actors) {
    stops.push(() => actor.stop());
    actor.start();
  }
} catch (error) {
  console.error(`演示无法启动 (demo cannot start): ${(error as Error).message}`);
  await shutdown(1);
}
