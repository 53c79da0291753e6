/**
 * Each test run gets its own PostgreSQL database (dropped afterwards) and its own BullMQ prefix,
 * so runs never see each other's data. `TEST_POSTGRES_URL` names the server (default: local, trust).
 * Nodes run as they do in production: as the login role `sv_test_app` (`appUrl`, trust: no
 * password), migrated through the superuser (`url`), which tests also use to tamper with tables.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The cluster-wide login role test nodes run as (DATABASE_URL); the superuser owns their schema. */
export const TEST_APP_ROLE = 'sv_test_app';

export interface TestDatabase {
  name: string;
  /** The superuser: DATABASE_OWNER_URL of a node, and what tests tamper through. */
  url: string;
  /** The runtime role on this database: a node's DATABASE_URL. */
  appUrl: string;
  drop(): Promise<void>;
}

function urlFor(database: string, user?: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  if (user !== undefined) {
    url.username = user;
    url.password = '';
  }
  return url.toString();
}

/** Runs `work` on a fresh connection to `url`, closed afterwards whatever happens. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

let appRole: Promise<void> | null = null;

/** Creates the test app role once per cluster; parallel test processes may race, so a duplicate is fine. */
function ensureAppRole(admin: pg.Client): Promise<void> {
  appRole ??= admin.query(`DO $$ BEGIN CREATE ROLE ${TEST_APP_ROLE} LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`)
    .then(() => undefined, (error: unknown) => {
      appRole = null;
      throw error;
    });
  return appRole;
}

/** Creates an empty database named `<prefix>_<random>`. */
export async function createTestDatabase(prefix = 'sv_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await withClient(POSTGRES_URL, async (admin) => {
    await ensureAppRole(admin);
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  return {
    name,
    url: urlFor(name),
    appUrl: urlFor(name, TEST_APP_ROLE),
    async drop() {
      await withClient(POSTGRES_URL, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** A queue prefix no other run uses. */
export function uniqueQueuePrefix(label = 'test'): string {
  return `sv-${label}-${randomBytes(4).toString('hex')}`;
}
