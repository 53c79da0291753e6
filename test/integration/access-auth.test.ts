/**
 * Authentication end to end on a real node: sign-in with its throttle, refresh-token rotation and reuse
 * detection, logout, expiry by the node's clock, forged tokens, live effect of account changes,
 * the password policy, and API clients with client credentials and secret rotation.
 */
import { expect } from 'chai';
import { isoLocal } from '../../node/core/instants.ts';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { startTestNode, TEST_TOKEN, type TestNode } from '../support/test-node.ts';
import { as, createClient, createUser, login, VALID_PASSWORD } from '../support/access-fixtures.ts';
import { apiRequest, type ApiAnswer } from '../support/api-request.ts';
import { deriveKeyEncryptionKey, loadKeyRing } from '../../federation/keys/key-store.ts';
import { poolRunner } from '../../node/core/db.ts';

const T0 = '2026-03-02T10:00:00+08:00';
const OTHER_PASSWORD = 'Vb8$wN3^hT6&jY1c';

function expectError(answer: ApiAnswer, status: number, code: string): Record<string, unknown> {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.body.error.code, JSON.stringify(answer.body)).to.equal(code);
  return answer.body.error.details as Record<string, unknown>;
}

function expectRefused(answer: ApiAnswer, reason: string): void {
  expect(expectError(answer, 401, 'UNAUTHORIZED')).to.deep.equal({ reason });
}

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('integration: authentication (users, sessions, API clients)', function () {
  this.timeout(120_000);
  let node: TestNode;
  /** Calls without credentials, as a browser signing in does. */
  let anonymous: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiAnswer>;

  before(async () => {
    // TRUST_PROXY: the throttle tests sign in from several client addresses (X-Forwarded-For).
    node = await startTestNode({
      LOGIN_MAX_FAILURES: '3', LOCKOUT_SECONDS: '600', ACCESS_TOKEN_SECONDS: '300', REFRESH_TOKEN_SECONDS: '3600', RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
      RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE: '5', TRUST_PROXY: 'true',
    });
    anonymous = (method, path, body, headers) => apiRequest(node.url, null, method, path, body, headers);
    for (const code of ['D1', 'D2']) expect((await node.api('PUT', `/api/v1/departments/${code}`, { name: `部门 ${code}` })).status).to.equal(201);
  });

  after(async () => {
    await node?.close();
  });

  beforeEach(() => node.setNow(T0));

  const refresh = (refreshToken: string, requestId?: string): Promise<ApiAnswer> =>
    anonymous('POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, requestId ? { 'x-request-id': requestId } : {});

  async function auditEntryOrNull(requestId: string): Promise<Record<string, any> | null> {
    const answer = await node.api('GET', '/api/v1/audit?limit=500&action=POST%20%2Fapi%2Fv1%2Fauth%2Ftoken');
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return (answer.body.items as Record<string, any>[]).find((entry) => entry.requestId === requestId) ?? null;
  }

  async function auditEntry(requestId: string): Promise<Record<string, any>> {
    const entry = await auditEntryOrNull(requestId);
    expect(entry, `an audit entry for ${requestId}`).to.not.equal(null);
    return entry!;
  }

  describe('sign-in', () => {
    it('answers an access token, a refresh token and the user, never cached, never a hash', async () => {
      const user = await createUser(node, { role: 'departmentOfficer', departments: ['D1'] });
      const answer = await anonymous('POST', '/api/v1/auth/login', { login: user.login, password: user.password });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      expect(answer.body).to.have.keys(['accessToken', 'tokenType', 'expiresIn', 'refreshToken', 'refreshExpiresAt', 'user']);
      expect(answer.body).to.include({ tokenType: 'Bearer', expiresIn: 300, refreshExpiresAt: isoLocal(Date.parse(T0) + 3600_000) });
      expect(answer.body.user).to.include({ id: user.id, login: user.login, role: 'departmentOfficer', roleLabel: '部门经办人' });
      expect(JSON.stringify(answer.body)).to.not.match(/scrypt|passwordHash/);
      expect(decodeJwt(answer.body.accessToken)).to.include({ sub: user.id, iss: '610203', aud: '610203', kind: 'user' });

      const me = await as(node, answer.body.accessToken)('GET', '/api/v1/auth/me');
      expect(me.status).to.equal(200);
      expect(me.body).to.include({ kind: 'user', id: user.id, name: user.login, role: 'departmentOfficer', roleLabel: '部门经办人' });
      expect(me.body.departments).to.deep.equal(['D1']);
      expect(me.body.permissions).to.include('cases:read').and.not.include('users:admin');
    });

    it('answers a wrong password, an unknown login and a disabled account alike', async () => {
      const user = await createUser(node, { role: 'auditor' });
      const disabled = await createUser(node, { role: 'auditor' });
      expect((await node.api('PATCH', `/api/v1/users/${disabled.id}`, { disabled: true })).status).to.equal(200);
      const answers = [
        await anonymous('POST', '/api/v1/auth/login', { login: user.login, password: OTHER_PASSWORD }),
        await anonymous('POST', '/api/v1/auth/login', { login: 'nobody-here', password: VALID_PASSWORD }),
        await anonymous('POST', '/api/v1/auth/login', { login: disabled.login, password: disabled.password }),
      ];
      for (const answer of answers) expectError(answer, 401, 'LOGIN_FAILED');
      expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).to.equal(1);
    });

    describe('guessing is throttled by login and address, never by locking the account', () => {
      /** A sign-in from client address `from` (the node trusts the proxy's X-Forwarded-For here). */
      const signIn = (loginName: string, password: string, from: string, requestId?: string) =>
        anonymous('POST', '/api/v1/auth/login', { login: loginName, password }, { 'x-forwarded-for': from, ...(requestId ? { 'x-request-id': requestId } : {}) });

      function expectThrottled(answer: ApiAnswer, maxSeconds: number): number {
        expect(expectError(answer, 429, 'RATE_LIMITED')).to.have.keys(['retryAfterSeconds']);
        const retryAfter = Number(answer.headers.get('retry-after'));
        expect(retryAfter).to.be.within(1, maxSeconds);
        expect(answer.body.error.details.retryAfterSeconds).to.equal(retryAfter);
        return retryAfter;
      }

      it('LOGIN_MAX_FAILURES tries from one address make that address wait LOCKOUT_SECONDS, the right password included; the owner elsewhere signs in', async () => {
        const user = await createUser(node, { role: 'nodeAdmin' });
        for (let attempt = 0; attempt < 3; attempt++) expectError(await signIn(user.login, OTHER_PASSWORD, '198.51.100.1'), 401, 'LOGIN_FAILED');
        expectThrottled(await signIn(user.login, user.password, '198.51.100.1', 'throttled-right'), 600);
        expectThrottled(await signIn(user.login.toUpperCase(), OTHER_PASSWORD, '198.51.100.1'), 600);
        // The owner, from another address, is not held up by the guessing; nor is the account locked for anyone.
        expect((await signIn(user.login, user.password, '198.51.100.2')).status).to.equal(200);
        expect((await node.api('GET', `/api/v1/users/${user.id}`)).body).to.not.have.any.keys('failedLogins', 'lockedUntil');
        const entry = (await node.api('GET', '/api/v1/audit?limit=500&action=POST%20%2Fapi%2Fv1%2Fauth%2Flogin')).body.items.find((item: { requestId: string }) => item.requestId === 'throttled-right');
        expect(entry).to.deep.include({ actor: `user:${user.login}`, status: 429, address: '198.51.100.1' });
        expect(entry.details).to.deep.equal({ outcome: 'throttled' });
      });

      it('a success from the address starts its count again', async () => {
        const user = await createUser(node, { role: 'supervisor' });
        for (const password of [OTHER_PASSWORD, OTHER_PASSWORD, user.password, OTHER_PASSWORD, OTHER_PASSWORD]) {
          expect((await signIn(user.login, password, '198.51.100.3')).status).to.equal(password === user.password ? 200 : 401);
        }
        expect((await signIn(user.login, user.password, '198.51.100.3')).status).to.equal(200);
      });

      it('answers an unknown login exactly as a known one, throttled included, so neither the answer nor a lock tells which exists', async () => {
        const admin = await createUser(node, { role: 'nodeAdmin' });
        const sequence = async (loginName: string, from: string) => {
          const answers = [];
          for (let attempt = 0; attempt < 5; attempt++) answers.push(await signIn(loginName, OTHER_PASSWORD, from));
          return answers.map((answer) => ({
            status: answer.status, code: answer.body.error.code, message: answer.body.error.message,
            details: Object.keys(answer.body.error.details), retryAfter: answer.headers.has('retry-after'),
          }));
        };
        const known = await sequence(admin.login, '198.51.100.4');
        const unknown = await sequence('nobody-at-all', '198.51.100.5');
        expect(known.map((answer) => answer.status)).to.deep.equal([401, 401, 401, 429, 429]);
        expect(unknown).to.deep.equal(known);
      });

      it('limits failed tries per login across addresses (RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE), so many addresses get no more tries than one', async () => {
        const user = await createUser(node, { role: 'nodeAdmin' });
        const statuses: number[] = [];
        // Three addresses, two guesses each: none reaches its own limit, together they pass the login's five a minute.
        for (const from of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
          for (let attempt = 0; attempt < 2; attempt++) statuses.push((await signIn(user.login, OTHER_PASSWORD, from)).status);
        }
        expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429]);
        expectThrottled(await signIn(user.login, OTHER_PASSWORD, '203.0.113.4'), 60);
        const unknown = [];
        for (const from of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) for (let attempt = 0; attempt < 2; attempt++) unknown.push((await signIn('nobody-at-all-2', OTHER_PASSWORD, from)).status);
        expect(unknown, 'an unknown login alike').to.deep.equal(statuses);
      });

      it('an administrator\'s unlock lifts the throttle of the login from every address', async () => {
        const user = await createUser(node, { role: 'supervisor' });
        for (const from of ['198.51.100.6', '198.51.100.7']) {
          for (let attempt = 0; attempt < 3; attempt++) await signIn(user.login, OTHER_PASSWORD, from);
          expectThrottled(await signIn(user.login, user.password, from), 600);
        }
        expect((await node.api('PATCH', `/api/v1/users/${user.id}`, { unlock: true })).status).to.equal(200);
        for (const from of ['198.51.100.6', '198.51.100.7']) expect((await signIn(user.login, user.password, from)).status).to.equal(200);
      });

      it('the current password of a change is throttled the same way', async () => {
        const user = await createUser(node, { role: 'auditor' });
        const api = as(node, (await login(node, user.login, user.password)).accessToken);
        const change = (currentPassword: string) => api('POST', '/api/v1/auth/password', { currentPassword, newPassword: OTHER_PASSWORD }, { 'x-forwarded-for': '198.51.100.8' });
        for (let attempt = 0; attempt < 3; attempt++) expectError(await change('Wrong#Current-2026'), 403, 'WRONG_PASSWORD');
        expectThrottled(await change(user.password), 600);
        // Sign-in from that address for that login waits too; elsewhere it does not.
        expectThrottled(await signIn(user.login, user.password, '198.51.100.8'), 600);
        expect((await signIn(user.login, user.password, '198.51.100.9')).status).to.equal(200);
      });
    });

    it('checks the body and ignores a token sent with it', async () => {
      expectError(await anonymous('POST', '/api/v1/auth/login', { login: 'x' }), 400, 'VALIDATION_FAILED');
      expectError(await anonymous('POST', '/api/v1/auth/login', { login: 'x', password: 'y', remember: true }), 400, 'VALIDATION_FAILED');
      expectError(await apiRequest(node.url, 'garbage', 'POST', '/api/v1/auth/login', { login: 'nobody-here', password: 'y' }), 401, 'LOGIN_FAILED');
    });
  });

  describe('sessions', () => {
    it('rotates the refresh token; the old one presented again ends the whole session', async () => {
      const user = await createUser(node, { role: 'auditor' });
      const first = await login(node, user.login, user.password);
      node.setNow(new Date(Date.parse(T0) + 60_000));
      const refreshed = await anonymous('POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: first.refreshToken });
      expect(refreshed.status, JSON.stringify(refreshed.body)).to.equal(200);
      expect(refreshed.body).to.have.keys(['access_token', 'token_type', 'expires_in', 'refresh_token']);
      expect(refreshed.body).to.include({ token_type: 'Bearer', expires_in: 300 });
      expect(refreshed.body.refresh_token).to.not.equal(first.refreshToken);
      expect(decodeJwt(refreshed.body.access_token).sid).to.equal(decodeJwt(first.accessToken).sid);
      expect((await as(node, refreshed.body.access_token)('GET', '/api/v1/auth/me')).status).to.equal(200);

      // The rotated-away token comes back: someone else has it. Everything of the session ends.
      expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: first.refreshToken }), 401, 'INVALID_GRANT');
      expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token }), 401, 'INVALID_GRANT');
      expectRefused(await as(node, refreshed.body.access_token)('GET', '/api/v1/auth/me'), 'revoked');
      expectRefused(await as(node, first.accessToken)('GET', '/api/v1/auth/me'), 'revoked');
      // Other sessions of the user are untouched.
      expect((await login(node, user.login, user.password)).accessToken).to.be.a('string');
    });

    it('any spent token of a session, however many rotations back, ends the whole session (the token family), recorded in the trail', async () => {
      const user = await createUser(node, { role: 'auditor' });
      const victim = await login(node, user.login, user.password);
      // A thief who copied R0 refreshes twice: R0 -> R1 -> R2.
      const r1 = await refresh(victim.refreshToken);
      const r2 = await refresh(r1.body.refresh_token);
      expect([r1.status, r2.status]).to.deep.equal([200, 200]);

      // The victim presents R0, two generations back: the session ends, the thief's newest tokens with it.
      expectError(await refresh(victim.refreshToken, 'family-reuse-r0'), 401, 'INVALID_GRANT');
      expectError(await refresh(r2.body.refresh_token), 401, 'INVALID_GRANT');
      expectRefused(await as(node, r2.body.access_token)('GET', '/api/v1/auth/me'), 'revoked');
      expectRefused(await as(node, victim.accessToken)('GET', '/api/v1/auth/me'), 'revoked');
      const entry = await auditEntry('family-reuse-r0');
      expect(entry).to.deep.include({ actor: `user:${user.login}`, record: `user:${user.id}`, action: 'POST /api/v1/auth/token', status: 401 });
      expect(entry.details).to.deep.equal({ outcome: 'reused', session: decodeJwt(victim.accessToken).sid });
      // Every spent token of the family is recognised, R1 too.
      expectError(await refresh(r1.body.refresh_token, 'family-reuse-r1'), 401, 'INVALID_GRANT');
      expect((await auditEntry('family-reuse-r1')).details).to.include({ outcome: 'reused' });
      // Other sessions of the user are untouched.
      expect((await login(node, user.login, user.password)).accessToken).to.be.a('string');
    });

    it('a spent token presented after logout is recorded as reuse; the current one is merely invalid', async () => {
      const user = await createUser(node, { role: 'auditor' });
      const session = await login(node, user.login, user.password);
      const r1 = await refresh(session.refreshToken);
      const r2 = await refresh(r1.body.refresh_token);
      expect((await as(node, r2.body.access_token)('POST', '/api/v1/auth/logout')).status).to.equal(204);
      expectError(await refresh(session.refreshToken, 'after-logout-r0'), 401, 'INVALID_GRANT');
      expectError(await refresh(r2.body.refresh_token, 'after-logout-r2'), 401, 'INVALID_GRANT');
      expect((await auditEntry('after-logout-r0')).details).to.include({ outcome: 'reused' });
      // The current token of an ended session names nobody: no entry.
      expect(await auditEntryOrNull('after-logout-r2')).to.equal(null);
    });

    it('refreshes racing with one token: one wins, the others are reuse and end the session', async () => {
      const user = await createUser(node, { role: 'auditor' });
      const session = await login(node, user.login, user.password);
      const answers = await Promise.all(Array.from({ length: 4 }, () => refresh(session.refreshToken)));
      const winners = answers.filter((answer) => answer.status === 200);
      expect(winners, JSON.stringify(answers.map((answer) => answer.body))).to.have.length(1);
      for (const answer of answers.filter((candidate) => candidate.status !== 200)) expectError(answer, 401, 'INVALID_GRANT');
      expectError(await refresh(winners[0]!.body.refresh_token), 401, 'INVALID_GRANT');
      expectRefused(await as(node, winners[0]!.body.access_token)('GET', '/api/v1/auth/me'), 'revoked');
    });

    it('forgets a family\'s spent tokens at the next sign-in once its session has run out', async () => {
      const user = await createUser(node, { role: 'auditor' });
      const session = await login(node, user.login, user.password);
      expect((await refresh(session.refreshToken)).status).to.equal(200);
      const spentOf = async (sid: unknown): Promise<number> => Number((await poolRunner(node.node.orm).query<{ n: string }>('SELECT count(*) AS n FROM spent_refresh_tokens WHERE session_id = $1', [sid]))[0]!.n);
      const sid = decodeJwt(session.accessToken).sid;
      expect(await spentOf(sid)).to.equal(1);
      node.setNow(new Date(Date.parse(T0) + 3599_000));
      await login(node, user.login, user.password);
      expect(await spentOf(sid), 'still live: kept').to.equal(1);
      node.setNow(new Date(Date.parse(T0) + 3600_000));
      await login(node, user.login, user.password);
      expect(await spentOf(sid), 'run out: forgotten').to.equal(0);
    });

    it('refuses a refresh after the session\'s end, and an unknown token', async () => {
      const user = await createUser(node, { role: 'auditor' });
      const session = await login(node, user.login, user.password);
      node.setNow(new Date(Date.parse(T0) + 3600_000));
      expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: session.refreshToken }), 401, 'INVALID_GRANT');
      expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: 'rt_made-up' }), 401, 'INVALID_GRANT');
    });

    it('logout refuses both of the session\'s tokens afterwards', async () => {
      const user = await createUser(node, { role: 'supervisor' });
      const session = await login(node, user.login, user.password);
      const other = await login(node, user.login, user.password);
      expect((await as(node, session.accessToken)('POST', '/api/v1/auth/logout')).status).to.equal(204);
      expectRefused(await as(node, session.accessToken)('GET', '/api/v1/auth/me'), 'revoked');
      expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: session.refreshToken }), 401, 'INVALID_GRANT');
      expect((await as(node, other.accessToken)('GET', '/api/v1/auth/me')).status).to.equal(200);
      expectError(await node.api('POST', '/api/v1/auth/logout'), 409, 'NOT_A_USER');
    });

    it('an access token past its exp (by the node clock) is refused as expired', async () => {
      const user = await createUser(node, { role: 'supervisor' });
      const { accessToken } = await login(node, user.login, user.password);
      const { exp } = decodeJwt(accessToken);
      node.setNow(new Date((exp! - 1) * 1000));
      expect((await as(node, accessToken)('GET', '/api/v1/auth/me')).status).to.equal(200);
      node.setNow(new Date(exp! * 1000));
      expectRefused(await as(node, accessToken)('GET', '/api/v1/auth/me'), 'expired');
    });

    it('an administrator can end all sessions of a user', async () => {
      const user = await createUser(node, { role: 'supervisor' });
      const { accessToken, refreshToken } = await login(node, user.login, user.password);
      expect((await node.api('DELETE', `/api/v1/users/${user.id}/sessions`)).status).to.equal(204);
      expectRefused(await as(node, accessToken)('GET', '/api/v1/auth/me'), 'revoked');
      expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }), 401, 'INVALID_GRANT');
    });
  });

  describe('tokens that are not ours', () => {
    let genuine: string;

    before(async () => {
      const user = await createUser(node, { role: 'supervisor' });
      genuine = (await login(node, user.login, user.password)).accessToken;
    });

    it('accepts the genuine token, before and after a key rotation', async () => {
      expect((await as(node, genuine)('GET', '/api/v1/auth/me')).status).to.equal(200);
      expect((await node.api('POST', '/api/v1/federation/keys/rotate')).status).to.be.oneOf([200, 201]);
      expect((await as(node, genuine)('GET', '/api/v1/auth/me')).status).to.equal(200);
    });

    it('refuses one signed by another Ed25519 key under the node\'s kid', async () => {
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const forged = await new SignJWT(decodeJwt(genuine)).setProtectedHeader(decodeProtectedHeader(genuine) as { alg: string }).sign(privateKey);
      expectRefused(await as(node, forged)('GET', '/api/v1/auth/me'), 'invalid');
    });

    it('refuses alg none and HS256 keyed with the node\'s public key', async () => {
      const header = decodeProtectedHeader(genuine);
      const claims = decodeJwt(genuine);
      expectRefused(await as(node, `${segment({ ...header, alg: 'none' })}.${segment(claims)}.`)('GET', '/api/v1/auth/me'), 'invalid');
      const jwks = (await anonymous('GET', '/.well-known/jwks.json')).body as { keys: { kid: string; x: string }[] };
      const jwk = jwks.keys.find((key) => key.kid === header.kid)!;
      for (const secret of [Buffer.from(jwk.x, 'base64url'), new TextEncoder().encode(JSON.stringify(jwk))]) {
        const hs = await new SignJWT(claims).setProtectedHeader({ ...header, alg: 'HS256' }).sign(secret);
        expectRefused(await as(node, hs)('GET', '/api/v1/auth/me'), 'invalid');
      }
    });

    it('refuses an altered payload', async () => {
      const [header, , signature] = genuine.split('.');
      const claims = decodeJwt(genuine);
      for (const altered of [{ ...claims, exp: claims.exp! + 86400 }, { ...claims, kind: 'bootstrap' }, { ...claims, sub: 'admin-token' }]) {
        expectRefused(await as(node, `${header}.${segment(altered)}.${signature}`)('GET', '/api/v1/auth/me'), 'invalid');
      }
    });

    it('refuses a token the node\'s own key signed for another node', async () => {
      const ring = (await loadKeyRing(poolRunner(node.node.orm), await deriveKeyEncryptionKey('test-node-key-secret-0123456789')))!;
      const claims = decodeJwt(genuine);
      const header = { alg: 'EdDSA', kid: ring.currentKid, typ: 'at+jwt' };
      const signed = (payload: Record<string, unknown>) => new SignJWT(payload).setProtectedHeader(header).sign(ring.current.privateKey());
      // Same claims re-signed with the node key: accepted, which shows the key is the node's ...
      expect((await as(node, await signed({ ...claims }))('GET', '/api/v1/auth/me')).status).to.equal(200);
      // ... and only the audience or issuer differ here.
      expectRefused(await as(node, await signed({ ...claims, aud: '610200' }))('GET', '/api/v1/auth/me'), 'invalid');
      expectRefused(await as(node, await signed({ ...claims, iss: '610200' }))('GET', '/api/v1/auth/me'), 'invalid');
    });
  });

  describe('account changes act on the next request', () => {
    it('a disabled user\'s live token is refused', async () => {
      const user = await createUser(node, { role: 'supervisor' });
      const { accessToken, refreshToken } = await login(node, user.login, user.password);
      expect((await node.api('PATCH', `/api/v1/users/${user.id}`, { disabled: true })).body.disabled).to.equal(true);
      expectRefused(await as(node, accessToken)('GET', '/api/v1/auth/me'), 'revoked');
      expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }), 401, 'INVALID_GRANT');
      expect((await node.api('PATCH', `/api/v1/users/${user.id}`, { disabled: false })).status).to.equal(200);
      expect((await login(node, user.login, user.password)).accessToken).to.be.a('string');
    });

    it('a new role and new departments apply to the same token', async () => {
      const user = await createUser(node, { role: 'departmentOfficer', departments: ['D1'] });
      const api = as(node, (await login(node, user.login, user.password)).accessToken);
      expectError(await api('GET', '/api/v1/users'), 403, 'FORBIDDEN');
      expect((await node.api('PATCH', `/api/v1/users/${user.id}`, { departments: ['D2'] })).body.departments).to.deep.equal(['D2']);
      expect((await api('GET', '/api/v1/auth/me')).body.departments).to.deep.equal(['D2']);
      const promoted = await node.api('PATCH', `/api/v1/users/${user.id}`, { role: 'nodeAdmin' });
      expect(promoted.body).to.include({ role: 'nodeAdmin' });
      expect(promoted.body.departments).to.deep.equal([]);
      expect((await api('GET', '/api/v1/users')).status).to.equal(200);
    });
  });

  describe('accounts', () => {
    it('checks role, departments, login and password on creation', async () => {
      const base = { login: 'checker-1', name: '甲', role: 'supervisor', password: VALID_PASSWORD };
      expect(expectError(await node.api('POST', '/api/v1/users', { ...base, role: 'bootstrap' }), 400, 'VALIDATION_FAILED').field).to.equal('/role');
      expect(expectError(await node.api('POST', '/api/v1/users', { ...base, login: 'Has Space' }), 400, 'VALIDATION_FAILED').field).to.equal('/login');
      expect(expectError(await node.api('POST', '/api/v1/users', { ...base, passwordHash: 'x' }), 400, 'VALIDATION_FAILED').field).to.equal('/passwordHash');
      expect(expectError(await node.api('POST', '/api/v1/users', { ...base, departments: ['D1'] }), 422, 'ROLE_DEPARTMENTS').field).to.equal('departments');
      expect(expectError(await node.api('POST', '/api/v1/users', { ...base, role: 'departmentLeader' }), 422, 'ROLE_DEPARTMENTS').field).to.equal('departments');
      expect(expectError(await node.api('POST', '/api/v1/users', { ...base, role: 'departmentLeader', departments: ['D1', 'D9'] }), 422, 'UNKNOWN_DEPARTMENT'))
        .to.deep.equal({ field: 'departments', departments: ['D9'] });
      const weak = expectError(await node.api('POST', '/api/v1/users', { ...base, password: 'checker-1-Password!' }), 422, 'WEAK_PASSWORD');
      expect(weak.field).to.equal('password');
      expect(weak.problems).to.deep.equal(['containsLogin']);
      expect((await node.api('GET', '/api/v1/users')).body.items.map((u: { login: string }) => u.login)).to.not.include('checker-1');

      expect((await node.api('POST', '/api/v1/users', base)).status).to.equal(201);
      expect(expectError(await node.api('POST', '/api/v1/users', { ...base, name: '乙' }), 409, 'LOGIN_TAKEN').field).to.equal('login');
    });

    it('lists users without hashes, page by page', async () => {
      await createUser(node, { role: 'auditor' });
      const first = await node.api('GET', '/api/v1/users?limit=1');
      expect(first.body.items).to.have.length(1);
      expect(first.body.nextCursor).to.be.a('string');
      const second = await node.api('GET', `/api/v1/users?limit=1&cursor=${first.body.nextCursor}`);
      expect(second.body.items[0].login > first.body.items[0].login).to.equal(true);
      expect(JSON.stringify(first.body) + JSON.stringify(second.body)).to.not.match(/scrypt|passwordHash/);
      expectError(await node.api('GET', '/api/v1/users/not-a-uuid'), 404, 'NOT_FOUND');
    });

    it('changing one\'s own password checks the current one and the policy, and ends the other sessions', async () => {
      const user = await createUser(node, { role: 'auditor' });
      const here = await login(node, user.login, user.password);
      const elsewhere = await login(node, user.login, user.password);
      const api = as(node, here.accessToken);
      expect(expectError(await api('POST', '/api/v1/auth/password', { currentPassword: OTHER_PASSWORD, newPassword: OTHER_PASSWORD }), 403, 'WRONG_PASSWORD').field).to.equal('currentPassword');
      expect(expectError(await api('POST', '/api/v1/auth/password', { currentPassword: user.password, newPassword: 'short' }), 422, 'WEAK_PASSWORD').field).to.equal('newPassword');
      expect((await api('POST', '/api/v1/auth/password', { currentPassword: user.password, newPassword: OTHER_PASSWORD })).status).to.equal(204);
      expect((await api('GET', '/api/v1/auth/me')).status).to.equal(200);
      expectRefused(await as(node, elsewhere.accessToken)('GET', '/api/v1/auth/me'), 'revoked');
      expectError(await anonymous('POST', '/api/v1/auth/login', { login: user.login, password: user.password }), 401, 'LOGIN_FAILED');
      expect((await login(node, user.login, OTHER_PASSWORD)).accessToken).to.be.a('string');
    });

    it('an administrator\'s new password for a user ends that user\'s sessions', async () => {
      const user = await createUser(node, { role: 'auditor' });
      const { accessToken } = await login(node, user.login, user.password);
      expectError(await node.api('PATCH', `/api/v1/users/${user.id}`, { password: 'weak' }), 422, 'WEAK_PASSWORD');
      expect((await as(node, accessToken)('GET', '/api/v1/auth/me')).status).to.equal(200);
      expect((await node.api('PATCH', `/api/v1/users/${user.id}`, { password: OTHER_PASSWORD })).status).to.equal(200);
      expectRefused(await as(node, accessToken)('GET', '/api/v1/auth/me'), 'revoked');
      expect((await login(node, user.login, OTHER_PASSWORD)).accessToken).to.be.a('string');
    });
  });

  describe('API clients', () => {
    it('shows the secret once and authenticates with it in the body or by HTTP Basic', async () => {
      const created = await node.api('POST', '/api/v1/clients', { name: '不动产登记系统', departments: ['D1'] });
      expect(created.status).to.equal(201);
      expect(created.body.clientId).to.match(/^c_[0-9a-f]{24}$/);
      expect(created.body.clientSecret).to.be.a('string').with.length.above(40);
      const { clientId, clientSecret } = created.body as { clientId: string; clientSecret: string };
      const listed = await node.api('GET', '/api/v1/clients');
      expect(JSON.stringify(listed.body)).to.include(clientId).and.not.include(clientSecret);
      expect(listed.body.items.find((c: { clientId: string }) => c.clientId === clientId)).to.not.have.any.keys('clientSecret', 'secretHash');

      const byBody = await anonymous('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
      expect(byBody.status, JSON.stringify(byBody.body)).to.equal(200);
      expect(byBody.body).to.have.keys(['access_token', 'token_type', 'expires_in']);
      expect(byBody.body).to.include({ token_type: 'Bearer', expires_in: 300 });
      // A client's role (departmentClient) reads its rejections and sends events; it has no `self` routes.
      expect((await as(node, byBody.body.access_token)('GET', '/api/v1/rejections')).status).to.equal(200);
      expectError(await as(node, byBody.body.access_token)('GET', '/api/v1/auth/me'), 403, 'FORBIDDEN');

      const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
      const byBasic = await anonymous('POST', '/api/v1/auth/token', { grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
      expect(byBasic.status, JSON.stringify(byBasic.body)).to.equal(200);
      expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }, { authorization: `Basic ${basic}` }), 400, 'VALIDATION_FAILED');
    });

    it('refuses a wrong secret, an unknown client and missing credentials alike', async () => {
      const { clientId, clientSecret } = await createClient(node, ['D1']);
      for (const body of [{ client_id: clientId, client_secret: `${clientSecret}x` }, { client_id: 'c_000000000000000000000000', client_secret: clientSecret }, {}]) {
        expect(expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', ...body }), 401, 'INVALID_CLIENT')).to.deep.equal({});
      }
      const badBasic = await anonymous('POST', '/api/v1/auth/token', { grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(`${clientId}:nope`).toString('base64')}` });
      expectError(badBasic, 401, 'INVALID_CLIENT');
      expect(badBasic.headers.get('www-authenticate')).to.match(/^Basic /);
    });

    it('a disabled client\'s token and credentials are refused until it is enabled again', async () => {
      const { clientId, clientSecret } = await createClient(node, ['D1']);
      const token = (await anonymous('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })).body.access_token as string;
      expect((await node.api('PATCH', `/api/v1/clients/${clientId}`, { disabled: true })).body.disabled).to.equal(true);
      expectRefused(await as(node, token)('GET', '/api/v1/rejections'), 'revoked');
      expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }), 401, 'INVALID_CLIENT');
      expect((await node.api('PATCH', `/api/v1/clients/${clientId}`, { disabled: false, departments: ['D1', 'D2'] })).body.departments).to.deep.equal(['D1', 'D2']);
      expect((await as(node, token)('GET', '/api/v1/rejections')).status).to.equal(200);
    });

    it('a new secret retires the old secret and every token issued under it', async () => {
      const { clientId, clientSecret } = await createClient(node, ['D2']);
      const oldToken = (await anonymous('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })).body.access_token as string;
      const rotated = await node.api('POST', `/api/v1/clients/${clientId}/secret`);
      expect(rotated.status).to.equal(200);
      expect(rotated.body).to.include({ clientId, secretVersion: 2 });
      expect(rotated.body.clientSecret).to.not.equal(clientSecret);
      expectRefused(await as(node, oldToken)('GET', '/api/v1/rejections'), 'revoked');
      expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }), 401, 'INVALID_CLIENT');
      const fresh = await anonymous('POST', '/api/v1/auth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: rotated.body.clientSecret });
      expect((await as(node, fresh.body.access_token)('GET', '/api/v1/rejections')).status).to.equal(200);
    });

    it('the token endpoint takes the form-encoded body RFC 6749 specifies, as well as JSON, with the same checks and errors', async () => {
      const form = (fields: Record<string, string> | string, headers: Record<string, string> = {}) =>
        anonymous('POST', '/api/v1/auth/token', typeof fields === 'string' ? fields : new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded', ...headers });
      const { clientId, clientSecret } = await createClient(node, ['D1']);
      const byForm = await form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
      expect(byForm.status, JSON.stringify(byForm.body)).to.equal(200);
      expect(byForm.body).to.have.keys(['access_token', 'token_type', 'expires_in']);
      expect((await as(node, byForm.body.access_token)('GET', '/api/v1/rejections')).status).to.equal(200);
      // With a charset, and with HTTP Basic (the client authentication RFC 6749 2.3.1 prefers).
      const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
      expect((await form('grant_type=client_credentials', { authorization: basic, 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' })).status).to.equal(200);
      // A parameter without a value counts as omitted (RFC 6749 3.1): here Basic carries the credentials.
      expect((await form('grant_type=client_credentials&client_id=&client_secret=', { authorization: basic })).status).to.equal(200);

      const user = await createUser(node, { role: 'auditor' });
      const session = await login(node, user.login, user.password);
      const refreshed = await form({ grant_type: 'refresh_token', refresh_token: session.refreshToken });
      expect(refreshed.status, JSON.stringify(refreshed.body)).to.equal(200);
      expect(refreshed.body).to.have.keys(['access_token', 'token_type', 'expires_in', 'refresh_token']);
      // The spent token again, as a form: reuse, the session ends.
      expectError(await form({ grant_type: 'refresh_token', refresh_token: session.refreshToken }), 401, 'INVALID_GRANT');
      expectError(await form({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token }), 401, 'INVALID_GRANT');

      // The same refusals, naming the same fields, as the JSON body gets.
      const sameAsJson = async (fields: Record<string, string>, status: number, code: string): Promise<void> => {
        const asForm = await form(fields);
        const asJson = await anonymous('POST', '/api/v1/auth/token', fields);
        expectError(asForm, status, code);
        expect(asForm.body, JSON.stringify(fields)).to.deep.equal(asJson.body);
      };
      await sameAsJson({ grant_type: 'password', username: 'a', password: 'b' }, 400, 'UNSUPPORTED_GRANT_TYPE');
      await sameAsJson({}, 400, 'VALIDATION_FAILED');
      await sameAsJson({ grant_type: 'refresh_token' }, 400, 'VALIDATION_FAILED');
      await sameAsJson({ grant_type: 'refresh_token', refresh_token: 'rt_made-up', scope: 'all' }, 400, 'VALIDATION_FAILED');
      await sameAsJson({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientSecret}x` }, 401, 'INVALID_CLIENT');
      await sameAsJson({ grant_type: 'refresh_token', refresh_token: 'rt_made-up' }, 401, 'INVALID_GRANT');
      await sameAsJson({ grant_type: 'refresh_token', refresh_token: 'a\u0000b' }, 400, 'INVALID_TEXT');

      // What only a form can say: a repeated parameter (RFC 6749 3.2), another charset, a key that is no parameter.
      expect(expectError(await form(`grant_type=client_credentials&client_id=${clientId}&client_id=${clientId}&client_secret=${clientSecret}`), 400, 'VALIDATION_FAILED').field).to.equal('/client_id');
      expect(expectError(await form('grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' }), 415, 'UNSUPPORTED_MEDIA_TYPE').field).to.equal('Content-Type');
      expect(expectError(await form('__proto__=x&grant_type=refresh_token&refresh_token=x'), 400, 'VALIDATION_FAILED').field).to.equal('/');
      expect(expectError(await form('grant_type=refresh_token&refresh_token=x&refresh_token[a]=x'), 400, 'VALIDATION_FAILED').field).to.equal('/refresh_token[a]');
      expectError(await form(`grant_type=refresh_token&refresh_token=${'x'.repeat(20_000)}`), 400, 'VALIDATION_FAILED');
      // Sign-in and every other route keep taking JSON only.
      expectError(await anonymous('POST', '/api/v1/auth/login', `login=${user.login}&password=x`, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('checks client bodies and grant types', async () => {
      expect(expectError(await node.api('POST', '/api/v1/clients', { name: '系统', departments: [] }), 400, 'VALIDATION_FAILED').field).to.equal('/departments');
      expectError(await node.api('POST', '/api/v1/clients', { name: '系统', departments: ['D9'] }), 422, 'UNKNOWN_DEPARTMENT');
      expectError(await node.api('PATCH', '/api/v1/clients/c_nope', { name: 'x' }), 404, 'NOT_FOUND');
      expect(expectError(await anonymous('POST', '/api/v1/auth/token', { grant_type: 'password', username: 'a', password: 'b' }), 400, 'UNSUPPORTED_GRANT_TYPE').field).to.equal('grant_type');
      expect(expectError(await anonymous('POST', '/api/v1/auth/token', {}), 400, 'VALIDATION_FAILED').field).to.equal('/grant_type');
    });
  });

  it('the bootstrap token is still every permission while ADMIN_TOKEN is enabled', async () => {
    const me = await apiRequest(node.url, TEST_TOKEN, 'GET', '/api/v1/auth/me');
    expect(me.body).to.include({ kind: 'bootstrap', role: 'bootstrap', roleLabel: '初始管理令牌', user: null });
  });
});
