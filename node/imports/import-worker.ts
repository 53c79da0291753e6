/**
 * The import job's work (the queue is declared in import-queue.ts): parses the stored body and ingests it in chunks. Each chunk's events and the
 * import's counters commit in one transaction, so a worker that dies mid-import resumes after the
 * last committed row and nothing is counted twice. Progress is reported on the job and the row.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { execute, query } from '../core/db.ts';
import { ingestEvents } from '../cases/ingest.ts';
import { insertRejections } from '../cases/case-store.ts';
import { eventError } from '../cases/event-rejection.ts';
import type { OccurredAtLimits } from '../cases/occurred-at-window.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import type { NodeMetrics } from '../health/metrics.ts';
import { parseImportRows, type ImportFormat, type ImportRow } from './import-rows.ts';

const CHUNK_ROWS = 2000;

export interface ImportWorkerDeps {
  orm: MikroORM;
  rules: TimeRules;
  /** The occurredAt window a row's event must fall in, as for the API. */
  settings: OccurredAtLimits;
  logger: Logger;
  metrics: NodeMetrics;
  now: () => Date;
  /** After each committed chunk, with the cases it touched (the node logs the new events and sweeps those cases). */
  afterChunk?: (touchedCases: string[]) => void;
}

interface ImportHead {
  format: ImportFormat;
  status: string;
  processed_rows: number;
  body: Buffer;
}

async function ingestChunk(em: EntityManager, deps: ImportWorkerDeps, importId: string, rows: ImportRow[], processedAfter: number): Promise<{ accepted: number; duplicates: number; rejected: number; touchedCases: string[] }> {
  const source = `import:${importId}`;
  const receivedAt = deps.now();
  return em.transactional(async (tx) => {
    const parsed = rows.filter((row) => row.problem === undefined);
    const broken = rows.filter((row) => row.problem !== undefined);
    const summary = await ingestEvents(tx, deps.rules, parsed.map((row) => row.value), {
      source, receivedAt, fieldPrefix: (index) => `line ${parsed[index]?.line}`, lineOf: (index) => parsed[index]?.line ?? 0, occurredAtLimits: deps.settings,
    });
    await insertRejections(tx, broken.map((row) => {
      const error = eventError('VALIDATION_FAILED', { field: `line ${row.line}`, problem: row.problem });
      return { event_id: null, case_no: null, code: error.code, message: error.message, details: error.details, payload: row.value, line: row.line };
    }), source, receivedAt);
    const rejected = summary.rejected + broken.length;
    await execute(tx, `UPDATE imports SET processed_rows = $2, accepted = accepted + $3, duplicates = duplicates + $4, rejected = rejected + $5
      WHERE id = $1`, [importId, processedAfter, summary.accepted, summary.duplicates, rejected]);
    return { accepted: summary.accepted, duplicates: summary.duplicates, rejected, touchedCases: summary.touchedCases };
  });
}

/** The data of one import job: the job id is the import id too. */
export interface ImportJobData {
  importId: string;
}

/** Runs (or resumes after the last committed chunk) one import; a finished one returns at once. */
export async function runImport(deps: ImportWorkerDeps, job: Job<ImportJobData>): Promise<void> {
  const { importId } = job.data;
  const em = deps.orm.em.fork();
  const [head] = await query<ImportHead>(em, 'SELECT format, status, processed_rows, body FROM imports WHERE id = $1', [importId]);
  if (!head) throw new UnrecoverableError(`import ${importId} does not exist`);
  if (head.status === 'done' || head.status === 'failed') return;
  await execute(em, "UPDATE imports SET status = 'running', started_at = coalesce(started_at, $2) WHERE id = $1", [importId, deps.now()]);

  const rows = parseImportRows(head.format, head.body.toString('utf8'));
  await execute(em, 'UPDATE imports SET total_rows = $2 WHERE id = $1', [importId, rows.length]);
  const log = deps.logger.child({ importId });
  for (let start = head.processed_rows; start < rows.length; start += CHUNK_ROWS) {
    const chunk = rows.slice(start, start + CHUNK_ROWS);
    const counts = await ingestChunk(em, deps, importId, chunk, start + chunk.length);
    deps.metrics.importRows.inc({ status: 'accepted' }, counts.accepted);
    deps.metrics.importRows.inc({ status: 'duplicate' }, counts.duplicates);
    deps.metrics.importRows.inc({ status: 'rejected' }, counts.rejected);
    deps.afterChunk?.(counts.touchedCases);
    await job.updateProgress({ processedRows: start + chunk.length, totalRows: rows.length });
    log.info({ processedRows: start + chunk.length, totalRows: rows.length }, '导入进度 (import progress)');
  }
  await execute(em, "UPDATE imports SET status = 'done', finished_at = $2 WHERE id = $1", [importId, deps.now()]);
}

/**
 * Marks an import failed once its job has no attempts left. No row's content fails an import (each
 * is accepted or refused on its own), so what is left is the node's trouble (its database, its
 * Redis, a bug): the caller reads what was kept and how to go on, the node's log has the error (the
 * queue logs it with the import id). Its message never reaches GET /imports/{id}: SQL or JS text
 * names the node's internals and says nothing a sender can act on.
 */
export async function markImportFailed(deps: Pick<ImportWorkerDeps, 'orm' | 'now'>, importId: string): Promise<void> {
  const em = deps.orm.em.fork();
  const [row] = await query<{ processed_rows: number }>(em, 'SELECT processed_rows FROM imports WHERE id = $1', [importId]);
  await execute(em, "UPDATE imports SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1", [importId, failedMessage(row?.processed_rows ?? 0), deps.now()]);
}

/** What a failed import tells its sender: every committed row stays, and a resend goes on from there. */
export function failedMessage(processedRows: number): string {
  return `导入因节点故障中止 (已多次重试), 前 ${processedRows} 行已处理并保存; 重新提交同一文件即可继续, 已接收的事件计为重复; 原因见节点日志 `
    + `(the import stopped on a fault of the node after several tries; its first ${processedRows} rows were processed and kept. `
    + 'Submit the same file again to go on: events already taken count as duplicates. The cause is in the node\'s log)';
}

/** Imports left queued or running by a stopped node, to enqueue again at start. */
export async function unfinishedImports(em: EntityManager): Promise<string[]> {
  const rows = await query<{ id: string }>(em, "SELECT id FROM imports WHERE status IN ('queued', 'running') ORDER BY created_at");
  return rows.map((row) => row.id);
}
