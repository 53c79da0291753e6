/**
 * Who a demo loop is when it calls a node: a person signed in with login and password (access
 * token, renewed with the refresh token, signing in again when that is gone too), a department's
 * business system (client credentials), or the bootstrap token that sets the demo up. The demo
 * client asks for a bearer token before each request and reports a 401, so an expired token is
 * renewed and the request sent again; the audit trail then names the person or system.
 */
import type { HttpAnswer } from './demo-client.ts';

/** Posts a JSON body to the node without credentials (the sign-in routes are public). */
export type PostJson = (path: string, body: unknown) => Promise<HttpAnswer>;

/** Where a bearer token comes from. */
export interface Credentials {
  /** How the audit trail names the caller: `user:<login>`, `client:<id>` or `admin-token`. */
  readonly actor: string;
  /** A bearer token, signing in first when there is none. */
  bearer(post: PostJson): Promise<string>;
  /** The node answered 401 to `token`: the next bearer() gets a new one. */
  refused(token: string): void;
}

/** A sign-in the node refused; the message names the caller and the answer. */
export class SignInRefused extends Error {
  override name = 'SignInRefused';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(body: unknown, name: string): string | null {
  return isRecord(body) && typeof body[name] === 'string' ? body[name] : null;
}

function refusal(actor: string, step: string, answer: HttpAnswer): SignInRefused {
  const code = isRecord(answer.body) && isRecord(answer.body.error) ? String(answer.body.error.code) : '';
  return new SignInRefused(`${actor}: ${step} answered HTTP ${answer.status} ${code}`.trim());
}

/** The bootstrap token (ADMIN_TOKEN): for setting the demo up, not for its people. */
export function bootstrapToken(token: string): Credentials {
  return { actor: 'admin-token', bearer: () => Promise.resolve(token), refused: () => undefined };
}

/** Shares one sign-in among callers that ask at the same time. */
abstract class TokenHolder implements Credentials {
  abstract readonly actor: string;
  #token: string | null = null;
  #pending: Promise<string> | null = null;

  bearer(post: PostJson): Promise<string> {
    if (this.#token !== null) return Promise.resolve(this.#token);
    this.#pending ??= this.obtain(post).then((token) => {
      this.#token = token;
      return token;
    }).finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  refused(token: string): void {
    if (this.#token === token) this.#token = null;
  }

  /** A new access token. */
  protected abstract obtain(post: PostJson): Promise<string>;
}

/**
 * A person: `POST /api/v1/auth/login`, then `POST /api/v1/auth/token` (grant_type refresh_token)
 * whenever the access token is refused; when the refresh token is refused too (expired, or the
 * session was ended), signs in again.
 */
export class UserSession extends TokenHolder {
  readonly actor: string;
  readonly #login: string;
  readonly #password: string;
  #refreshToken: string | null = null;

  constructor(login: string, password: string) {
    super();
    this.#login = login;
    this.#password = password;
    this.actor = `user:${login}`;
  }

  protected async obtain(post: PostJson): Promise<string> {
    if (this.#refreshToken !== null) {
      const refreshed = await post('/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: this.#refreshToken });
      this.#refreshToken = null;
      const token = refreshed.status === 200 ? field(refreshed.body, 'access_token') : null;
      if (token !== null) {
        this.#refreshToken = field(refreshed.body, 'refresh_token');
        return token;
      }
      // A refused refresh token: fall through and sign in again. Anything else is the node's trouble.
      if (refreshed.status !== 400 && refreshed.status !== 401) throw refusal(this.actor, 'refresh', refreshed);
    }
    const answer = await post('/api/v1/auth/login', { login: this.#login, password: this.#password });
    const token = answer.status === 200 ? field(answer.body, 'accessToken') : null;
    if (token === null) throw refusal(this.actor, 'login', answer);
    this.#refreshToken = field(answer.body, 'refreshToken');
    return token;
  }
}

/** A department's business system: `POST /api/v1/auth/token` (grant_type client_credentials) whenever its token is refused. */
export class ClientSession extends TokenHolder {
  readonly actor: string;
  readonly #clientId: string;
  readonly #clientSecret: string;

  constructor(clientId: string, clientSecret: string) {
    super();
    this.#clientId = clientId;
    this.#clientSecret = clientSecret;
    this.actor = `client:${clientId}`;
  }

  protected async obtain(post: PostJson): Promise<string> {
    const answer = await post('/api/v1/auth/token', { grant_type: 'client_credentials', client_id: this.#clientId, client_secret: this.#clientSecret });
    const token = answer.status === 200 ? field(answer.body, 'access_token') : null;
    if (token === null) throw refusal(this.actor, 'client credentials', answer);
    return token;
  }
}
