/**
 * Loads a county's catalog (departments, then items) into its node with idempotent PUTs, as the
 * node's administrator sets it up: before any department system may report for a department, and
 * before department staff can be bound to one (both must name departments of the catalog).
 */
import { excerpt, type DemoClient } from './demo-client.ts';
import type { CatalogDepartment, CatalogItem } from './catalog.ts';

/** PUTs every department and item; answers how many the node refused (each one logged). */
export async function loadCatalog(
  client: DemoClient,
  catalog: { departments: readonly CatalogDepartment[]; items: readonly CatalogItem[] },
  log: (message: string) => void,
): Promise<number> {
  let failures = 0;
  for (const { code, name } of catalog.departments) {
    const answer = await client.request('PUT', `/api/v1/departments/${encodeURIComponent(code)}`, { name });
    if (answer.status >= 400) {
      failures++;
      log(`目录: 部门 ${code} 加载失败 department refused: HTTP ${answer.status} ${excerpt(answer.body)}`);
    }
  }
  for (const { itemCode, ...body } of catalog.items) {
    const answer = await client.request('PUT', `/api/v1/items/${encodeURIComponent(itemCode)}`, body);
    if (answer.status >= 400) {
      failures++;
      log(`目录: 事项 ${itemCode} 加载失败 item refused: HTTP ${answer.status} ${excerpt(answer.body)}`);
    }
  }
  log(`目录: 已加载事项目录 catalog loaded (${catalog.departments.length} departments, ${catalog.items.length} items, ${failures} refused)`);
  return failures;
}
