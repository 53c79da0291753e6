/**
 * Authentication of `/api/*` and `/metrics`: who is calling, from `Authorization: Bearer <token>`.
 * The token is the bootstrap ADMIN_TOKEN (when enabled) or an access token (access-tokens.ts); for
 * a token, the session and user (or the client) are read from the database on every request, so a
 * logout, a disabled account, a new role or a rotated client secret acts on the very next request.
 * The routes the policy marks public (signing in) pass without credentials.
 *
 * Refusals are 401 UNAUTHORIZED with `details.reason` missing | invalid | expired | revoked and
 * one message: a forged token learns nothing about which check it failed.
 */
import type { Middleware } from 'koa';
import { AppError } from '../core/errors.ts';
import type { RequestState } from '../http/state.ts';
import { query } from '../core/db.ts';
import { AccessTokenError, type AccessTokens, type VerifiedAccessToken } from './access-tokens.ts';
import { actorName, type Principal, type Role } from './principal.ts';
import { ROUTE_POLICY } from './route-policy.ts';
import { sameSecret } from './opaque-secrets.ts';

/** Why a request was refused. */
export type AuthFailure = 'missing' | 'invalid' | 'expired' | 'revoked';

export interface AuthenticateOptions {
  /** The bootstrap token; null when ADMIN_TOKEN_ENABLED=false. */
  adminToken: string | null;
  tokens: AccessTokens;
  now: () => Date;
}

/** The principal of the bootstrap ADMIN_TOKEN. */
export const BOOTSTRAP_PRINCIPAL: Principal = Object.freeze({ kind: 'bootstrap', id: 'admin-token', name: 'admin-token', role: 'bootstrap', departments: Object.freeze([]) });

// `METHOD /path` of the public routes under /api (no path parameters among them).
const PUBLIC_API = new Set(Object.entries(ROUTE_POLICY).filter(([key, rule]) => rule === 'public' && key.includes(' /api/')).map(([key]) => key));

const refuse = (reason: AuthFailure): AppError => new AppError('UNAUTHORIZED', { reason });

function guarded(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/metrics';
}

export function authenticate(options: AuthenticateOptions): Middleware<RequestState> {
  return async (ctx, next) => {
    if (!guarded(ctx.path) || PUBLIC_API.has(`${ctx.method} ${ctx.path}`)) return next();
    const header = ctx.get('authorization');
    if (header === '') throw refuse('missing');
    const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header); // the scheme is case-insensitive (RFC 7235)
    if (!match?.[1]) throw refuse('invalid');
    const token = match[1];
    // Constant-time, so neither the bootstrap token's content nor its length leaks.
    const principal = options.adminToken !== null && sameSecret(token, options.adminToken)
      ? BOOTSTRAP_PRINCIPAL
      : await principalOf(ctx.state, options, token);
    ctx.state.principal = principal;
    ctx.state.actor = actorName(principal);
    await next();
  };
}

async function principalOf(state: RequestState, options: AuthenticateOptions, token: string): Promise<Principal> {
  let verified: VerifiedAccessToken;
  try {
    verified = await options.tokens.verify(token);
  } catch (error) {
    if (error instanceof AccessTokenError) throw refuse(error.reason);
    throw error;
  }
  return verified.kind === 'user' ? userPrincipal(state, verified.userId, verified.sessionId, options.now()) : clientPrincipal(state, verified.clientId, verified.secretVersion);
}

/** The user behind a session, read with the session in one query. */
async function userPrincipal(state: RequestState, userId: string, sessionId: string, now: Date): Promise<Principal> {
  const rows = await query<{ revoked_at: Date | null; expires_at: Date; login: string; role: string; departments: string[]; disabled: boolean }>(state.em,
    `SELECT s.revoked_at, s.expires_at, u.login, u.role, u.departments, u.disabled
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.user_id = $2`, [sessionId, userId]);
  const row = rows[0];
  if (!row || row.revoked_at !== null || row.disabled) throw refuse('revoked');
  if (new Date(row.expires_at) <= now) throw refuse('expired');
  return { kind: 'user', id: userId, name: row.login, role: row.role as Role, departments: row.departments, sessionId };
}

/** The client a token was issued to, if still enabled and still on the secret the token names. */
async function clientPrincipal(state: RequestState, clientId: string, secretVersion: number): Promise<Principal> {
  const rows = await query<{ departments: string[]; secret_version: number; disabled: boolean }>(state.em,
    'SELECT departments, secret_version, disabled FROM api_clients WHERE id = $1', [clientId]);
  const row = rows[0];
  if (!row || row.disabled || row.secret_version !== secretVersion) throw refuse('revoked');
  return { kind: 'client', id: clientId, name: clientId, role: 'departmentClient', departments: row.departments };
}
