import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A bulk import: the body is kept in the database so a restarted worker can finish it. */
export const ImportJob = defineEntity({
  name: 'ImportJob',
  tableName: 'imports',
  properties: {
    id: p.uuid().primary(),
    format: p.string().length(16),
    status: p.string().length(16),
    body: p.blob().lazy(),
    totalRows: p.integer().nullable(),
    processedRows: p.integer().default(0),
    accepted: p.integer().default(0),
    duplicates: p.integer().default(0),
    rejected: p.integer().default(0),
    error: p.string().length(1000).nullable(),
    createdAt: p.datetime(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});
export type ImportJob = InferEntity<typeof ImportJob>;
