/**
 * computeOwnSummaries and changedOwnSummaries without a database: what they send (this node's code
 * and today's local date in Asia/Shanghai) and how they read the answer.
 */
import { expect } from 'chai';
import type { EntityManager } from '@mikro-orm/postgresql';
import { changedOwnSummaries, computeOwnSummaries } from '../../../node/summaries/own-summaries.ts';

interface Sent {
  sql: string;
  parameters: readonly unknown[];
}

/** An EntityManager stand-in: records statements and answers `answer(sql)`. */
function fakeEm(sent: Sent[], answer: (sql: string) => Record<string, unknown>[]): EntityManager {
  const em = {
    transactional: async (work: (tx: unknown) => Promise<unknown>) => work(em),
    getTransactionContext: () => ({
      executeQuery: async (compiled: Sent) => {
        sent.push({ sql: compiled.sql, parameters: compiled.parameters });
        return { rows: answer(compiled.sql) };
      },
    }),
  };
  return em as unknown as EntityManager;
}

const dbRow = (day: string, extra: Record<string, number> = {}) => ({
  department_code: 'D-A', item_code: 'W5', day, accepted: 1, not_accepted: 0, concluded: 0, on_time: 0, early: 0, late: 0,
  yellow_cards: 0, red_cards: 0, alerts_raised: 2, notices_issued: 1, alerts_accepted: 0, alerts_rejected: 0, alerts_revoked: 0,
  open: 2, green: 1, yellow: 0, red: 1, paused: 0, notices_open: 1, notices_overdue: 0, notices_escalated: 0, ...extra,
});

describe('own summaries (fake database)', () => {
  it('asks for this node with today = the local date of asOf in Shanghai', async () => {
    const sent: Sent[] = [];
    const em = fakeEm(sent, () => []);
    await computeOwnSummaries(em, '610203', new Date('2026-03-19T15:59:59Z'));
    await computeOwnSummaries(em, '610203', new Date('2026-03-19T16:00:00Z'));
    expect(sent.map((s) => s.parameters)).to.deep.equal([['610203', '2026-03-19'], ['610203', '2026-03-20']]);
  });

  it('answers rows in key order with the wire names', async () => {
    const em = fakeEm([], () => [dbRow('2026-03-05'), dbRow('2026-03-02', { late: 3 })]);
    const rows = await computeOwnSummaries(em, '610203', new Date('2026-03-20T10:00:00+08:00'));
    expect(rows).to.deep.equal([
      {
        node: '610203', departmentCode: 'D-A', itemCode: 'W5', day: '2026-03-02', accepted: 1, notAccepted: 0, concluded: 0,
        onTime: 0, early: 0, late: 3, yellowCards: 0, redCards: 0, alertsRaised: 2, noticesIssued: 1, alertsAccepted: 0,
        alertsRejected: 0, alertsRevoked: 0, open: 2, green: 1, yellow: 0, red: 1, paused: 0, noticesOpen: 1, noticesOverdue: 0, noticesEscalated: 0,
      },
      {
        node: '610203', departmentCode: 'D-A', itemCode: 'W5', day: '2026-03-05', accepted: 1, notAccepted: 0, concluded: 0,
        onTime: 0, early: 0, late: 0, yellowCards: 0, redCards: 0, alertsRaised: 2, noticesIssued: 1, alertsAccepted: 0,
        alertsRejected: 0, alertsRevoked: 0, open: 2, green: 1, yellow: 0, red: 1, paused: 0, noticesOpen: 1, noticesOverdue: 0, noticesEscalated: 0,
      },
    ]);
  });

  it('locks, reads the changed rows, and stores exactly those', async () => {
    const sent: Sent[] = [];
    const em = fakeEm(sent, (sql) => (sql.includes('FULL JOIN') ? [dbRow('2026-03-20')] : []));
    const asOf = new Date('2026-03-20T10:00:00+08:00');
    const changed = await changedOwnSummaries(em, '610203', asOf);
    expect(changed.map((r) => r.day)).to.deep.equal(['2026-03-20']);
    expect(sent).to.have.length(3);
    expect(sent[0]?.sql).to.match(/pg_advisory_xact_lock/);
    expect(sent[1]?.parameters).to.deep.equal(['610203', '2026-03-20']);
    expect(sent[2]?.sql).to.match(/INSERT INTO rollup_summaries/);
    expect(JSON.parse(sent[2]?.parameters[0] as string)).to.deep.equal(changed);
    expect(sent[2]?.parameters[1]).to.equal(asOf);
  });

  it('stores nothing when nothing changed', async () => {
    const sent: Sent[] = [];
    expect(await changedOwnSummaries(fakeEm(sent, () => []), '610203', new Date())).to.deep.equal([]);
    expect(sent.map((s) => s.sql).filter((sql) => sql.includes('INSERT'))).to.deep.equal([]);
  });
});
