/** The query of GET /api/v1/rollups, field by field. */
import { expect } from 'chai';
import { addYears, parseRollupParams } from '../../../federation/rollups/rollup-params.ts';

const SELF = '610200';
const parse = (query: Record<string, unknown>) => parseRollupParams(query, SELF);
const problemOf = (query: Record<string, unknown>) => {
  const parsed = parse(query);
  return parsed.ok ? null : parsed.problem.field;
};

describe('rollup query parameters', () => {
  it('reads a full query', () => {
    expect(parse({ from: '2026-03-01', to: '2026-03-31', groupBy: 'item', node: '610203' })).to.deep.equal({
      ok: true, params: { from: '2026-03-01', to: '2026-03-31', groupBy: 'item', node: '610203' },
    });
  });

  it('defaults groupBy to node and node to this node; an empty value counts as absent', () => {
    expect(parse({ from: '2026-03-01', to: '2026-03-01' })).to.deep.equal({ ok: true, params: { from: '2026-03-01', to: '2026-03-01', groupBy: 'node', node: SELF } });
    expect(parse({ from: '2026-03-01', to: '2026-03-01', groupBy: '', node: '' })).to.deep.equal({ ok: true, params: { from: '2026-03-01', to: '2026-03-01', groupBy: 'node', node: SELF } });
  });

  it('requires from and to as real dates', () => {
    expect(problemOf({ to: '2026-03-31' })).to.equal('from');
    expect(problemOf({ from: '2026-03-01' })).to.equal('to');
    expect(problemOf({ from: '', to: '2026-03-31' })).to.equal('from');
    expect(problemOf({ from: '2026-02-29', to: '2026-03-31' })).to.equal('from');
    expect(problemOf({ from: '2026-03-01', to: '2026-04-31' })).to.equal('to');
    expect(problemOf({ from: '2026-03-01T00:00:00+08:00', to: '2026-03-31' })).to.equal('from');
    expect(problemOf({ from: '26-03-01', to: '2026-03-31' })).to.equal('from');
  });

  it('refuses a repeated parameter', () => {
    expect(problemOf({ from: ['2026-03-01', '2026-03-02'], to: '2026-03-31' })).to.equal('from');
    expect(problemOf({ from: '2026-03-01', to: '2026-03-31', node: ['610203', '610204'] })).to.equal('node');
  });

  it('wants to on or after from', () => {
    expect(problemOf({ from: '2026-03-02', to: '2026-03-01' })).to.equal('to');
    expect(problemOf({ from: '2026-03-02', to: '2026-03-02' })).to.equal(null);
  });

  it('sums at most 3 years: to before the same date 3 years after from', () => {
    expect(problemOf({ from: '2023-01-01', to: '2025-12-31' })).to.equal(null);
    expect(problemOf({ from: '2023-01-01', to: '2026-01-01' })).to.equal('to');
    expect(problemOf({ from: '2024-02-29', to: '2027-02-27' })).to.equal(null);
    expect(problemOf({ from: '2024-02-29', to: '2027-02-28' })).to.equal('to');
    const parsed = parse({ from: '2023-01-01', to: '2030-01-01' });
    expect(parsed.ok ? null : parsed.problem.problem).to.match(/3 years/);
  });

  it('adds calendar years, 29 February becoming 28 February', () => {
    expect(addYears('2023-03-01', 3)).to.equal('2026-03-01');
    expect(addYears('2024-02-29', 3)).to.equal('2027-02-28');
    expect(addYears('2024-02-29', 4)).to.equal('2028-02-29');
    expect(addYears('2024-02-28', 1)).to.equal('2025-02-28');
  });

  it('knows the three groupings only', () => {
    for (const groupBy of ['node', 'department', 'item']) expect(problemOf({ from: '2026-03-01', to: '2026-03-01', groupBy })).to.equal(null);
    for (const groupBy of ['day', 'Node', 'departmentCode']) expect(problemOf({ from: '2026-03-01', to: '2026-03-01', groupBy })).to.equal('groupBy');
  });

  it('wants a 6-digit node code', () => {
    for (const node of ['61020', '6102030', 'abcdef', '610 20']) expect(problemOf({ from: '2026-03-01', to: '2026-03-01', node }), node).to.equal('node');
  });

  it('names the first field in order from, to, groupBy, node', () => {
    expect(problemOf({ from: 'x', to: 'y', groupBy: 'z', node: 'w' })).to.equal('from');
    expect(problemOf({ from: '2026-03-01', to: 'y', groupBy: 'z', node: 'w' })).to.equal('to');
    expect(problemOf({ from: '2026-03-01', to: '2026-03-01', groupBy: 'z', node: 'w' })).to.equal('groupBy');
  });
});
