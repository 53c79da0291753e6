/**
 * The BullMQ queue of bulk imports. The job id is the import id, so enqueueing twice (a retry of
 * the POST, the recovery at start) never runs one import twice at once.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const IMPORT_QUEUE = 'imports';

export interface ImportJobData {
  importId: string;
}

export class ImportQueue {
  readonly queue: Queue<ImportJobData>;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue<ImportJobData>(IMPORT_QUEUE, {
      connection, prefix,
      defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 },
    });
  }

  async enqueue(importId: string): Promise<void> {
    await this.queue.add('import', { importId }, { jobId: importId });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
