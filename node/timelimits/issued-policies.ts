/**
 * The node's side of downward policy (federation/policy/policy-host.ts): it hands on the issued
 * documents it holds, and applies verified ones from above through changeRules, so the cases they
 * touch are recomputed in the same transaction that writes them.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { PolicyApplication, PolicyHost, VerifiedPolicy } from '../../federation/index.ts';
import { CalendarYearRecord } from '../calendar/calendar-year.entity.ts';
import { CalendarValidationError, validateCalendarYear } from '../calendar/calendar-year.ts';
import type { CalendarYear } from '../calendar/work-calendar.ts';
import { AppError } from '../core/errors.ts';
import { validateTimePolicy, type TimePolicy } from './policy.ts';
import type { Provenance } from './policy-provenance.ts';
import { changeRules } from './rule-change.ts';
import { TimePolicyRecord } from './time-policy.entity.ts';
import { TIME_POLICY_KEY, type TimeRules } from './time-rules.ts';

type Checked =
  | { kind: 'calendar'; year: number; calendar: CalendarYear; provenance: Provenance }
  | { kind: 'timePolicy'; year: null; policy: TimePolicy; provenance: Provenance };

/** A document's body checked by this node's own rules, as the API would check it. */
function check(document: VerifiedPolicy, index: number): Checked {
  const { payload } = document;
  const provenance: Provenance = { issuer: payload.issuer, kid: document.kid, signedAt: new Date(payload.signedAt), policyJws: document.jws, version: payload.version };
  if (payload.kind === 'calendar') {
    const year = payload.year ?? 0;
    try {
      return { kind: 'calendar', year, calendar: validateCalendarYear(payload.body, year), provenance };
    } catch (error) {
      if (error instanceof CalendarValidationError) throw new AppError('VALIDATION_FAILED', { field: `policies/${index}/body/${error.field}`, problem: error.detail });
      throw error;
    }
  }
  try {
    return { kind: 'timePolicy', year: null, policy: validateTimePolicy(payload.body), provenance };
  } catch (error) {
    throw new AppError('POLICY_INVALID', { field: `policies/${index}/body`, problem: (error as Error).message });
  }
}

/** Whether `document` should replace what is held: a first issue, another issuer, or a newer version. */
function isNewer(held: { issuer: string | null; version: number | null } | null, document: Checked): boolean {
  if (!held || held.issuer === null || held.issuer !== document.provenance.issuer) return true;
  return (document.provenance.version ?? 0) > (held.version ?? 0);
}

/** The provenance of what is held for `document`'s kind (and year), or null. */
async function heldFor(em: EntityManager, document: Checked): Promise<{ issuer: string | null; version: number | null } | null> {
  const row = document.kind === 'calendar'
    ? await em.findOne(CalendarYearRecord, { year: document.year })
    : await em.findOne(TimePolicyRecord, { key: TIME_POLICY_KEY });
  return row ? { issuer: row.issuer ?? null, version: row.version ?? null } : null;
}

/** Writes `document` with its provenance in `tx`, unless what is held is as new; answers whether it did. */
async function write(tx: EntityManager, document: Checked): Promise<boolean> {
  if (document.kind === 'calendar') {
    const row = await tx.findOne(CalendarYearRecord, { year: document.year });
    if (row && !isNewer({ issuer: row.issuer ?? null, version: row.version ?? null }, document)) return false;
    const { holidays, workdays, source } = document.calendar;
    const values = { holidays, workdays, source: source ?? `${document.provenance.issuer} 下发`, ...document.provenance };
    if (row) tx.assign(row, values);
    else tx.create(CalendarYearRecord, { year: document.year, ...values });
    return true;
  }
  const row = await tx.findOne(TimePolicyRecord, { key: TIME_POLICY_KEY });
  if (row && !isNewer({ issuer: row.issuer ?? null, version: row.version ?? null }, document)) return false;
  const values = { ...document.policy, ...document.provenance };
  if (row) tx.assign(row, values);
  else tx.create(TimePolicyRecord, { key: TIME_POLICY_KEY, ...values });
  return true;
}

export function nodePolicyHost(orm: MikroORM, rules: TimeRules): PolicyHost {
  return {
    async issued() {
      const em = orm.em.fork();
      const years = await em.find(CalendarYearRecord, { policyJws: { $ne: null } }, { orderBy: { year: 'asc' } });
      const policy = await em.findOne(TimePolicyRecord, { key: TIME_POLICY_KEY, policyJws: { $ne: null } });
      return [...years.map((row) => row.policyJws as string), ...(policy ? [policy.policyJws as string] : [])];
    },

    async apply(documents): Promise<PolicyApplication> {
      const checked = documents.map(check);
      // Most syncs bring nothing new: find that out without the exclusive rules lock or a recomputation.
      const peek = orm.em.fork();
      const candidates: Checked[] = [];
      for (const document of checked) if (isNewer(await heldFor(peek, document), document)) candidates.push(document);
      if (candidates.length === 0) return { applied: [], recomputed: { checked: 0, changed: 0 } };

      const scope = candidates.some((document) => document.kind === 'timePolicy') ? {} : { years: candidates.map((document) => document.year as number) };
      const applied: PolicyApplication['applied'] = [];
      const recomputed = await changeRules(orm.em.fork(), rules, async (tx) => {
        applied.length = 0;
        for (const document of candidates) {
          if (await write(tx, document)) applied.push({ kind: document.kind, year: document.year, version: document.provenance.version ?? 0 });
        }
      }, scope);
      return { applied, recomputed };
    },
  };
}
