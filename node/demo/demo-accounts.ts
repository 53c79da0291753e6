/**
 * The demo's people and systems on each node, made through the node's own API with the bootstrap
 * token: on every node a supervisor (监察员) and an auditor (审计员); on a county also an officer
 * (经办人) and a leader (负责人) for each of its departments, and one department system (API client)
 * that reports the county's events. Every start gives each a fresh random password or secret (an
 * account left from an earlier run gets the new one), which main.ts prints for people and hands to
 * the workflow actor and the simulator; the nodes never log them.
 */
import { randomBytes } from 'node:crypto';
import type { UserRole } from '../access/principal.ts';
import type { CatalogDepartment } from './catalog.ts';

/** An account to make. */
export interface DemoAccountSpec {
  login: string;
  /** 姓名, as lists and the alert history show it. */
  name: string;
  role: UserRole;
  departments: string[];
}

/** An account made, with this run's password. */
export interface DemoAccount extends DemoAccountSpec {
  password: string;
}

/** A department system made, with this run's secret. */
export interface DemoSystem {
  clientId: string;
  name: string;
  departments: string[];
  clientSecret: string;
}

/** The supervisor and the auditor of every node. */
export const NODE_PEOPLE: readonly DemoAccountSpec[] = [
  { login: 'jianchayuan', name: '监察员', role: 'supervisor', departments: [] },
  { login: 'shenjiyuan', name: '审计员', role: 'auditor', departments: [] },
];

/** Login of a department's officer or leader, e.g. `jingban-610203-spj`, `fuzeren-610203-spj`. */
export function staffLogin(role: 'departmentOfficer' | 'departmentLeader', departmentCode: string): string {
  return `${role === 'departmentOfficer' ? 'jingban' : 'fuzeren'}-${departmentCode.toLowerCase()}`;
}

/** An officer and a leader for each department. */
export function departmentPeople(departments: readonly CatalogDepartment[]): DemoAccountSpec[] {
  return departments.flatMap(({ code, name }) => [
    { login: staffLogin('departmentOfficer', code), name: `${name}经办人`, role: 'departmentOfficer' as const, departments: [code] },
    { login: staffLogin('departmentLeader', code), name: `${name}负责人`, role: 'departmentLeader' as const, departments: [code] },
  ]);
}

/** A password the node's policy accepts: 16 random hex characters between an upper-case letter, a digit and symbols. */
const demoPassword = (): string => `Sv-${randomBytes(8).toString('hex')}-7!`;

/** Calls the node with the bootstrap token; answers status and parsed body. */
async function call(baseUrl: string, adminToken: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

/** Every item of a list route (the demo's few accounts fit one page; the cursor is followed anyway). */
async function listAll<T>(baseUrl: string, adminToken: string, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const answer = await call(baseUrl, adminToken, 'GET', `${path}?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    const page = answer.body as { items: T[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** Makes the accounts on the node at `baseUrl` (or gives existing ones this run's password); answers them with their passwords. */
export async function createDemoAccounts(baseUrl: string, adminToken: string, specs: readonly DemoAccountSpec[]): Promise<DemoAccount[]> {
  const accounts = specs.map((spec) => ({ ...spec, password: demoPassword() }));
  let existing: { id: string; login: string }[] | null = null;
  for (const account of accounts) {
    let answer = await call(baseUrl, adminToken, 'POST', '/api/v1/users', account);
    // Left from an earlier run on the same data: this run's password, unlocked, bound as specified.
    if (answer.status === 409) {
      existing ??= await listAll<{ id: string; login: string }>(baseUrl, adminToken, '/api/v1/users');
      const user = existing.find((candidate) => candidate.login === account.login);
      if (user) answer = await call(baseUrl, adminToken, 'PATCH', `/api/v1/users/${user.id}`, { password: account.password, unlock: true, role: account.role, departments: account.departments, disabled: false });
    }
    if (answer.status >= 300) throw new Error(`demo account ${account.login}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return accounts;
}

/**
 * Registers the department system `name` for `departments` (which must be in the catalog), or, when
 * an earlier run registered it, gives it a new secret; answers its id and this run's secret.
 */
export async function registerDemoSystem(baseUrl: string, adminToken: string, name: string, departments: readonly string[]): Promise<DemoSystem> {
  const clients = await listAll<{ clientId: string; name: string }>(baseUrl, adminToken, '/api/v1/clients');
  const found = clients.find((client) => client.name === name);
  let answer: { status: number; body: unknown };
  if (found) {
    const rebound = await call(baseUrl, adminToken, 'PATCH', `/api/v1/clients/${found.clientId}`, { departments: [...departments], disabled: false });
    if (rebound.status !== 200) throw new Error(`demo system ${name}: ${rebound.status} ${JSON.stringify(rebound.body)}`);
    answer = await call(baseUrl, adminToken, 'POST', `/api/v1/clients/${found.clientId}/secret`);
  } else {
    answer = await call(baseUrl, adminToken, 'POST', '/api/v1/clients', { name, departments: [...departments] });
  }
  if (answer.status >= 300) throw new Error(`demo system ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
  const { clientId, clientSecret } = answer.body as { clientId: string; clientSecret: string };
  return { clientId, name, departments: [...departments], clientSecret };
}
