/** Reading alerts, and running sweeps and workflow actions with the node's clock at explicit instants, for the supervision tests. */
import { expect } from 'chai';
import type { ApiClient } from './api-fixtures.ts';
import type { TestNode } from './test-node.ts';

/** A node whose clock the test sets: writes happen at the node's clock, never at a caller's `?at=`. */
export type ClockedNode = Pick<TestNode, 'api' | 'setNow' | 'now'>;

/**
 * Runs `work` with the node's clock at `instant`, then puts the clock back as it was, so what the
 * test does next (events posted, their receipt instants) is not moved along with it.
 */
export async function withClockAt<T>(node: ClockedNode, instant: string, work: () => Promise<T>): Promise<T> {
  const before = node.now();
  node.setNow(instant);
  try {
    return await work();
  } finally {
    node.setNow(before);
  }
}

export interface AlertBody {
  id: number;
  caseNo: string;
  rule: string;
  ruleVersion: number;
  status: string;
  foundAt: string;
  raisedAt: string;
  appealDueOn: string;
  notice: { noticeNo: string; demand: string; issuedAt: string; dueOn: string } | null;
  revokedBy: string | null;
  revokedReason: string | null;
  transitions?: { action: string; from: string | null; to: string; actor: string; reason: string | null; data: Record<string, unknown> | null; at: string }[];
  [key: string]: unknown;
}

/** Runs a sweep (one that writes) with the node's clock at `instant` and answers its result. */
export async function sweepAt(node: ClockedNode, instant: string) {
  const answer = await withClockAt(node, instant, () => node.api('POST', '/api/v1/alerts/sweep'));
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  expect(answer.body.dryRun).to.equal(false);
  return answer.body as { checked: number; raised: number; noticesIssued: number; revoked: number; reinstated: number; escalated: number };
}

/** Every alert matching `query` (newest first), following the cursor. */
export async function alertsWhere(node: ApiClient, query = ''): Promise<AlertBody[]> {
  const items: AlertBody[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const answer: { status: number; body: { items: AlertBody[]; nextCursor: string | null } } = await node.api('GET', `/api/v1/alerts?limit=500&${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor;
    if (cursor === null) return items;
  }
  throw new Error('too many pages');
}

/** The rules of a case's alerts that are not revoked, sorted. */
export async function liveRules(node: ApiClient, caseNo: string): Promise<string[]> {
  return (await alertsWhere(node, `caseNo=${encodeURIComponent(caseNo)}`)).filter((a) => a.status !== 'revoked').map((a) => a.rule).sort();
}

/** The alert of `caseNo` for `rule`, with its history. */
export async function alertOf(node: ApiClient, caseNo: string, rule: string): Promise<AlertBody> {
  const [found] = await alertsWhere(node, `caseNo=${encodeURIComponent(caseNo)}&rule=${rule}`);
  expect(found, `alert ${rule} of ${caseNo}`).to.not.equal(undefined);
  const answer = await node.api('GET', `/api/v1/alerts/${found!.id}`);
  expect(answer.status).to.equal(200);
  return answer.body;
}

/** Takes a workflow action, with the node's clock at `instant` when given; answers the HTTP answer. */
export async function act(node: ClockedNode, id: number, action: string, body: Record<string, unknown> = {}, instant?: string) {
  const take = () => node.api('POST', `/api/v1/alerts/${id}/${action}`, body);
  return instant === undefined ? take() : withClockAt(node, instant, take);
}
