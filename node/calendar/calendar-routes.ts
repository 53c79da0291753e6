/** `/api/v1/calendars`: the working-day calendar, one year at a time. */
import { isoLocal } from '../core/instants.ts';
import Type from 'typebox';
import { AppError } from '../core/errors.ts';
import { defineRoute, publishedBody, type RouteShape } from '../core/route-contract.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import { changeRules } from '../timelimits/rule-change.ts';
import { presentProvenance, type PolicyIssuer } from '../timelimits/policy-provenance.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CalendarYearRecord } from './calendar-year.entity.ts';
import { CalendarValidationError, validateCalendarYear } from './calendar-year.ts';

const YearParams = Type.Object({ year: Type.Integer({ minimum: 1990, maximum: 2200, description: '年份 (year)' }) });

interface CalendarYearBody {
  year?: number;
  holidays: string[];
  workdays: string[];
  source?: string;
}

function presentYear(row: CalendarYearRecord) {
  return { year: row.year, holidays: row.holidays, workdays: row.workdays, source: row.source ?? null, ...presentProvenance(row), updatedAt: isoLocal(row.updatedAt) };
}

/** `issuer` signs what a PUT sets at the province and refuses a PUT on a year issued above. */
export function calendarRoutes(rules: TimeRules, issuer: PolicyIssuer): RouteShape[] {
  const list = defineRoute({
    method: 'GET', path: '/calendars', summary: '已加载的节假日安排, 按年份 (calendar years held, by year)',
    handler: async (ctx) => {
      const rows = await listCalendarYears(ctx.state.em);
      ctx.body = { items: rows.map(presentYear), nextCursor: null };
    },
  });

  const one = defineRoute({
    method: 'GET', path: '/calendars/:year', summary: '一年的节假日安排 (one year\'s calendar)', params: YearParams,
    handler: async (ctx) => {
      const { year } = ctx.input.params;
      const row = await findCalendarYear(ctx.state.em, year);
      if (!row) {
        throw new AppError('NOT_FOUND', { year, fallback: 'Monday-Friday' }, `${year} 年无节假日安排, 按周一至周五计算工作日 (no calendar for ${year}: Monday-Friday applies)`);
      }
      ctx.body = presentYear(row);
    },
  });

  const put = defineRoute({
    method: 'PUT', path: '/calendars/:year', summary: '设置一年的节假日安排并重算 (set a year\'s calendar; affected verdicts are recomputed)',
    params: YearParams, body: publishedBody<CalendarYearBody>('calendar-year.schema.json'), response: { status: 200, description: '201 when created' },
    handler: async (ctx) => {
      const { year } = ctx.input.params;
      const body = ctx.input.body;
      if (body.year !== undefined && body.year !== year) throw new AppError('VALIDATION_FAILED', { field: '/year', problem: `must equal the year in the path (${year})` });
      let calendar;
      try {
        calendar = validateCalendarYear({ year, holidays: body.holidays, workdays: body.workdays }, year);
      } catch (error) {
        if (error instanceof CalendarValidationError) throw new AppError('VALIDATION_FAILED', { field: error.pointer, problem: error.detail });
        throw error;
      }
      let created = false;
      const recomputed = await changeRules(ctx.state.em, rules, async (tx) => {
        const row = await tx.findOne(CalendarYearRecord, { year });
        issuer.assertSettableHere(row, 'calendar', year);
        const source = body.source ?? 'api';
        const issued = { year, holidays: calendar.holidays, workdays: calendar.workdays, ...(body.source === undefined ? {} : { source: body.source }) };
        const provenance = await issuer.provenanceFor('calendar', year, issued, row);
        if (row) tx.assign(row, { holidays: calendar.holidays, workdays: calendar.workdays, source, ...provenance });
        else {
          created = true;
          tx.create(CalendarYearRecord, { year, holidays: calendar.holidays, workdays: calendar.workdays, source, ...provenance });
        }
      }, { years: [year] });
      // Read again in the request's transaction: the change is not committed before the answer is built.
      const row = await ctx.state.em.findOneOrFail(CalendarYearRecord, { year }, { refresh: true });
      ctx.status = created ? 201 : 200;
      ctx.body = { ...presentYear(row), recomputed };
    },
  });

  return [list, one, put];
}

function listCalendarYears(em: EntityManager): Promise<CalendarYearRecord[]> {
  return em.find(CalendarYearRecord, {}, { orderBy: { year: 'asc' } });
}

function findCalendarYear(em: EntityManager, year: number): Promise<CalendarYearRecord | null> {
  return em.findOne(CalendarYearRecord, { year });
}
