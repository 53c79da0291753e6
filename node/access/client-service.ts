/**
 * Department API clients: a business system authenticates with its client id and secret (OAuth 2.0
 * client credentials) and acts as `departmentClient` within its departments. The secret is shown
 * once, at creation or rotation; only its digest is kept.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../core/errors.ts';
import { assertSchema } from '../http/validation.ts';
import { execute, query } from '../core/db.ts';
import { ApiClient } from './api-client.entity.ts';
import { checkDepartments } from './department-binding.ts';
import { digestHex, newClientId, newClientSecret, sameSecret } from './opaque-secrets.ts';

/** A client with the secret that was just made for it (never stored, never shown again). */
export interface ClientWithSecret {
  client: ApiClient;
  clientSecret: string;
}

/** The client `id`, or NOT_FOUND. */
export async function findClient(em: EntityManager, id: string): Promise<ApiClient> {
  const client = id.length <= 40 ? await em.findOne(ApiClient, { id }) : null;
  if (!client) throw new AppError('NOT_FOUND', { client: id });
  return client;
}

/** Validates `body` (client-create.schema.json) and registers a client with a fresh secret. */
export async function createClient(em: EntityManager, body: unknown, now: Date): Promise<ClientWithSecret> {
  assertSchema('access/client-create.schema.json', body);
  const input = body as { name: string; departments: string[] };
  const departments = await checkDepartments(em, 'departmentClient', input.departments);
  const clientSecret = newClientSecret();
  const client = em.create(ApiClient, { id: newClientId(), name: input.name, departments, secretHash: digestHex(clientSecret), secretVersion: 1, disabled: false, createdAt: now, lastUsedAt: null });
  await em.flush();
  return { client, clientSecret };
}

/** Applies `body` (client-update.schema.json): rename, rebind, disable or enable. */
export async function updateClient(em: EntityManager, id: string, body: unknown): Promise<ApiClient> {
  assertSchema('access/client-update.schema.json', body);
  const changes = body as { name?: string; departments?: string[]; disabled?: boolean };
  const client = await findClient(em, id);
  if (changes.departments !== undefined) client.departments = await checkDepartments(em, 'departmentClient', changes.departments);
  if (changes.name !== undefined) client.name = changes.name;
  if (changes.disabled !== undefined) client.disabled = changes.disabled;
  await em.flush();
  return client;
}

/** A new secret for `id`; the secret version rises, so tokens issued under the old one stop working. */
export async function rotateClientSecret(em: EntityManager, id: string): Promise<ClientWithSecret> {
  await findClient(em, id);
  const clientSecret = newClientSecret();
  await execute(em, 'UPDATE api_clients SET secret_hash = $2, secret_version = secret_version + 1 WHERE id = $1', [id, digestHex(clientSecret)]);
  em.clear();
  return { client: await findClient(em, id), clientSecret };
}

/** The enabled client whose id and secret these are, or null (the same for every kind of mismatch). */
export async function authenticateClient(em: EntityManager, clientId: string, clientSecret: string, now: Date): Promise<{ id: string; secretVersion: number } | null> {
  const rows = await query<{ id: string; secret_hash: string; secret_version: number; disabled: boolean }>(em,
    'SELECT id, secret_hash, secret_version, disabled FROM api_clients WHERE id = $1', [clientId]);
  const row = rows[0];
  // Compare against something even for an unknown id, so timing does not tell ids apart.
  const matches = sameSecret(digestHex(clientSecret), row?.secret_hash ?? digestHex('no such client'));
  if (!row || !matches || row.disabled) return null;
  await execute(em, 'UPDATE api_clients SET last_used_at = $2 WHERE id = $1', [row.id, now]);
  return { id: row.id, secretVersion: row.secret_version };
}
