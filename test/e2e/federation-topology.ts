/**
 * The four-node federation of the end-to-end tests, as real processes (support/node-process.ts):
 * province 610000, city 610200 and counties 610203 and 610204, enrolled through their APIs and
 * syncing on their own schedulers every second; plus the checks the tests share: bounded waits
 * and "the province's and the city's rollups equal the sums of the counties' own".
 */
import { expect } from 'chai';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import type { ItemSpec } from '../support/api-fixtures.ts';

export const PROVINCE = '610000';
export const CITY = '610200';
export const COUNTY_A = '610203';
export const COUNTY_B = '610204';

/** March 2026 (where the tests' events lie) and a range that also holds today's state counts. */
export const RANGES = [{ from: '2026-03-01', to: '2026-03-31' }, { from: '2026-01-01', to: '2028-12-31' }] as const;
export const GROUPS = ['node', 'department', 'item'] as const;

/**
 * Each county's catalog: its own departments, one item with a national code both counties share
 * (so `groupBy=item` must add the two counties under one key) and one item of its own.
 */
export const SHARED_ITEM = '000001-XK-001';
export function countyCatalog(county: string): { departments: Record<string, string>; items: ItemSpec[] } {
  return {
    departments: { [`${county}-SPJ`]: `${county} 行政审批服务局`, [`${county}-SCJ`]: `${county} 市场监督管理局` },
    items: [
      { itemCode: SHARED_ITEM, departmentCode: `${county}-SPJ`, legalLimitDays: 20, promisedLimitDays: 5 },
      { itemCode: `${county}-QR-001`, departmentCode: `${county}-SCJ`, legalLimitDays: 3, promisedLimitDays: 0 },
    ],
  };
}

export interface Topology {
  province: NodeProcess;
  city: NodeProcess;
  countyA: NodeProcess;
  countyB: NodeProcess;
  all: NodeProcess[];
  counties: NodeProcess[];
  /** Stops every process and drops every database. */
  close(): Promise<void>;
}

/** Registers `child` at `parent` and has the child enroll with the token, both through the admin APIs. */
export async function enrollProcess(parent: NodeProcess, child: NodeProcess, level: 'county' | 'city'): Promise<void> {
  const registered = await parent.api('POST', '/api/v1/children', { code: child.code, name: `节点 ${child.code}`, level });
  expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
  const enrolled = await child.api('POST', '/api/v1/federation/enroll', { token: registered.body.enrollmentToken });
  expect(enrolled.status, JSON.stringify(enrolled.body)).to.equal(200);
}

