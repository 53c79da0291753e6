/**
 * One transaction per write request, with its audit-trail entry: every request but GET, HEAD and
 * OPTIONS runs its handler in one database transaction (`ctx.state.em` is bound to it), then
 * appends its audit entry as the last statement and commits. So a change is either committed with
 * its entry or not at all:
 *
 * - the entry cannot be written: the transaction rolls back and the caller gets 503
 *   AUDIT_UNAVAILABLE, with nothing changed;
 * - the handler refused (threw): its work rolls back, and its refusal entry is stored on its own
 *   with the status answered. A handler whose refusal must keep what it wrote (a failed sign-in
 *   counts toward the lockout) calls `ctx.state.keepWritesOnRefusal()`: then the writes and the
 *   refusal entry commit together, and a refusal whose entry cannot be written answers 503 too.
 *
 * What must happen only once the change is committed (queueing jobs, waking the sequencer,
 * metrics) goes through `ctx.state.afterCommit`; it never runs for a change that rolled back.
 * The trail's single-writer lock is taken by the append, just before COMMIT, so concurrent
 * writes wait for each other only for that last step.
 */
import type { Context, Middleware } from 'koa';
import type { MikroORM } from '@mikro-orm/postgresql';
import { transactionRunner, type SqlRunner } from '../core/db.ts';
import { UnitOfWork, type AfterCommit } from '../core/unit-of-work.ts';
import { AppError } from '../core/errors.ts';
import type { RequestState } from './state.ts';

/** What the transaction needs of the audit trail (node/audit-trail/audit-middleware.ts). */
export interface WriteAudit<Entry> {
  /** The entry of this request answering `status`, or null when the trail does not record it. */
  entryOf(ctx: Context & { state: RequestState }, status: number): Entry | null;
  /** Appends `entry` inside the open transaction `sql` belongs to. */
  appendIn(sql: SqlRunner, entry: Entry): Promise<void>;
  /** Appends `entry` in a short transaction of its own. */
  appendAlone(entry: Entry): Promise<void>;
}

export interface WriteTransactionDeps<Entry> {
  orm: MikroORM;
  audit: WriteAudit<Entry>;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The status the error renderer will answer for `error` (as it does: a 4xx kept, anything unknown 500). */
export function statusOf(error: unknown): number {
  if (error instanceof AppError) return error.status;
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

/** Mounted right after authentication, around routing. */
export function writeTransaction<Entry>(deps: WriteTransactionDeps<Entry>): Middleware<RequestState> {
  return async (ctx, next) => {
    const reportHook = (error: unknown): void => ctx.state.log.error({ err: error }, '提交后的后续操作失败 (a step after the commit failed)');
    if (READS.has(ctx.method)) {
      // A read changes nothing: its hooks (none today) run once it answered.
      const hooks: AfterCommit[] = [];
      ctx.state.afterCommit = (hook) => void hooks.push(hook);
      ctx.state.keepWritesOnRefusal = () => undefined;
      await next();
      for (const hook of hooks) await Promise.resolve().then(hook).catch(reportHook);
      return;
    }

    const unit = await UnitOfWork.begin(deps.orm.em);
    ctx.state.em = unit.em;
    ctx.state.afterCommit = (hook) => unit.afterCommit(hook);
    let keepOnRefusal = false;
    ctx.state.keepWritesOnRefusal = () => {
      keepOnRefusal = true;
    };
    let failure: { error: unknown } | null = null;
    try {
      await unit.run(async () => {
        await next();
        // What the handler left unflushed is written now, before the entry, never after it.
        await unit.flush();
      });
    } catch (error) {
      failure = { error };
    }
    const status = failure ? statusOf(failure.error) : ctx.status;
    const entry = deps.audit.entryOf(ctx, status);

    if (failure && !(keepOnRefusal && status < 500)) {
      await unit.rollback();
      if (entry !== null) await appendRefusal(ctx, deps.audit, entry);
      throw failure.error;
    }

    try {
      if (entry !== null) await deps.audit.appendIn(transactionRunner(unit.em), entry);
    } catch (error) {
      await unit.rollback();
      ctx.state.log.error({ err: error, audit: entry }, '审计日志写入失败, 操作未执行 (could not store the audit entry: nothing was changed)');
      throw new AppError('AUDIT_UNAVAILABLE', { requestId: ctx.state.requestId });
    }
    try {
      await unit.commit();
    } catch (error) {
      // Nothing committed, the entry included: record the failure the caller is about to get.
      const failed = deps.audit.entryOf(ctx, 500);
      if (failed !== null) await appendRefusal(ctx, deps.audit, failed);
      throw error;
    }
    await unit.runAfterCommit(reportHook);
    if (failure) throw failure.error;
  };
}

/** A refusal keeps its own answer even when its entry cannot be stored; the entry goes to the error log. */
async function appendRefusal<Entry>(ctx: Context & { state: RequestState }, audit: WriteAudit<Entry>, entry: Entry): Promise<void> {
  try {
    await audit.appendAlone(entry);
  } catch (error) {
    ctx.state.log.error({ err: error, audit: entry }, '审计日志写入失败 (could not store the audit entry)');
  }
}
