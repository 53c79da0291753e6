/**
 * A unit of work: one database transaction, and what may happen only once it commits. A write
 * request runs in one (node/http/write-transaction.ts). Code that runs both inside a request and
 * on its own (the sweep, federation, rule changes) joins the request's unit through
 * {@link inTransaction} and defers its side effects through {@link whenCommitted}, so a change
 * that rolls back queues nothing and leaves the in-memory state as it was.
 *
 * The current unit travels in an AsyncLocalStorage; it counts only while its transaction is open,
 * so work that outlives the request (a timer, a queue callback) never writes into a finished one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';

/** A side effect run once the unit committed; it cannot undo the commit, so its failure is only logged. */
export type AfterCommit = () => unknown;

/** In-memory state put in force just before COMMIT and taken back if COMMIT fails. */
interface AtCommit {
  apply: () => void;
  undo: () => void;
}

const current = new AsyncLocalStorage<UnitOfWork>();

export class UnitOfWork {
  /** The transactional EntityManager: a fork of its own, bound to the open transaction. */
  readonly em: EntityManager;
  #open = true;
  #afterCommit: AfterCommit[] = [];
  #atCommit: AtCommit[] = [];

  private constructor(em: EntityManager) {
    this.em = em;
  }

  /** Opens a transaction on a fresh fork of `em`. */
  static async begin(em: EntityManager): Promise<UnitOfWork> {
    const fork = em.fork();
    await fork.begin();
    return new UnitOfWork(fork);
  }

  /** Whether the transaction is still open (neither committed nor rolled back). */
  get open(): boolean {
    return this.#open;
  }

  /** Runs `hook` once the unit committed (never if it rolls back), in the order registered. */
  afterCommit(hook: AfterCommit): void {
    this.#afterCommit.push(hook);
  }

  /**
   * Puts in-memory state in force just before COMMIT, after the last statement, and takes it back
   * if COMMIT fails. For state that work waiting on this transaction's locks must find in force
   * the moment it wakes (the time rules: ingestion waits on the rules lock a rule change holds).
   */
  atCommit(apply: () => void, undo: () => void): void {
    this.#atCommit.push({ apply, undo });
  }

  /** Runs `work` with this unit as the current one. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return current.run(this, work);
  }

  /**
   * Runs `work` in a savepoint of this transaction: if it throws, its statements and the hooks
   * it registered are undone and the rest of the unit stands.
   */
  async nested<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const marks = { after: this.#afterCommit.length, at: this.#atCommit.length };
    try {
      return await this.em.transactional(work);
    } catch (error) {
      this.#afterCommit.length = Math.min(this.#afterCommit.length, marks.after);
      this.#atCommit.length = Math.min(this.#atCommit.length, marks.at);
      throw error;
    }
  }

  /** Flushes what the unit's EntityManager still holds, so nothing is written after the caller's last statement. */
  async flush(): Promise<void> {
    await this.em.flush();
  }

  /** Commits; on failure the transaction is rolled back and the at-commit state taken back. */
  async commit(): Promise<void> {
    const applied: AtCommit[] = [];
    try {
      for (const state of this.#atCommit) {
        state.apply();
        applied.push(state);
      }
      await this.em.commit();
      this.#open = false;
    } catch (error) {
      for (const state of applied.reverse()) state.undo();
      await this.rollback();
      throw error;
    }
  }

  /** Rolls back (a no-op once closed) and forgets every hook. */
  async rollback(): Promise<void> {
    this.#afterCommit = [];
    this.#atCommit = [];
    if (!this.#open) return;
    this.#open = false;
    try {
      await this.em.rollback();
    } catch {
      // The connection already ended the transaction (COMMIT failed, the connection broke).
    }
  }

  /** Runs the after-commit hooks once, in order; one that fails is reported and the others still run. */
  async runAfterCommit(report: (error: unknown) => void): Promise<void> {
    const hooks = this.#afterCommit;
    this.#afterCommit = [];
    for (const hook of hooks) {
      try {
        await hook();
      } catch (error) {
        report(error);
      }
    }
  }
}

/** The unit of the write request this code runs in, while its transaction is open; undefined elsewhere. */
export function currentUnit(): UnitOfWork | undefined {
  const unit = current.getStore();
  return unit?.open ? unit : undefined;
}

/**
 * Runs `work` in a transaction: a savepoint of the current request's when there is one (so it
 * commits with the request's audit entry, or not at all), else a transaction of its own on a
 * fresh fork of `em`, committed before this answers.
 */
export async function inTransaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  const unit = currentUnit();
  if (unit) return unit.nested(work);
  return em.fork().transactional(work);
}

/** Thrown through a savepoint to undo it; never leaves {@link rolledBack}. */
const ROLL_BACK = Symbol('roll back');

/**
 * Runs `work` in a transaction that is always rolled back, and answers what `work` answered: a dry
 * run. Inside a request it is a savepoint of the request's transaction, undone with the hooks
 * `work` registered; elsewhere a unit of its own, which `work`'s own transactions join as savepoints.
 */
export async function rolledBack<T>(em: EntityManager, work: () => Promise<T>): Promise<T> {
  const unit = currentUnit();
  if (!unit) {
    const own = await UnitOfWork.begin(em);
    try {
      return await own.run(() => rolledBack(em, work));
    } finally {
      await own.rollback();
    }
  }
  let answer: { value: T } | null = null;
  try {
    await unit.nested(async () => {
      answer = { value: await work() };
      throw ROLL_BACK;
    });
  } catch (error) {
    if (error !== ROLL_BACK) throw error;
  }
  return answer!.value;
}

/**
 * Runs `work` outside any request's unit: its transactions are its own and commit at once. For
 * work that is not the request's change and must be visible before it ends (the sweep an audit
 * answer runs first, read by the answer's own snapshot).
 */
export function outsideUnit<T>(work: () => Promise<T>): Promise<T> {
  return current.exit(work);
}

/**
 * Runs `hook` once the current request's transaction committed, or at once (awaited) when there
 * is none: the caller's own transaction has committed by then.
 */
export async function whenCommitted(hook: AfterCommit): Promise<void> {
  const unit = currentUnit();
  if (unit) unit.afterCommit(hook);
  else await hook();
}
