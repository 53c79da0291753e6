/**
 * The demo federation: 陕西省 (province) above 铜川市 (city) above two of its districts,
 * 印台区 and 耀州区 (counties). Each node listens on the base port plus its offset and keeps its
 * own database; the second county's catalog is the first one's with its own codes and names.
 */
import type { NodeLevel } from '../config/settings.ts';
import { DEMO_COUNTY_CODE, DEMO_COUNTY_NAME, DEMO_DEPARTMENTS, DEMO_ITEMS, type CatalogDepartment, type CatalogItem } from './catalog.ts';

/** One node of the demo. */
export interface DemoNode {
  code: string;
  level: NodeLevel;
  /** Place name (行政区划名称). */
  place: string;
  /** Code of the parent node; null at the province. */
  parent: string | null;
  /** Added to the base port. */
  portOffset: number;
}

export const SECOND_COUNTY_CODE = '610204';
export const SECOND_COUNTY_NAME = '铜川市耀州区';

/** Parents before children: the order in which the nodes start and enroll. */
export const DEMO_NODES: readonly DemoNode[] = [
  { code: '610000', level: 'province', place: '陕西省', parent: null, portOffset: 0 },
  { code: '610200', level: 'city', place: '铜川市', parent: '610000', portOffset: 1 },
  { code: DEMO_COUNTY_CODE, level: 'county', place: DEMO_COUNTY_NAME, parent: '610200', portOffset: 2 },
  { code: SECOND_COUNTY_CODE, level: 'county', place: SECOND_COUNTY_NAME, parent: '610200', portOffset: 3 },
];

/** 节点名称 of a demo node. */
export const nodeName = (node: DemoNode): string => `${node.place}电子监察节点`;

/** A county catalog (departments and items). */
export interface CountyCatalog {
  departments: readonly CatalogDepartment[];
  items: readonly CatalogItem[];
}

/**
 * The demo catalog as another county would list it: the same services and limits, every code
 * under `code` instead of the demo county's, every department named after `place`.
 */
export function deriveCountyCatalog(code: string, place: string): CountyCatalog {
  const recode = (value: string): string => (value.startsWith(DEMO_COUNTY_CODE) ? code + value.slice(DEMO_COUNTY_CODE.length) : value);
  return {
    departments: DEMO_DEPARTMENTS.map((department) => ({ code: recode(department.code), name: department.name.replace(DEMO_COUNTY_NAME, place) })),
    items: DEMO_ITEMS.map((item) => ({ ...item, itemCode: recode(item.itemCode), departmentCode: recode(item.departmentCode) })),
  };
}

/** The catalog of a demo county. */
export function countyCatalog(node: DemoNode): CountyCatalog {
  return node.code === DEMO_COUNTY_CODE ? { departments: DEMO_DEPARTMENTS, items: DEMO_ITEMS } : deriveCountyCatalog(node.code, node.place);
}
