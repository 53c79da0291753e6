/**
 * `/api/v1/auth/*`: signing in (login), the token endpoint (refresh, client credentials),
 * signing out, who am I, and changing one's own password. Login and token are public routes;
 * their answers are never cached (RFC 6749 section 5.1).
 */
import { isoLocal } from '../core/instants.ts';
import type { Settings } from '../config/settings.ts';
import { AppError } from '../core/errors.ts';
import { defineRoute, publishedBody, type RouteShape } from '../core/route-contract.ts';
import { assertSchema } from '../http/validation.ts';
import type { AccessTokens } from './access-tokens.ts';
import { presentPrincipal, presentUser } from './access-presenters.ts';
import { checkLogin, checkPassword } from './password-check.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import { rateLimited } from '../http/rate-limit.ts';
import { assertPasswordPolicy, hashPassword } from './passwords.ts';
import { openSession, refreshSession, revokeSession, revokeUserSessions } from './sessions.ts';
import { findUser, setPassword } from './user-service.ts';
import { clientCredentialsGrant } from './client-grant.ts';
import type { Principal } from './principal.ts';

export interface AuthRouteDeps {
  tokens: AccessTokens;
  settings: Pick<Settings, 'refreshTokenSeconds'>;
  /** Counts password tries by login and address (sign-in and the current password of a change). */
  throttle: SignInThrottle;
  now: () => Date;
}

const GRANT_TYPES = ['refresh_token', 'client_credentials'];

/** The signed-in user's principal, or NOT_A_USER for the bootstrap token and API clients. */
function userOf(principal: Principal | undefined): Principal & { sessionId: string } {
  if (principal?.kind !== 'user' || principal.sessionId === undefined) throw new AppError('NOT_A_USER', { kind: principal?.kind ?? null });
  return principal as Principal & { sessionId: string };
}

