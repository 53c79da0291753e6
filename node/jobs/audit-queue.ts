/**
 * The re-supervision queue ('audits'): one job per audit, its id the audit's id, so queueing an
 * audit twice (the API, then a worker's recovery at start) runs it once. An audit records its own
 * outcome (done or failed) and a rerun after a crash starts it over, so a repeated run is harmless.
 * The worker reloads the calendar and policy first when another process changed them.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { type FederationContext, type AuditHost, type AuditTrigger, runAudit, unfinishedAudits } from '../../federation/index.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import { defineQueue, type JobProducer } from '../core/define-queue.ts';

export const AUDIT_QUEUE = 'audits';
/** How long `?wait=true` waits for an audit before answering it as it stands. */
const WAIT_MS = 10 * 60 * 1000;

export interface AuditJobData {
  auditId: string;
}

export interface AuditWorkerDeps {
  context: FederationContext;
  host: AuditHost;
  orm: MikroORM;
  rules: TimeRules;
}

export const auditQueue = defineQueue<AuditJobData, AuditWorkerDeps>({
  name: AUDIT_QUEUE,
  jobSchema: {
    type: 'object', additionalProperties: false, required: ['auditId'],
    properties: { auditId: { type: 'string', minLength: 1, maxLength: 100 } },
  },
  attempts: 1,
  concurrency: 1,
  keep: { completed: 100, failed: 500 },
  async handler(job, deps) {
    await deps.rules.refresh(deps.orm.em.fork());
    await runAudit(deps.context, deps.host, job.data.auditId);
  },
  recover: async (deps) => (await unfinishedAudits(deps.context.sql)).map((auditId) => ({ data: { auditId }, jobId: auditId })),
});

/** The API's audit trigger over the producer (which must wait: opened with `waits`). */
export function auditTrigger(producer: JobProducer<AuditJobData, AuditWorkerDeps, void>): AuditTrigger {
  return {
    async start(auditId, wait) {
      const job = await producer.add({ auditId }, { jobId: auditId });
      if (wait) await producer.waitFor(job, WAIT_MS);
    },
  };
}
