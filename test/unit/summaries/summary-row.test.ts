/**
 * The summary row: its helpers, and the hand-written row check agreeing with the published JSON
 * Schema (schemas/federation/summary-row.schema.json) on good and bad rows.
 */
import { expect } from 'chai';
import {
  ALERT_COUNTS, FLOW_COUNTS, STATE_COUNTS, SUMMARY_COUNTS, addCounts, compareSummaryRows, countsOf, isIsoDay, isZeroRow, sameCounts,
  summaryKey, summaryRowProblem, withAlertCountDefaults, zeroCounts, type SummaryRow,
} from '../../../federation/rollups/summary-row.ts';
import { checkSchema } from '../../../node/http/validation.ts';

const ROW: SummaryRow = {
  node: '610203', departmentCode: 'D-MKT', itemCode: 'W5', day: '2026-03-02',
  accepted: 3, notAccepted: 1, concluded: 2, onTime: 1, early: 1, late: 1, yellowCards: 1, redCards: 0,
  alertsRaised: 3, noticesIssued: 1, alertsAccepted: 1, alertsRejected: 0, alertsRevoked: 1,
  open: 4, green: 1, yellow: 1, red: 1, paused: 1, noticesOpen: 2, noticesOverdue: 1, noticesEscalated: 1,
};

/** A row as sent before alerts were summarised. */
const withoutAlertCounts = (row: SummaryRow): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).filter(([key]) => !(ALERT_COUNTS as readonly string[]).includes(key)));

describe('summary row', () => {
  it('has 21 counts: 13 flow counts then 8 state counts, in wire order', () => {
    expect(SUMMARY_COUNTS).to.deep.equal([...FLOW_COUNTS, ...STATE_COUNTS]);
    expect(SUMMARY_COUNTS).to.have.length(21);
    expect(ALERT_COUNTS).to.deep.equal(['alertsRaised', 'noticesIssued', 'alertsAccepted', 'alertsRejected', 'alertsRevoked', 'noticesOpen', 'noticesOverdue', 'noticesEscalated']);
    expect(Object.keys(zeroCounts())).to.deep.equal([...SUMMARY_COUNTS]);
  });

  it('adds, copies and compares counts', () => {
    const sum = addCounts(countsOf(ROW), ROW);
    expect(sum.accepted).to.equal(6);
    expect(sum.paused).to.equal(2);
    expect(ROW.accepted, 'the row itself is not touched').to.equal(3);
    expect(countsOf(ROW)).not.to.have.property('node');
    const elsewhere: SummaryRow = { ...ROW, node: '610204' };
    expect(sameCounts(ROW, elsewhere)).to.equal(true);
    expect(sameCounts(ROW, { ...ROW, paused: 0 })).to.equal(false);
    expect(isZeroRow(zeroCounts())).to.equal(true);
    expect(isZeroRow({ ...zeroCounts(), redCards: 1 })).to.equal(false);
  });

  it('keys and orders rows by node, department, item and day', () => {
    const other: SummaryRow = { ...ROW, accepted: 0 };
    expect(summaryKey(ROW)).to.equal(summaryKey(other));
    expect(summaryKey(ROW)).not.to.equal(summaryKey({ ...ROW, day: '2026-03-03' }));
    // The separator keeps ('A', 'BC') apart from ('AB', 'C').
    expect(summaryKey({ ...ROW, departmentCode: 'A', itemCode: 'BC' })).not.to.equal(summaryKey({ ...ROW, departmentCode: 'AB', itemCode: 'C' }));
    const rows = [
      { ...ROW, node: '610204' }, { ...ROW, day: '2026-03-01' }, { ...ROW, itemCode: 'W1' }, ROW, { ...ROW, departmentCode: 'D-A' },
    ];
    expect(rows.sort(compareSummaryRows).map((r) => [r.node, r.departmentCode, r.itemCode, r.day])).to.deep.equal([
      ['610203', 'D-A', 'W5', '2026-03-02'],
      ['610203', 'D-MKT', 'W1', '2026-03-02'],
      ['610203', 'D-MKT', 'W5', '2026-03-01'],
      ['610203', 'D-MKT', 'W5', '2026-03-02'],
      ['610204', 'D-MKT', 'W5', '2026-03-02'],
    ]);
    expect(compareSummaryRows(ROW, { ...ROW })).to.equal(0);
  });

  it('knows real calendar dates', () => {
    for (const day of ['2026-03-02', '2024-02-29', '2000-02-29', '2026-12-31']) expect(isIsoDay(day), day).to.equal(true);
    for (const day of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-3-2', '20260302', '2026-03-02T00:00:00Z', '']) {
      expect(isIsoDay(day), day).to.equal(false);
    }
  });

  const BAD: [string, unknown][] = [
    ['node', { ...ROW, node: '61020' }],
    ['node', { ...ROW, node: 610203 }],
    ['departmentCode', { ...ROW, departmentCode: '' }],
    ['departmentCode', { ...ROW, departmentCode: 'D MKT' }],
    ['itemCode', { ...ROW, itemCode: 'x'.repeat(65) }],
    ['day', { ...ROW, day: '2026-02-30' }],
    ['day', { ...ROW, day: '2026-03-02T00:00:00+08:00' }],
    ['accepted', { ...ROW, accepted: -1 }],
    ['early', { ...ROW, early: 1.5 }],
    ['paused', { ...ROW, paused: '1' }],
    ['red', { ...ROW, red: 2 ** 31 }],
    ['open', (({ open: _open, ...rest }) => rest)(ROW)],
    ['alertsRevoked', { ...ROW, alertsRevoked: -1 }],
    ['noticesOverdue', { ...ROW, noticesOverdue: null }],
  ];

  it('names the field of a malformed row', () => {
    expect(summaryRowProblem(ROW)).to.equal(null);
    expect(summaryRowProblem({ ...ROW, red: 2 ** 31 - 1 })).to.equal(null);
    for (const [field, row] of BAD) expect(summaryRowProblem(row)?.field, field).to.equal(field);
    expect(summaryRowProblem(null)?.problem).to.equal('must be an object');
    expect(summaryRowProblem([ROW])?.problem).to.equal('must be an object');
  });

  it('agrees with the JSON Schema', () => {
    expect(checkSchema('federation/summary-row.schema.json', ROW)).to.equal(null);
    for (const [field, row] of BAD) {
      // Ajv says "/open" for a missing property: the field, as a JSON pointer.
      expect(checkSchema('federation/summary-row.schema.json', row)?.field, field).to.equal(`/${field}`);
    }
    expect(checkSchema('federation/summary-row.schema.json', { ...ROW, extra: 1 })?.field).to.equal('/extra');
  });

  it('reads a row without the alert counts (sent before they existed) as one with none', () => {
    const old = withoutAlertCounts(ROW);
    expect(summaryRowProblem(old)).to.equal(null);
    expect(withAlertCountDefaults(old)).to.deep.equal({ ...ROW, ...Object.fromEntries(ALERT_COUNTS.map((count) => [count, 0])) });
    expect(withAlertCountDefaults(ROW)).to.equal(ROW);
    // The schema validator fills them in (default 0), as the parent validates a batch before applying it.
    expect(checkSchema('federation/summary-row.schema.json', old)).to.equal(null);
    expect(old).to.deep.equal(withAlertCountDefaults(withoutAlertCounts(ROW)));
  });
});