export function authRoutes(deps: AuthRouteDeps): RouteShape[] {
  const login = defineRoute({
    method: 'POST', path: '/auth/login', summary: '用户登录 (sign in with login and password)', body: publishedBody<{ login: string; password: string }>('access/login.schema.json'),
    handler: async (ctx) => {
      const { login, password } = ctx.input.body;
      const now = deps.now();
      const address = ctx.ip || 'unknown';
      // A refused sign-in is answered only once its trail entry is stored (503 otherwise): no guess goes unrecorded.
      ctx.state.keepWritesOnRefusal();
      // Named as people are everywhere else in the trail, so one filter finds a person's sign-ins too.
      // Throttled before any lookup, so a known and an unknown login are refused alike.
      ctx.state.audit = { actor: `user:${login}`, details: { outcome: 'throttled' } };
      const admission = await deps.throttle.admit(login, address);
      if (!admission.admitted) throw rateLimited(ctx, admission.retryAfterMs);
      const verdict = await checkLogin(ctx.state.em, login, password);
      ctx.state.audit = { actor: `user:${login}`, ...(verdict.user ? { record: `user:${verdict.user.id}` } : {}), details: { outcome: verdict.outcome } };
      if (verdict.outcome === 'failed') throw new AppError('LOGIN_FAILED');
      ctx.state.afterCommit(() => deps.throttle.succeeded(login, address));
      const session = await openSession(ctx.state.em, verdict.user.id, now, deps.settings.refreshTokenSeconds, { address: ctx.ip || null, userAgent: ctx.get('user-agent') || null });
      const access = await deps.tokens.issueForUser(verdict.user.id, session.sessionId);
      ctx.body = {
        accessToken: access.token, tokenType: 'Bearer', expiresIn: access.expiresIn,
        refreshToken: session.refreshToken, refreshExpiresAt: isoLocal(session.expiresAt), user: presentUser(verdict.user),
      };
    },
  });

  // The grant type picks the schema (token-refresh or token-client): an unknown one is UNSUPPORTED_GRANT_TYPE (RFC 6749 5.2).
  // JSON or the form encoding RFC 6749 specifies for this endpoint: both arrive as one object.
  const token = defineRoute({
    method: 'POST', path: '/auth/token', summary: '令牌端点: 刷新令牌或客户端凭证 (token endpoint: refresh_token or client_credentials)', body: 'jsonOrForm',
    handler: async (ctx) => {
      const body = ctx.input.body as Record<string, unknown> | undefined;
      const grantType = typeof body === 'object' && body !== null ? body.grant_type : undefined;
      if (typeof grantType === 'string' && !GRANT_TYPES.includes(grantType)) {
        throw new AppError('UNSUPPORTED_GRANT_TYPE', { field: 'grant_type', allowed: GRANT_TYPES });
      }
      // Not a string: name grant_type itself, not whichever field the client schema trips on first.
      if (grantType !== undefined && typeof grantType !== 'string') throw new AppError('VALIDATION_FAILED', { field: '/grant_type', problem: `must be one of ${GRANT_TYPES.join(', ')}` });
      if (grantType === 'refresh_token') {
        assertSchema('access/token-refresh.schema.json', body);
        const refreshed = await refreshSession(ctx.state.em, (body as { refresh_token: string }).refresh_token, deps.now());
        if ('refused' in refreshed) {
          // A replayed token ends its session although the answer is a refusal.
          ctx.state.keepWritesOnRefusal();
          // A replayed token is a theft signal worth a trail entry; a merely unknown one names nobody.
          if (refreshed.refused === 'reused') ctx.state.audit = { actor: `user:${refreshed.login}`, record: `user:${refreshed.userId}`, details: { outcome: 'reused', session: refreshed.sessionId } };
          throw new AppError('INVALID_GRANT');
        }
        ctx.state.audit = { actor: `user:${refreshed.login}`, record: `user:${refreshed.userId}`, details: { outcome: 'ok', session: refreshed.sessionId } };
        const access = await deps.tokens.issueForUser(refreshed.userId, refreshed.sessionId);
        ctx.body = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, refresh_token: refreshed.refreshToken };
        return;
      }
      assertSchema('access/token-client.schema.json', body);
      const client = await clientCredentialsGrant(ctx, body as { client_id?: string; client_secret?: string }, deps.now());
      const access = await deps.tokens.issueForClient(client.id, client.secretVersion);
      ctx.body = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn };
    },
  });

  const logout = defineRoute({
    method: 'POST', path: '/auth/logout', summary: '退出登录 (sign out: end this session)', body: 'none', response: { status: 204 },
    handler: async (ctx) => {
      const principal = userOf(ctx.state.principal);
      await revokeSession(ctx.state.em, principal.sessionId, deps.now(), 'logout');
      ctx.state.audit = { record: `user:${principal.id}` };
      ctx.status = 204;
    },
  });

  const me = defineRoute({
    method: 'GET', path: '/auth/me', summary: '当前调用者 (who am I)',
    handler: async (ctx) => {
      const principal = ctx.state.principal!;
      const user = principal.kind === 'user' ? presentUser(await findUser(ctx.state.em, principal.id)) : null;
      ctx.body = { ...presentPrincipal(principal), user };
    },
  });

  const password = defineRoute({
    method: 'POST', path: '/auth/password', summary: '修改本人密码 (change one\'s own password)',
    body: publishedBody<{ currentPassword: string; newPassword: string }>('access/password-change.schema.json'), response: { status: 204 },
    handler: async (ctx) => {
      const principal = userOf(ctx.state.principal);
      const { currentPassword, newPassword } = ctx.input.body;
      const now = deps.now();
      const user = await findUser(ctx.state.em, principal.id);
      ctx.state.audit = { record: `user:${user.id}` };
      assertPasswordPolicy(newPassword, user.login, 'newPassword');
      // The current password is a guess like a sign-in's (a stolen access token must not make guessing free): same throttle.
      const address = ctx.ip || 'unknown';
      const admission = await deps.throttle.admit(user.login, address);
      if (!admission.admitted) throw rateLimited(ctx, admission.retryAfterMs);
      const verdict = await checkPassword(user, currentPassword);
      // Answered only once recorded, as a sign-in is.
      if (verdict.outcome !== 'ok') ctx.state.keepWritesOnRefusal();
      if (verdict.outcome === 'failed') throw new AppError('WRONG_PASSWORD', { field: 'currentPassword' });
      ctx.state.afterCommit(() => deps.throttle.succeeded(user.login, address));
      const passwordHash = await hashPassword(newPassword);
      await ctx.state.em.transactional(async (tx) => {
        await setPassword(tx, user.id, passwordHash, now);
        await revokeUserSessions(tx, user.id, now, 'passwordChanged', principal.sessionId);
      });
      ctx.status = 204;
    },
  });

  return [login, token, logout, me, password];
}
