/** The keyset lists of users (by login) and API clients (by id). */
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from './user.entity.ts';
import { ApiClient } from './api-client.entity.ts';

export function listUsers(em: EntityManager, after: string | null, take: number): Promise<User[]> {
  return em.find(User, after ? { login: { $gt: after } } : {}, { orderBy: { login: 'asc' }, limit: take });
}

export function countUsers(em: EntityManager): Promise<number> {
  return em.count(User, {});
}

export function listClients(em: EntityManager, after: string | null, take: number): Promise<ApiClient[]> {
  return em.find(ApiClient, after ? { id: { $gt: after } } : {}, { orderBy: { id: 'asc' }, limit: take });
}

export function countClients(em: EntityManager): Promise<number> {
  return em.count(ApiClient, {});
}
