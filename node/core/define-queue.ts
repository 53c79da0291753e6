/**
 * One declaration per BullMQ queue: its name, the JSON schema of its job data, its handler, retries,
 * concurrency, and optionally the job scheduler and the recovery its workers keep in place. The
 * same declaration gives a producer (every process: the web process only enqueues) and a worker
 * (the processes that run jobs, NODE_PROCESS=worker or all), so web and worker processes of one
 * node can never disagree about a queue.
 *
 * Jobs are idempotent by construction of their handlers (a job id that names the work, or work
 * that commits what it did); several workers on one queue share its jobs, a scheduler with a fixed
 * id fires once per interval however many workers upsert it, and a job whose data does not fit its
 * schema fails at once (UnrecoverableError) instead of being retried.
 */
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Ajv2020, type JSONSchemaType, type ValidateFunction } from 'ajv/dist/2020.js';

const ajv = new Ajv2020({ strict: true, allErrors: false });

/** A job scheduler kept by the workers: a fixed id, so every worker upserting it makes one scheduler. */
export interface QueueScheduler<Data> {
  id: string;
  /** The interval in milliseconds, or null when this node runs no such scheduler (it is removed). */
  everyMs: number | null;
  data: Data;
}

/** What a queue declares; `Deps` is what its handler needs, handed to the worker when it starts. */
export interface QueueSpec<Data, Deps, Result> {
  name: string;
  /** The JSON schema of `job.data` (Ajv, strict): checked before a job is added and before it runs. */
  jobSchema: JSONSchemaType<Data>;
  attempts: number;
  backoff?: { type: 'exponential' | 'fixed'; delay: number };
  concurrency: number;
  /** How many ended jobs Redis keeps (true: none). The database keeps what matters. */
  keep: { completed: number | true; failed: number | true };
  handler: (job: Job<Data, Result>, deps: Deps) => Promise<Result>;
  /** The job scheduler every worker of the queue upserts (at start and whenever Redis comes back). */
  scheduler?: (deps: Deps) => QueueScheduler<Data>;
  /**
   * Work the database says is unfinished, queued again by every worker at start and whenever Redis
   * comes back (a Redis that restarted empty has forgotten it). The job ids make this idempotent.
   */
  recover?: (deps: Deps) => Promise<{ data: Data; jobId: string }[]>;
  /** Called once a job failed for good: no attempts left, or unrecoverable. */
  onFailedForGood?: (job: Job<Data, Result>, error: Error, deps: Deps) => Promise<void>;
}

export interface QueueDefinition<Data, Deps, Result> extends QueueSpec<Data, Deps, Result> {
  /** The first problem of `data` against the job schema, or null when it fits. */
  problemOf(data: unknown): string | null;
}

/** Declares a queue (see the file comment). */
export function defineQueue<Data, Deps, Result = void>(spec: QueueSpec<Data, Deps, Result>): QueueDefinition<Data, Deps, Result> {
  const validate: ValidateFunction<Data> = ajv.compile(spec.jobSchema);
  return {
    ...spec,
    problemOf(data) {
      if (validate(data)) return null;
      const error = validate.errors?.[0];
      return error ? `${error.instancePath || '/'} ${error.message ?? 'invalid'}` : 'invalid';
    },
  };
}