/** Starts the four processes (on `redisUrl` when given), enrolls them, and loads the counties' catalogs. */
export async function startTopology(redisUrl?: string): Promise<Topology> {
  // Info logs (sync runs, shutdown) are only shown when a test fails, where they explain it.
  const env = { LOG_LEVEL: 'info' };
  const started: NodeProcess[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(started.map((node) => node.close()));
  };
  try {
    const province = await startNodeProcess({ code: PROVINCE, level: 'province', name: '陕西省', redisUrl, env });
    started.push(province);
    const city = await startNodeProcess({ code: CITY, level: 'city', name: '铜川市', parentUrl: province.url, redisUrl, env });
    started.push(city);
    const [countyA, countyB] = await Promise.all([
      startNodeProcess({ code: COUNTY_A, level: 'county', name: '印台区', parentUrl: city.url, redisUrl, env }),
      startNodeProcess({ code: COUNTY_B, level: 'county', name: '耀州区', parentUrl: city.url, redisUrl, env }),
    ]);
    started.push(countyA!, countyB!);
    await enrollProcess(province, city, 'city');
    await enrollProcess(city, countyA!, 'county');
    await enrollProcess(city, countyB!, 'county');
    for (const county of [countyA!, countyB!]) {
      const { departments, items } = countyCatalog(county.code);
      for (const [code, name] of Object.entries(departments)) {
        expect((await county.api('PUT', `/api/v1/departments/${code}`, { name })).status).to.equal(201);
      }
      for (const { itemCode, ...rest } of items) {
        const answer = await county.api('PUT', `/api/v1/items/${itemCode}`, { name: `事项 ${itemCode}`, ...rest });
        expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      }
    }
    return { province, city, countyA: countyA!, countyB: countyB!, all: started, counties: [countyA!, countyB!], close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The last lines each process wrote: appended to a failure so it explains itself. */
export function outputs(nodes: readonly NodeProcess[]): string {
  return nodes.map((node) => `=== ${node.code} ===\n${node.output().slice(-3000)}`).join('\n');
}

/**
 * Polls `probe` until it answers a value other than undefined; after `timeoutMs` fails with
 * `what`, the last thing `probe` reported through `note`, and the processes' output.
 */
export async function waitUntil<T>(what: string, nodes: readonly NodeProcess[], probe: (note: (seen: unknown) => void) => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let seen: unknown = null;
  for (;;) {
    const value = await probe((observed) => { seen = observed; }).catch((error: unknown) => {
      seen = String(error);
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}; last seen: ${JSON.stringify(seen)}\n${outputs(nodes)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

type Counts = Record<string, number>;
export interface Rollup {
  items: ({ key: string } & Counts)[];
  totals: Counts;
}

/** `GET /api/v1/rollups` of `node`. */
export async function rollupOf(node: NodeProcess, groupBy: string, from: string, to: string): Promise<Rollup> {
  const answer = await node.api('GET', `/api/v1/rollups?from=${from}&to=${to}&groupBy=${groupBy}`);
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return { items: answer.body.items, totals: answer.body.totals };
}

/** The rollup the sum of `parts` must give: items added up per key (sorted like the API's), totals added up. */
export function sumOf(parts: readonly Rollup[]): Rollup {
  const add = (into: Counts, more: Counts): void => {
    for (const [count, value] of Object.entries(more)) if (count !== 'key') into[count] = (into[count] ?? 0) + value;
  };
  const byKey = new Map<string, { key: string } & Counts>();
  const totals: Counts = {};
  for (const part of parts) {
    for (const item of part.items) {
      const sum = byKey.get(item.key) ?? ({ key: item.key } as { key: string } & Counts);
      add(sum, item);
      byKey.set(item.key, sum);
    }
    add(totals, part.totals);
  }
  const items = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { items, totals };
}

/** Flow counts a county's March rollup must show exactly (the rest is compared, not predicted). */
export type ExpectedFlows = Partial<Record<'accepted' | 'notAccepted' | 'concluded' | 'onTime' | 'early' | 'late' | 'yellowCards' | 'redCards', number>>;

/** JSON with object keys sorted, to compare answers whatever their key order. */
const canonical = (value: unknown): string => JSON.stringify(value, (_key, inner: unknown) => (
  inner !== null && typeof inner === 'object' && !Array.isArray(inner)
    ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)))
    : inner));

/** What a converged federation looks like, read once. */
interface Snapshot {
  counties: Record<string, Rollup>;
  mismatches: string[];
}

async function snapshot(topology: Topology, expected: Readonly<Record<string, ExpectedFlows>>): Promise<Snapshot> {
  const mismatches: string[] = [];
  const counties: Record<string, Rollup> = {};
  for (const { from, to } of RANGES) {
    for (const groupBy of GROUPS) {
      const own = await Promise.all(topology.counties.map((county) => rollupOf(county, groupBy, from, to)));
      if (groupBy === 'node' && from === RANGES[0].from) {
        topology.counties.forEach((county, index) => {
          counties[county.code] = own[index]!;
          for (const [count, value] of Object.entries(expected[county.code] ?? {})) {
            if (own[index]!.totals[count] !== value) mismatches.push(`${county.code} own ${count} = ${own[index]!.totals[count]}, expected ${value}`);
          }
        });
      }
      const sum = sumOf(own);
      for (const parent of [topology.city, topology.province]) {
        const rollup = await rollupOf(parent, groupBy, from, to);
        if (canonical(rollup) !== canonical(sum)) {
          mismatches.push(`${parent.code} groupBy=${groupBy} ${from}..${to}: ${JSON.stringify(rollup)} != sum of counties ${JSON.stringify(sum)}`);
        }
      }
    }
  }
  return { counties, mismatches };
}

/**
 * Waits (bounded) until each county's own March rollup shows `expected` and the city's and the
 * province's rollups equal the sums of the counties' own, for every grouping and both ranges;
 * answers the counties' own March rollups by node. Exact equality, key by key and count by count.
 */
export async function expectConverged(topology: Topology, expected: Readonly<Record<string, ExpectedFlows>>, timeoutMs = 30_000): Promise<Record<string, Rollup>> {
  const converged = await waitUntil('the rollups of the city and the province equal the sums of the counties', topology.all, async (note) => {
    const seen = await snapshot(topology, expected);
    note(seen.mismatches);
    return seen.mismatches.length === 0 ? seen.counties : undefined;
  }, timeoutMs);
  return converged;
}

/** `GET /api/v1/federation/status` of `node`. */
export async function statusOf(node: NodeProcess) {
  const answer = await node.api('GET', '/api/v1/federation/status');
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return answer.body;
}
