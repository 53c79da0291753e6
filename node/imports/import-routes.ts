/** `/api/v1/imports`: submit a CSV or NDJSON body (202 + id), then follow its progress (route contracts). */
import { randomUUID } from 'node:crypto';
import Type from 'typebox';
import getRawBody from 'raw-body';
import { AppError } from '../core/errors.ts';
import { defineRoute, type RouteShape } from '../core/route-contract.ts';
import { Uuid } from '../core/schema-types.ts';
import type { ImportQueue } from './import-queue.ts';
import { checkCsvHeader, formatOf } from './import-rows.ts';
import { MAX_LISTED_REJECTIONS, findImport, importRejections, insertImport } from './import-store.ts';

export interface ImportRouteDeps {
  queue: ImportQueue;
  limitBytes: number;
  now: () => Date;
}

export function importRoutes(deps: ImportRouteDeps): RouteShape[] {
  const submit = defineRoute({
    method: 'POST', path: '/imports', summary: '提交批量导入 (submit a CSV or NDJSON import; answered 202 with its id)',
    description: 'Content-Type text/csv or application/x-ndjson; the body is read as it streams.', body: 'raw', response: { status: 202 },
    handler: async (ctx) => {
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
      await insertImport(ctx.state.em, id, format, body, deps.now());
      // Queued once the stored body committed with the audit entry (a worker must find it).
      ctx.state.afterCommit(async () => {
        try {
          await deps.queue.enqueue(id);
        } catch (error) {
          // The import is stored; the node enqueues unfinished imports again when it starts.
          ctx.state.log.error({ err: error, importId: id }, 'could not enqueue import');
        }
      });
      ctx.status = 202;
      ctx.set('Location', `/api/v1/imports/${id}`);
      ctx.body = { id, status: 'queued', format };
    },
  });

  const progress = defineRoute({
    method: 'GET', path: '/imports/:id', summary: '导入进度与被拒行 (an import\'s progress and refused rows)',
    params: Type.Object({ id: Uuid() }),
    handler: async (ctx) => {
      const { id } = ctx.input.params;
      const row = await findImport(ctx.state.em, id);
      if (!row) throw new AppError('NOT_FOUND', { import: id });
      const rejectedRows = await importRejections(ctx.state.em, id);
      const total = row.totalRows as number | null;
      ctx.body = {
        ...row,
        progress: total ? Math.round(((row.processedRows as number) / total) * 1000) / 10 : (row.status === 'done' ? 100 : 0),
        rejectedRows,
        rejectedRowsTruncated: rejectedRows.length === MAX_LISTED_REJECTIONS,
      };
    },
  });

  return [submit, progress];
}
