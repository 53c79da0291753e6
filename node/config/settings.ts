/**
 * Node settings: read from the environment, optionally from a JSON file named by `NODE_CONFIG`
 * (same keys; the environment wins), validated once at start so a bad value stops the process
 * with a sentence that names the key instead of failing later in some request.
 */
import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { isIsoDate } from '../calendar/local-date.ts';

export const NODE_LEVELS = ['county', 'city', 'province'] as const;
export type NodeLevel = (typeof NODE_LEVELS)[number];

/** What one process of a node runs: the HTTP API (web), the queue workers (worker), or both (all). */
export const NODE_PROCESSES = ['web', 'worker', 'all'] as const;
export type NodeProcessRole = (typeof NODE_PROCESSES)[number];

export interface Settings {
  /**
   * NODE_PROCESS: `all` (default) serves HTTP and runs every queue worker and job scheduler; `web`
   * serves HTTP and only enqueues; `worker` runs the workers, schedulers and recovery and serves
   * only GET /health on PORT. Several of each may serve one node on one database and Redis.
   */
  nodeProcess: NodeProcessRole;
  /**
   * TRUST_PROXY: the node sits behind one reverse proxy that appends the client address to
   * X-Forwarded-For; the client address (rate limits, audit trail, sessions) is then the last
   * entry of that header. Default false: the header is ignored and the socket address is used.
   */
  trustProxy: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  /**
   * A role owning the schema (DATABASE_OWNER_URL; may hold a password: never logged). When set, the
   * node migrates through it and grants DATABASE_URL's role what it needs, but only SELECT and
   * INSERT on the audit trail; null: it migrates with DATABASE_URL.
   */
  databaseOwnerUrl: string | null;
  redisUrl: string;
  /** The bootstrap credential; null when ADMIN_TOKEN_ENABLED=false (the token is then refused). */
  adminToken: string | null;
  nodeCode: string;
  nodeLevel: NodeLevel;
  nodeName: string;
  /** Prefix of every BullMQ key, so several nodes (and test runs) can share one Redis. */
  queuePrefix: string;
  /** Folder with `CN-YYYY.json` calendars loaded into an empty database on first start. */
  calendarDir: string;
  logLevel: string;
  /** Largest JSON body accepted, in bytes. */
  jsonLimitBytes: number;
  /** Largest import body accepted, in bytes. */
  importLimitBytes: number;
  /** Deepest nesting of arrays and objects a JSON body may have. */
  jsonMaxDepth: number;
  /**
   * OCCURRED_AT_EARLIEST: the earliest local date (YYYY-MM-DD, Asia/Shanghai) an event's occurredAt
   * may fall on; an earlier one is refused with OCCURRED_AT_OUT_OF_RANGE.
   */
  occurredAtEarliest: string;
  /**
   * OCCURRED_AT_MAX_AHEAD_HOURS: how far after the node's clock (at receipt) an event's occurredAt
   * may be; a later one is refused with OCCURRED_AT_OUT_OF_RANGE.
   */
  occurredAtMaxAheadHours: number;
  /** Sign-in attempts (POST /api/v1/auth/login and /token) per client address per minute. */
  rateLimitLoginPerMinute: number;
  /** Requests to each other public route (health, JWKS, /federation/v1/*) per client address per minute. */
  rateLimitPublicPerMinute: number;
  /** Failed password tries per login per minute, from every address together (sign-in-throttle.ts). */
  rateLimitLoginPerAccountPerMinute: number;
  /** Secret the node's private keys are encrypted under at rest; see keySecretFile. */
  nodeKeySecret: string | null;
  /** Where a generated key secret is kept (mode 0600) when NODE_KEY_SECRET is not set. */
  keySecretFile: string;
  /** The parent node's base URL; null at the province. */
  parentUrl: string | null;
  /** The URL other nodes reach this one at. */
  publicUrl: string | null;
  syncIntervalSeconds: number;
  /** How often the scheduled sweep runs (turning findings into alerts, escalating overdue notices). */
  sweepIntervalSeconds: number;
  /** Whether each ingested batch is followed by a sweep of the cases it touched (else they wait for the scheduled one). */
  sweepAfterIngest: boolean;
  /** Nodemailer SMTP transport URL (smtp:// or smtps://, may hold the password: never logged); null: e-mail contacts fail. */
  smtpUrl: string | null;
  /** Sender of notification e-mails. */
  mailFrom: string;
  /** SMS gateway URL with {phone} and {text} (URL-encoded); null: SMS contacts fail. */
  smsUrlTemplate: string | null;
  smsMethod: 'GET' | 'POST';
  /** POST body with {phone} and {text} (JSON-string-escaped), sent as application/json; null: no body. */
  smsBodyTemplate: string | null;
  /** Tries per notification before it is marked failed. */
  notifyAttempts: number;
  /** First retry delay; doubles with each retry. */
  notifyBackoffMs: number;
  /**
   * WEBHOOK_ALLOWED_NETWORKS: addresses and CIDR ranges (comma-separated) that webhooks may reach
   * although they are not public (loopback, private, link-local ...): e.g. a department's receiver
   * on the government intranet. Empty (default): public unicast addresses only.
   */
  webhookAllowedNetworks: string[];
  /** Lifetime of a JWT access token, in seconds. */
  accessTokenSeconds: number;
  /** Lifetime of a login session (its refresh tokens), in seconds from login. */
  refreshTokenSeconds: number;
  /** Password tries without a success, per login and client address, before that address must wait. */
  loginMaxFailures: number;
  /** How long it waits (and how long its failures count), in seconds. */
  lockoutSeconds: number;
}

