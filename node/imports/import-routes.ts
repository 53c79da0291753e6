/** `/api/v1/imports`: submit a CSV or NDJSON body (202 + id), then follow its progress. */
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import getRawBody from 'raw-body';
import { AppError } from '../core/errors.ts';
import type { RequestState } from '../http/state.ts';
import { execute, query } from '../db/sql.ts';
import type { ImportQueue } from './import-queue.ts';
import { isoSql } from '../cases/case-store.ts';
import { checkCsvHeader, formatOf } from './import-rows.ts';

export interface ImportRouteDeps {
  queue: ImportQueue;
  limitBytes: number;
  now: () => Date;
}

/** Rejected rows listed in one answer; the rest are at /rejections?source=import:<id>. */
const MAX_LISTED_REJECTIONS = 10000;

export function importRouter(deps: ImportRouteDeps): Router<RequestState> {
  const router = new Router<RequestState>();

  router.post('/imports', async (ctx) => {
    const format = formatOf(ctx.get('content-type'));
    if (!format) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { field: 'Content-Type', allowed: ['text/csv', 'application/x-ndjson'] });
    let body: string;
    try {
      body = await getRawBody(ctx.req, { limit: deps.limitBytes, encoding: 'utf-8' });
    } catch (error) {
      if ((error as { type?: string }).type === 'entity.too.large') throw new AppError('PAYLOAD_TOO_LARGE', { limitBytes: deps.limitBytes });
      throw error;
    }
    if (body.trim() === '') throw new AppError('VALIDATION_FAILED', { field: 'body', problem: 'empty' });
    if (format === 'csv') checkCsvHeader(body);
    const id = randomUUID();
    await execute(ctx.state.em, `INSERT INTO imports (id, format, status, body, processed_rows, accepted, duplicates, rejected, created_at)
      VALUES ($1, $2, 'queued', $3, 0, 0, 0, 0, $4)`, [id, format, Buffer.from(body, 'utf8'), deps.now()]);
    try {
      await deps.queue.enqueue(id);
    } catch (error) {
      // The import is stored; the node enqueues unfinished imports again when it starts.
      ctx.state.log.error({ err: error, importId: id }, 'could not enqueue import');
    }
    ctx.status = 202;
    ctx.set('Location', `/api/v1/imports/${id}`);
    ctx.body = { id, status: 'queued', format };
  });

  router.get('/imports/:id', async (ctx) => {
    const id = ctx.params.id ?? '';
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new AppError('INVALID_PARAMETER', { field: 'id', problem: 'must be an import id' });
    const [row] = await query<Record<string, unknown>>(ctx.state.em, `SELECT id, format, status, total_rows AS "totalRows",
        processed_rows AS "processedRows", accepted, duplicates, rejected, error,
        ${isoSql('created_at')} AS "createdAt", ${isoSql('started_at')} AS "startedAt", ${isoSql('finished_at')} AS "finishedAt"
      FROM imports WHERE id = $1`, [id]);
    if (!row) throw new AppError('NOT_FOUND', { import: id });
    const rejectedRows = await query(ctx.state.em, `SELECT line, event_id AS "eventId", code, message, details
      FROM rejections WHERE source = $1 ORDER BY line, id LIMIT ${MAX_LISTED_REJECTIONS}`, [`import:${id}`]);
    const total = row.totalRows as number | null;
    ctx.body = {
      ...row,
      progress: total ? Math.round(((row.processedRows as number) / total) * 1000) / 10 : (row.status === 'done' ? 100 : 0),
      rejectedRows,
      rejectedRowsTruncated: rejectedRows.length === MAX_LISTED_REJECTIONS,
    };
  });

  return router;
}
