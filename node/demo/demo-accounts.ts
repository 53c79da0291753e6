/**
 * People to sign in as in the demo: a supervisor, an auditor and one officer of a department per
 * county, each with a fresh random password printed at start, so the role scopes can be tried
 * (`POST /api/v1/auth/login`) rather than only the all-powerful bootstrap token.
 */
import { randomBytes } from 'node:crypto';

export interface DemoAccount {
  login: string;
  role: string;
  departments: string[];
  password: string;
}

/** A password the node's policy accepts: 16 random hex characters plus an upper-case letter and a symbol. */
const demoPassword = (): string => `Sv-${randomBytes(8).toString('hex')}!`;

/** Creates the accounts on the node at `baseUrl` with the bootstrap token; answers them with their passwords. */
export async function createDemoAccounts(baseUrl: string, adminToken: string, departmentCode: string): Promise<DemoAccount[]> {
  const accounts: DemoAccount[] = [
    { login: 'jianchayuan', role: 'supervisor', departments: [], password: demoPassword() },
    { login: 'shenjiyuan', role: 'auditor', departments: [], password: demoPassword() },
    { login: `jingban-${departmentCode.toLowerCase()}`, role: 'departmentOfficer', departments: [departmentCode], password: demoPassword() },
  ];
  const call = (method: string, path: string, body: unknown): Promise<Response> => fetch(`${baseUrl}${path}`, {
    method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  for (const account of accounts) {
    let response = await call('POST', '/api/v1/users', { ...account, name: account.login });
    // Left from an earlier run on the same data: give it this run's password.
    if (response.status === 409) {
      const list = await fetch(`${baseUrl}/api/v1/users?limit=500`, { headers: { authorization: `Bearer ${adminToken}` } });
      const { items } = await list.json() as { items: { id: string; login: string }[] };
      const existing = items.find((user) => user.login === account.login);
      if (existing) response = await call('PATCH', `/api/v1/users/${existing.id}`, { password: account.password, unlock: true });
    }
    if (!response.ok) throw new Error(`demo account ${account.login}: ${response.status} ${await response.text()}`);
  }
  return accounts;
}
