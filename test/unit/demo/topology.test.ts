/** The demo federation's layout and the second county's catalog, derived from the first. */
import { expect } from 'chai';
import { DEMO_COUNTY_CODE, DEMO_DEPARTMENTS, DEMO_ITEMS } from '../../../node/demo/catalog.ts';
import { DEMO_NODES, SECOND_COUNTY_CODE, SECOND_COUNTY_NAME, countyCatalog, deriveCountyCatalog } from '../../../node/demo/topology.ts';

describe('demo/topology', () => {
  it('lists parents before children, each below its parent, on distinct ports', () => {
    const seen = new Map<string, string>();
    for (const node of DEMO_NODES) {
      if (node.parent !== null) expect(seen.has(node.parent), `${node.code}'s parent comes first`).to.equal(true);
      seen.set(node.code, node.level);
    }
    expect(DEMO_NODES.map((node) => node.level)).to.deep.equal(['province', 'city', 'county', 'county']);
    expect(new Set(DEMO_NODES.map((node) => node.portOffset)).size).to.equal(DEMO_NODES.length);
  });

  it('gives the second county the same services under its own codes and names', () => {
    const { departments, items } = deriveCountyCatalog(SECOND_COUNTY_CODE, SECOND_COUNTY_NAME);
    expect(departments).to.have.length(DEMO_DEPARTMENTS.length);
    expect(items).to.have.length(DEMO_ITEMS.length);
    const codes = [...departments.map((d) => d.code), ...items.flatMap((i) => [i.itemCode, i.departmentCode])];
    expect(codes.every((code) => code.startsWith(`${SECOND_COUNTY_CODE}-`)), codes.join(' ')).to.equal(true);
    expect(departments.every((d) => d.name.startsWith(SECOND_COUNTY_NAME)), departments.map((d) => d.name).join(' ')).to.equal(true);
    // Every item belongs to one of the county's own departments.
    const own = new Set(departments.map((d) => d.code));
    expect(items.filter((i) => !own.has(i.departmentCode))).to.deep.equal([]);
    // Same limits, fees and names as the first county, item by item.
    items.forEach((item, index) => {
      const original = DEMO_ITEMS[index]!;
      expect({ ...item, itemCode: original.itemCode, departmentCode: original.departmentCode }).to.deep.equal(original);
      expect(item.itemCode).to.equal(original.itemCode.replace(DEMO_COUNTY_CODE, SECOND_COUNTY_CODE));
    });
  });

  it('keeps the first county on the demo catalog itself', () => {
    const first = DEMO_NODES.find((node) => node.code === DEMO_COUNTY_CODE)!;
    expect(countyCatalog(first)).to.deep.equal({ departments: DEMO_DEPARTMENTS, items: DEMO_ITEMS });
  });
});
