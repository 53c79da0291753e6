/**
 * The queue of bulk imports ('imports'). The job id is the import id, so enqueueing twice (a retry
 * of the POST, the recovery when a worker starts) never runs one import twice at once; a worker
 * that died mid-import resumes after the last committed chunk. One job at a time per worker.
 */
import { defineQueue, type JobProducer } from '../core/define-queue.ts';
import { markImportFailed, runImport, unfinishedImports, type ImportJobData, type ImportWorkerDeps } from './import-worker.ts';

export const IMPORT_QUEUE = 'imports';
export type { ImportJobData };

export const importQueue = defineQueue<ImportJobData, ImportWorkerDeps>({
  name: IMPORT_QUEUE,
  jobSchema: {
    type: 'object', additionalProperties: false, required: ['importId'],
    properties: { importId: { type: 'string', minLength: 1, maxLength: 100 } },
  },
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  concurrency: 1,
  keep: { completed: 1000, failed: 5000 },
  handler: (job, deps) => runImport(deps, job),
  recover: async (deps) => (await unfinishedImports(deps.orm.em.fork())).map((importId) => ({ data: { importId }, jobId: importId })),
  async onFailedForGood(job, error, deps) {
    deps.logger.error({ importId: job.data.importId, err: error, attemptsMade: job.attemptsMade }, '导入失败 (import failed)');
    await markImportFailed(deps, job.data.importId);
  },
});

/** What the import routes need: queueing a stored import. */
export interface ImportQueue {
  enqueue(importId: string): Promise<void>;
}

/** The import routes' view of the imports producer. */
export function importEnqueuer(producer: JobProducer<ImportJobData, ImportWorkerDeps, void>): ImportQueue {
  return {
    async enqueue(importId) {
      await producer.add({ importId }, { jobId: importId });
    },
  };
}
