/**
 * The queue declaration (node/jobs/define-queue.ts) against a real Redis: job data is checked
 * against the queue's schema on both sides, a job whose data does not fit fails at once without
 * retries, several workers upserting the same scheduler make one, and each job runs once however
 * many workers share the queue.
 */
import { expect } from 'chai';
import { Redis } from 'ioredis';
import pino from 'pino';
import { defineQueue, JobProducer, startQueueWorker, type QueueWorker } from '../../node/core/define-queue.ts';
import { REDIS_URL, uniqueQueuePrefix } from '../support/test-database.ts';

interface Data {
  n: number;
}

interface Deps {
  ran: number[];
  failedForGood: string[];
}

const silent = pino({ level: 'silent' });

const until = async (what: string, check: () => boolean | Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('integration: defineQueue', function () {
  this.timeout(30_000);
  const definition = defineQueue<Data, Deps>({
    name: 'test-queue',
    jobSchema: { type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'integer', minimum: 0 } } },
    attempts: 3,
    backoff: { type: 'fixed', delay: 10 },
    concurrency: 2,
    keep: { completed: 100, failed: 100 },
    async handler(job, deps) {
      deps.ran.push(job.data.n);
    },
    scheduler: () => ({ id: 'test-every-hour', everyMs: 3_600_000, data: { n: 0 } }),
    async onFailedForGood(job, error, deps) {
      deps.failedForGood.push(`${job.id}: ${error.message}`);
    },
  });
  let redis: Redis;
  let producer: JobProducer<Data, Deps, void>;
  const workers: QueueWorker[] = [];
  const deps: Deps[] = [{ ran: [], failedForGood: [] }, { ran: [], failedForGood: [] }];

  before(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = uniqueQueuePrefix('define-queue');
    producer = new JobProducer(definition, redis, prefix);
    for (const own of deps) workers.push(await startQueueWorker(definition, own, producer, redis, prefix, silent));
  });
  after(async () => {
    for (const worker of workers) await worker.close();
    await producer?.close();
    await redis?.quit();
  });

  it('refuses to add a job whose data does not fit the schema', () => {
    expect(() => producer.add({ n: -1 })).to.throw(/does not fit its schema: \/n must be >= 0/);
    expect(() => producer.add({ n: 1, extra: true } as Data)).to.throw(/must NOT have additional properties/);
  });

  it('fails a job that does not fit when it runs, at once and for good (UnrecoverableError)', async () => {
    // Written past the producer's check, as another version of the code could have.
    const job = await producer.queue.add(definition.name, { n: 'seven' }, { jobId: 'bad-data' });
    await until('the bad job failed', async () => (await producer.queue.getJobState(job.id!)) === 'failed');
    const failed = await producer.queue.getJob(job.id!);
    expect(failed?.attemptsMade, 'no retry').to.equal(1);
    expect(failed?.failedReason).to.include('job data does not fit the test-queue schema): /n must be integer');
    // There is nothing of it to record: its data names nothing.
    expect(deps.flatMap((own) => own.failedForGood)).to.deep.equal([]);
  });

  it('keeps one scheduler however many workers upsert it', async () => {
    const schedulers = await producer.queue.getJobSchedulers();
    expect(schedulers.map((scheduler) => [scheduler.key, scheduler.every])).to.deep.equal([['test-every-hour', 3_600_000]]);
  });

  it('runs each job once with two workers on the queue, and a job id once however often it is added', async () => {
    for (let n = 1; n <= 40; n++) await producer.add({ n });
    await producer.add({ n: 100 }, { jobId: 'only-once' });
    await producer.add({ n: 100 }, { jobId: 'only-once' });
    const added = (): number[] => [...deps[0]!.ran, ...deps[1]!.ran].filter((n) => n !== 0).sort((a, b) => a - b);
    await until('41 jobs ran', () => added().length >= 41);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(added()).to.deep.equal([...Array.from({ length: 40 }, (_, i) => i + 1), 100]);
    // The scheduler's first job (n 0) comes at once; both workers upserted it, it ran once.
    expect([...deps[0]!.ran, ...deps[1]!.ran].filter((n) => n === 0)).to.deep.equal([0]);
  });
});
