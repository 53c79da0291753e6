/**
 * People and API clients for tests: accounts made through the API with the bootstrap token,
 * sign-in, client tokens, and an `api()` that calls with a given bearer token. Each helper asserts
 * the answer it needs, so a broken login fails where it happens.
 */
import { expect } from 'chai';
import type { UserRole } from '../../node/access/principal.ts';
import { apiRequest, type ApiAnswer } from './api-request.ts';
import type { TestNode } from './test-node.ts';

/** Passes the password policy (12+ characters, four character classes, not common). */
export const VALID_PASSWORD = 'Kx7#mQ2!vL9@pR4z';

export interface CreatedUser {
  id: string;
  login: string;
  password: string;
}

/** An `api()` like TestNode's, with its own bearer token. */
export type ApiAs = <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiAnswer<T>>;

let sequence = 0;

/** Creates a user through `POST /api/v1/users` (bootstrap token); a fresh login unless given. `role` is sent as given (the API checks it). */
export async function createUser(node: TestNode, spec: { role: UserRole | (string & {}); departments?: string[]; login?: string; password?: string; name?: string }): Promise<CreatedUser> {
  const login = spec.login ?? `${spec.role.toLowerCase()}-${process.pid}-${++sequence}`;
  const password = spec.password ?? VALID_PASSWORD;
  const answer = await node.api('POST', '/api/v1/users', { login, name: spec.name ?? `测试用户 ${sequence}`, role: spec.role, departments: spec.departments ?? [], password });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  return { id: answer.body.id, login, password };
}

/** Signs in and answers the login body (accessToken, refreshToken, expiresIn, user ...). */
export async function login(node: TestNode, loginName: string, password: string): Promise<any> {
  const answer = await node.api('POST', '/api/v1/auth/login', { login: loginName, password }, { authorization: '' });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return answer.body;
}

/** A signed-in user of `role` (created for the occasion): its access token. */
export async function tokenFor(node: TestNode, role: UserRole | (string & {}), departments: string[] = []): Promise<string> {
  const user = await createUser(node, { role, departments });
  return (await login(node, user.login, user.password)).accessToken as string;
}

/** Registers an API client for `departments`; answers its id and the secret shown once. */
export async function createClient(node: TestNode, departments: string[], name = '业务系统'): Promise<{ clientId: string; clientSecret: string }> {
  const answer = await node.api('POST', '/api/v1/clients', { name, departments });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  return { clientId: answer.body.clientId, clientSecret: answer.body.clientSecret };
}

/** An access token for a client (client_credentials grant, credentials in the body). */
export async function clientToken(node: TestNode, clientId: string, clientSecret: string): Promise<string> {
  const answer = await node.api('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }, { authorization: '' });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return answer.body.access_token as string;
}

/** Calls the node with `token` as the bearer token. */
export function as(node: Pick<TestNode, 'url'>, token: string): ApiAs {
  return (method, path, body, headers) => apiRequest(node.url, token, method, path, body, headers);
}
