/**
 * SQL conditions on the cached timeline columns of `cases` (accepted_day, deadline, yellow_from),
 * for the light lists and the board.
 *
 * {@link lightSql} is exact for a case whose events all occurred by the instant asked about: its
 * cached timeline is its timeline then. {@link mayHaveHadLightSql} is for the other cases, those
 * with events after that instant (the "stale" ones a list recomputes from their events): it cannot
 * say which light such a case had, but it can rule most of them out without reading their events.
 */
import type { Light } from '../timelimits/timeline.ts';

/** SQL condition on the cached columns for a light at the date in parameter `t` (cases open or paused now). */
export function lightSql(light: Light, t: string): string {
  switch (light) {
    case 'paused': return 'deadline IS NULL';
    case 'red': return `deadline IS NOT NULL AND ${t}::date > deadline`;
    case 'yellow': return `deadline IS NOT NULL AND ${t}::date <= deadline AND ${t}::date >= yellow_from`;
    case 'green': return `deadline IS NOT NULL AND ${t}::date < yellow_from`;
  }
}

/**
 * What the cached row (folded from every event) must show of a case that had `light` at date t,
 * whatever events came after the instant: a necessary condition, not a sufficient one.
 *
 * Why it holds: an event after the instant occurred on t or later, and folding it only appends to
 * the facts of then: it accepts a case that was pending (no light then), opens a suspension on t
 * or later (removing counting days after t), closes the one open then on t or later (giving back
 * days after t), or concludes the case. So the counting days up to t are the same then and now
 * (same committed limit, calendar and policy), and so is every n-th counting day that was on or
 * before t; one after t then (or pending) is after t now (or pending). The deadline and the
 * yellow-from day are such days, but both are cached null while the deadline is pending. Hence:
 *
 * - any light: accepted by then and not yet concluded: `accepted_day <= t`, `concluded_day` null or >= t;
 * - red (deadline < t): the same deadline now, `deadline < t`;
 * - yellow (yellow_from <= t <= deadline): a pending deadline now, or `yellow_from <= t <= deadline`;
 * - green (t < yellow_from): `yellow_from` null or > t;
 * - paused (deadline pending then): `deadline` null or > t.
 *
 * test/integration/stale-light-bounds.test.ts holds this to random histories cut at random instants.
 */
export function mayHaveHadLightSql(light: Light, t: string): string {
  const running = `accepted_day <= ${t}::date AND (concluded_day IS NULL OR concluded_day >= ${t}::date)`;
  switch (light) {
    case 'red': return `${running} AND deadline < ${t}::date`;
    case 'yellow': return `${running} AND (deadline IS NULL OR (deadline >= ${t}::date AND yellow_from <= ${t}::date))`;
    case 'green': return `${running} AND (yellow_from IS NULL OR yellow_from > ${t}::date)`;
    case 'paused': return `${running} AND (deadline IS NULL OR deadline > ${t}::date)`;
  }
}