/** Thrown when the configuration cannot run a node; the message is meant for the operator. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

const KEYS = [
  'PORT', 'HOST', 'DATABASE_URL', 'DATABASE_OWNER_URL', 'REDIS_URL', 'ADMIN_TOKEN', 'NODE_CODE', 'NODE_LEVEL', 'NODE_NAME',
  'QUEUE_PREFIX', 'CALENDAR_DIR', 'LOG_LEVEL', 'JSON_LIMIT_BYTES', 'IMPORT_LIMIT_BYTES',
  'NODE_KEY_SECRET', 'NODE_KEY_SECRET_FILE', 'PARENT_URL', 'PUBLIC_URL', 'SYNC_INTERVAL_SECONDS',
  'SWEEP_INTERVAL_SECONDS', 'SWEEP_AFTER_INGEST',
  'SMTP_URL', 'MAIL_FROM', 'SMS_URL_TEMPLATE', 'SMS_METHOD', 'SMS_BODY_TEMPLATE', 'NOTIFY_ATTEMPTS', 'NOTIFY_BACKOFF_MS', 'WEBHOOK_ALLOWED_NETWORKS',
  'JSON_MAX_DEPTH', 'RATE_LIMIT_LOGIN_PER_MINUTE', 'RATE_LIMIT_PUBLIC_PER_MINUTE', 'RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE',
  'ACCESS_TOKEN_SECONDS', 'REFRESH_TOKEN_SECONDS', 'LOGIN_MAX_FAILURES', 'LOCKOUT_SECONDS', 'ADMIN_TOKEN_ENABLED',
  'NODE_PROCESS', 'TRUST_PROXY', 'OCCURRED_AT_EARLIEST', 'OCCURRED_AT_MAX_AHEAD_HOURS',
] as const;
type Key = (typeof KEYS)[number];
type RawSettings = Partial<Record<Key, string>>;

function readConfigFile(path: string): RawSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SettingsError(`NODE_CONFIG file ${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SettingsError(`NODE_CONFIG file ${path} must hold a JSON object`);
  }
  const raw: RawSettings = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new SettingsError(`NODE_CONFIG file ${path}: unknown key ${key}`);
    raw[key as Key] = String(value);
  }
  return raw;
}

function integer(raw: RawSettings, key: Key, fallback: number, min: number, max: number): number {
  const text = raw[key];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`${key} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

const DEFAULTS_FILE = new URL('../../config/defaults.json', import.meta.url).pathname;

/**
 * Builds settings from an environment-like map (process.env by default). Layers, last wins:
 * config/defaults.json, the file named by NODE_CONFIG, the environment.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const fromFile = env.NODE_CONFIG ? readConfigFile(env.NODE_CONFIG) : {};
  const raw: RawSettings = { ...readConfigFile(DEFAULTS_FILE), ...fromFile };
  for (const key of KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const adminTokenEnabled = flag(raw, 'ADMIN_TOKEN_ENABLED', true);
  if (adminTokenEnabled && !raw.ADMIN_TOKEN) {
    throw new SettingsError('ADMIN_TOKEN is not set: the node refuses to start without its bootstrap credential. '
      + 'Set ADMIN_TOKEN to a long random secret (for example: openssl rand -hex 32), or ADMIN_TOKEN_ENABLED=false once users exist.');
  }
  if (adminTokenEnabled && raw.ADMIN_TOKEN !== undefined && raw.ADMIN_TOKEN.length < 16) throw new SettingsError('ADMIN_TOKEN must be at least 16 characters long');
  if (!raw.DATABASE_URL) {
    throw new SettingsError('DATABASE_URL is not set (postgres://user@host:5432/db). `npm run demo` starts an embedded PostgreSQL instead.');
  }
  const nodeCode = raw.NODE_CODE ?? '';
  if (!/^\d{6}$/.test(nodeCode)) {
    throw new SettingsError(`NODE_CODE must be a 6-digit administrative division code such as 610203, got "${nodeCode}"`);
  }
  const level = raw.NODE_LEVEL ?? 'county';
  if (!(NODE_LEVELS as readonly string[]).includes(level)) {
    throw new SettingsError(`NODE_LEVEL must be one of ${NODE_LEVELS.join(', ')}, got "${level}"`);
  }
  if (raw.NODE_KEY_SECRET !== undefined && raw.NODE_KEY_SECRET.length < 16) {
    throw new SettingsError('NODE_KEY_SECRET must be at least 16 characters long');
  }
  const nodeProcess = raw.NODE_PROCESS ?? 'all';
  if (!(NODE_PROCESSES as readonly string[]).includes(nodeProcess)) {
    throw new SettingsError(`NODE_PROCESS must be one of ${NODE_PROCESSES.join(', ')}, got "${nodeProcess}"`);
  }
  const parentUrl = optionalUrl(raw, 'PARENT_URL');
  if (level === 'province' && parentUrl) throw new SettingsError('PARENT_URL must not be set at the province: it has no parent');
  return {
    nodeProcess: nodeProcess as NodeProcessRole,
    trustProxy: flag(raw, 'TRUST_PROXY', false),
    port: integer(raw, 'PORT', 8080, 0, 65535),
    host: raw.HOST ?? '127.0.0.1',
    databaseUrl: raw.DATABASE_URL,
    databaseOwnerUrl: postgresUrl(raw, 'DATABASE_OWNER_URL'),
    redisUrl: raw.REDIS_URL ?? 'redis://127.0.0.1:6379',
    adminToken: adminTokenEnabled ? raw.ADMIN_TOKEN ?? null : null,
    nodeCode,
    nodeLevel: level as NodeLevel,
    nodeName: raw.NODE_NAME ?? `监察节点 ${nodeCode}`,
    queuePrefix: raw.QUEUE_PREFIX ?? `sv-${nodeCode}`,
    calendarDir: raw.CALENDAR_DIR ?? new URL('../../config/calendars', import.meta.url).pathname,
    logLevel: raw.LOG_LEVEL ?? 'info',
    jsonLimitBytes: integer(raw, 'JSON_LIMIT_BYTES', 8 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    importLimitBytes: integer(raw, 'IMPORT_LIMIT_BYTES', 256 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
    jsonMaxDepth: integer(raw, 'JSON_MAX_DEPTH', 32, 8, 1000),
    occurredAtEarliest: earliestDate(raw),
    // At most ten years ahead: a timeline then stays within years a calendar can be written for.
    occurredAtMaxAheadHours: integer(raw, 'OCCURRED_AT_MAX_AHEAD_HOURS', 24, 0, 87_600),
    rateLimitLoginPerMinute: integer(raw, 'RATE_LIMIT_LOGIN_PER_MINUTE', 20, 1, 100_000),
    rateLimitPublicPerMinute: integer(raw, 'RATE_LIMIT_PUBLIC_PER_MINUTE', 6000, 1, 1_000_000),
    rateLimitLoginPerAccountPerMinute: integer(raw, 'RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE', 10, 1, 100_000),
    nodeKeySecret: raw.NODE_KEY_SECRET ?? null,
    keySecretFile: raw.NODE_KEY_SECRET_FILE ?? new URL(`../../.data/node-${nodeCode}.key-secret`, import.meta.url).pathname,
    parentUrl,
    publicUrl: optionalUrl(raw, 'PUBLIC_URL'),
    syncIntervalSeconds: integer(raw, 'SYNC_INTERVAL_SECONDS', 60, 1, 86400),
    sweepIntervalSeconds: integer(raw, 'SWEEP_INTERVAL_SECONDS', 60, 1, 86400),
    sweepAfterIngest: flag(raw, 'SWEEP_AFTER_INGEST', true),
    ...notifySettings(raw),
    accessTokenSeconds: integer(raw, 'ACCESS_TOKEN_SECONDS', 900, 30, 86400),
    refreshTokenSeconds: integer(raw, 'REFRESH_TOKEN_SECONDS', 28800, 60, 30 * 86400),
    loginMaxFailures: integer(raw, 'LOGIN_MAX_FAILURES', 5, 1, 100),
    lockoutSeconds: integer(raw, 'LOCKOUT_SECONDS', 900, 1, 7 * 86400),
  };
}

/** The notification channels' settings (SMTP_URL is never echoed: it may hold a password). */
function notifySettings(raw: RawSettings): Pick<Settings, 'smtpUrl' | 'mailFrom' | 'smsUrlTemplate' | 'smsMethod' | 'smsBodyTemplate' | 'notifyAttempts' | 'notifyBackoffMs' | 'webhookAllowedNetworks'> {
  const smtpUrl = raw.SMTP_URL || null;
  if (smtpUrl !== null && !/^smtps?:\/\/[^\s/]+/.test(smtpUrl)) throw new SettingsError('SMTP_URL must be an smtp:// or smtps:// URL (value not shown: it may hold a password)');
  const smsUrlTemplate = raw.SMS_URL_TEMPLATE || null;
  if (smsUrlTemplate !== null && !/^https?:\/\/[^\s/]+/.test(smsUrlTemplate)) throw new SettingsError('SMS_URL_TEMPLATE must be an http(s) URL with {phone} and {text} placeholders');
  const smsMethod = (raw.SMS_METHOD ?? 'POST').toUpperCase();
  if (smsMethod !== 'GET' && smsMethod !== 'POST') throw new SettingsError(`SMS_METHOD must be GET or POST, got "${raw.SMS_METHOD}"`);
  const smsBodyTemplate = raw.SMS_BODY_TEMPLATE || null;
  if (smsBodyTemplate !== null && smsMethod === 'GET') throw new SettingsError('SMS_BODY_TEMPLATE needs SMS_METHOD=POST: a GET request has no body');
  return {
    smtpUrl,
    mailFrom: raw.MAIL_FROM ?? 'supervision@localhost',
    smsUrlTemplate,
    smsMethod,
    smsBodyTemplate,
    notifyAttempts: integer(raw, 'NOTIFY_ATTEMPTS', 5, 1, 50),
    notifyBackoffMs: integer(raw, 'NOTIFY_BACKOFF_MS', 2000, 1, 3_600_000),
    webhookAllowedNetworks: allowedNetworks(raw),
  };
}