/** Whether `job` will not be tried again after `error`. */
export function failedForGood(job: Job, error: Error): boolean {
  return error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** The producer side of a queue: adds jobs (checked against the schema) and can wait for one. */
export class JobProducer<Data, Deps, Result> {
  // Untyped inside: the schema, not BullMQ's generics, is what checks the data of every job.
  readonly queue: Queue<unknown, unknown, string>;
  readonly #definition: QueueDefinition<Data, Deps, Result>;
  #events: QueueEvents | null = null;
  #eventsConnection: Redis | null = null;

  /** `waits`: opens a QueueEvents connection, for callers that wait for a job to finish. */
  constructor(definition: QueueDefinition<Data, Deps, Result>, connection: Redis, prefix: string, options: { waits?: boolean } = {}) {
    this.#definition = definition;
    this.queue = new Queue<unknown, unknown, string>(definition.name, {
      connection, prefix,
      defaultJobOptions: {
        attempts: definition.attempts, ...(definition.backoff ? { backoff: definition.backoff } : {}),
        removeOnComplete: definition.keep.completed, removeOnFail: definition.keep.failed,
      },
    });
    if (options.waits) {
      this.#eventsConnection = connection.duplicate();
      // The worker's 'error' log reports an outage; this would otherwise print every reconnect.
      this.#eventsConnection.on('error', () => undefined);
      this.#events = new QueueEvents(definition.name, { connection: this.#eventsConnection, prefix });
    }
  }

  /** Resolves once the producer can wait for jobs (its QueueEvents is listening). */
  async ready(): Promise<void> {
    await this.#events?.waitUntilReady();
  }

  #check(data: Data): void {
    const problem = this.#definition.problemOf(data);
    // A caller in this codebase built the data: a mismatch is a bug, not a request to refuse.
    if (problem !== null) throw new Error(`job data for queue ${this.#definition.name} does not fit its schema: ${problem}`);
  }

  /** Adds one job, to run after `delayMs` when given; a `jobId` already held by the queue makes this change nothing. */
  add(data: Data, options: { jobId?: string; delayMs?: number } = {}): Promise<Job<Data, Result>> {
    this.#check(data);
    return this.queue.add(this.#definition.name, data, {
      ...(options.jobId ? { jobId: options.jobId } : {}), ...(options.delayMs ? { delay: options.delayMs } : {}),
    }) as Promise<Job<Data, Result>>;
  }

  async addBulk(jobs: readonly { data: Data; jobId: string }[]): Promise<void> {
    if (jobs.length === 0) return;
    for (const job of jobs) this.#check(job.data);
    await this.queue.addBulk(jobs.map((job) => ({ name: this.#definition.name, data: job.data, opts: { jobId: job.jobId } })));
  }

  /** Waits until `job` finished and answers its result (throws its failure, or after `ttlMs`). */
  async waitFor(job: Job<Data, Result>, ttlMs: number): Promise<Result> {
    if (!this.#events) throw new Error(`the producer of queue ${this.#definition.name} was opened without waits`);
    return await job.waitUntilFinished(this.#events, ttlMs) as Result;
  }

  async close(): Promise<void> {
    await this.#events?.close();
    await this.queue.close();
    this.#eventsConnection?.disconnect();
  }
}

/** A running worker of one queue. */
export interface QueueWorker {
  readonly worker: Worker<unknown, unknown, string>;
  /** Stops taking jobs, waits for the running ones (BullMQ's graceful close) and disconnects. */
  close(): Promise<void>;
}

/**
 * Starts the one worker of `definition` in this process, on a duplicate of `connection`; upserts its
 * scheduler and queues its unfinished work (now, and on every reconnect of `connection`) through
 * `producer`.
 */
export async function startQueueWorker<Data, Deps, Result>(
  definition: QueueDefinition<Data, Deps, Result>, deps: Deps, producer: JobProducer<Data, Deps, Result>,
  connection: Redis, prefix: string, logger: Logger,
): Promise<QueueWorker> {
  const log = logger.child({ queue: definition.name });
  const workerConnection = connection.duplicate();
  workerConnection.on('error', () => undefined);
  const worker = new Worker<unknown, unknown, string>(definition.name, async (job) => {
    const problem = definition.problemOf(job.data);
    if (problem !== null) throw new UnrecoverableError(`任务数据不符合队列 ${definition.name} 的格式 (job data does not fit the ${definition.name} schema): ${problem}`);
    // The data fits the schema: the job is this queue's.
    return definition.handler(job as Job<Data, Result>, deps);
  }, { connection: workerConnection, prefix, concurrency: definition.concurrency });
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
  worker.on('failed', (job, error) => {
    if (!job) return;
    log.warn({ jobId: job.id, attemptsMade: job.attemptsMade, err: error }, '任务失败 (job attempt failed)');
    // A job whose data does not fit has nothing to record against.
    if (!failedForGood(job, error) || !definition.onFailedForGood || definition.problemOf(job.data) !== null) return;
    definition.onFailedForGood(job as Job<Data, Result>, error, deps).catch((err: unknown) => log.error({ err, jobId: job.id }, 'could not record a job that failed for good'));
  });

  const restore = async (): Promise<void> => {
    const scheduler = definition.scheduler?.(deps);
    if (scheduler) {
      if (scheduler.everyMs === null) await producer.queue.removeJobScheduler(scheduler.id);
      else await producer.queue.upsertJobScheduler(scheduler.id, { every: scheduler.everyMs }, { name: definition.name, data: scheduler.data });
    }
    if (definition.recover) await producer.addBulk(await definition.recover(deps));
  };
  await restore();
  // A Redis that comes back empty has forgotten the scheduler and the queued work: put both back.
  let closing = false;
  const onReady = (): void => {
    if (closing) return;
    restore().catch((error: unknown) => log.warn({ err: error }, '队列未能恢复, 下次重连时重试 (queue not restored; retried on the next reconnect)'));
  };
  connection.on('ready', onReady);

  return {
    worker,
    async close() {
      closing = true;
      connection.off('ready', onReady);
      await worker.close();
      workerConnection.disconnect();
    },
  };
}
