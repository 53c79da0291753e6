/** `/api/v1/calendars`: the working-day calendar, one year at a time. */
import Router from '@koa/router';
import { AppError } from '../core/errors.ts';
import { assertSchema } from '../http/validation.ts';
import type { RequestState } from '../http/state.ts';
import type { TimeRules } from '../timelimits/time-rules.ts';
import { changeRules } from '../timelimits/rule-change.ts';
import { presentProvenance, type PolicyIssuer } from '../timelimits/policy-provenance.ts';
import { CalendarYearRecord } from './calendar-year.entity.ts';
import { CalendarValidationError, validateCalendarYear } from './calendar-year.ts';

function parseYear(raw: string | undefined): number {
  const year = Number(raw);
  if (!/^\d{4}$/.test(raw ?? '') || year < 1990 || year > 2200) throw new AppError('INVALID_PARAMETER', { field: 'year', problem: 'must be a year from 1990 to 2200' });
  return year;
}

function presentYear(row: CalendarYearRecord) {
  return { year: row.year, holidays: row.holidays, workdays: row.workdays, source: row.source ?? null, ...presentProvenance(row), updatedAt: row.updatedAt.toISOString() };
}

/** `issuer` signs what a PUT sets at the province and refuses a PUT on a year issued above. */
export function calendarRouter(rules: TimeRules, issuer: PolicyIssuer): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/calendars', async (ctx) => {
    const rows = await ctx.state.em.find(CalendarYearRecord, {}, { orderBy: { year: 'asc' } });
    ctx.body = { items: rows.map(presentYear), nextCursor: null };
  });

  router.get('/calendars/:year', async (ctx) => {
    const year = parseYear(ctx.params.year);
    const row = await ctx.state.em.findOne(CalendarYearRecord, { year });
    if (!row) {
      throw new AppError('NOT_FOUND', { year, fallback: 'Monday-Friday' }, `${year} 年无节假日安排, 按周一至周五计算工作日 (no calendar for ${year}: Monday-Friday applies)`);
    }
    ctx.body = presentYear(row);
  });

  router.put('/calendars/:year', async (ctx) => {
    const year = parseYear(ctx.params.year);
    assertSchema('calendar-year.schema.json', ctx.request.body);
    const body = ctx.request.body as { year?: number; holidays: string[]; workdays: string[]; source?: string };
    if (body.year !== undefined && body.year !== year) throw new AppError('VALIDATION_FAILED', { field: '/year', problem: `must equal the year in the path (${year})` });
    let calendar;
    try {
      calendar = validateCalendarYear({ year, holidays: body.holidays, workdays: body.workdays }, year);
    } catch (error) {
      if (error instanceof CalendarValidationError) throw new AppError('VALIDATION_FAILED', { field: `/${error.field.replace(/\[(\d+)\]/g, '/$1')}`, problem: error.detail });
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
    const row = await ctx.state.em.fork().findOneOrFail(CalendarYearRecord, { year });
    ctx.status = created ? 201 : 200;
    ctx.body = { ...presentYear(row), recomputed };
  });

  return router;
}