/** WEBHOOK_ALLOWED_NETWORKS, each entry an IP address or a CIDR range. */
function allowedNetworks(raw: RawSettings): string[] {
  const entries = (raw.WEBHOOK_ALLOWED_NETWORKS ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    if (!ipaddr.isValidCIDR(entry) && !ipaddr.isValid(entry)) throw new SettingsError(`WEBHOOK_ALLOWED_NETWORKS: "${entry}" is neither an IP address nor a CIDR range (e.g. 10.20.0.0/16, 127.0.0.1, ::1)`);
  }
  return entries;
}

/**
 * OCCURRED_AT_EARLIEST, from 1991-01-01: the node takes every date in Asia/Shanghai at a fixed
 * +08:00, which holds only since China stopped daylight saving in 1991.
 */
function earliestDate(raw: RawSettings): string {
  const text = raw.OCCURRED_AT_EARLIEST;
  if (text === undefined || text === '') return '2000-01-01';
  if (!isIsoDate(text) || text < '1991-01-01' || text > '2100-12-31') {
    throw new SettingsError(`OCCURRED_AT_EARLIEST must be a date (YYYY-MM-DD) from 1991-01-01 to 2100-12-31, got "${text}"`);
  }
  return text;
}

function flag(raw: RawSettings, key: Key, fallback: boolean): boolean {
  const text = raw[key];
  if (text === undefined || text === '') return fallback;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new SettingsError(`${key} must be true or false, got "${text}"`);
}

/** An optional postgres:// URL; the value is never echoed (it may hold a password). */
function postgresUrl(raw: RawSettings, key: Key): string | null {
  const text = raw[key];
  if (text === undefined || text === '') return null;
  if (!/^postgres(ql)?:\/\/[^\s]+$/.test(text)) throw new SettingsError(`${key} must be a postgres:// URL (value not shown: it may hold a password)`);
  return text;
}

function optionalUrl(raw: RawSettings, key: Key): string | null {
  const text = raw[key];
  if (text === undefined || text === '') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingsError(`${key} must be an http(s) URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SettingsError(`${key} must be an http(s) URL, got "${text}"`);
  return url.toString().replace(/\/$/, '');
}
