/**
 * The directions in which node/'s features may import one another (the README's design section: features
 * tell each other through hooks, not by importing each other's internals). The layers, bottom up:
 *
 * - `node/core/` (errors, request contract, database port, clock, hooks): imports no feature.
 * - The shared rules: `calendar/` and `timelimits/` (the time rules every level computes the same
 *   way) and `cases/case-event.ts` (the event vocabulary). Every feature may import them; they
 *   import only core, each other, and nothing else of a feature.
 * - The features, each importing only the features listed in MAY_IMPORT below. When a lower
 *   feature needs to tell a higher one that something happened (events arrived, an item's rules
 *   changed), it calls a hook of node/core/hooks.ts, and node/hook-wiring.ts subscribes the
 *   higher one.
 * - Wiring and entry points (server.ts, main.ts, cli.ts, the *-wiring.ts, http/app.ts, jobs/, demo/)
 *   import features; no feature imports them.
 */
import { expect } from 'chai';
import { importsUnder, type ImportEdge } from '../../support/import-graph.ts';

const FEATURES = [
  'access', 'audit-trail', 'calendar', 'cases', 'catalog', 'health', 'imports', 'notify', 'summaries', 'supervision', 'timelimits',
] as const;
type Feature = (typeof FEATURES)[number];

/** Beyond core and the shared rules, the features each feature may import, and why. */
const MAY_IMPORT: Readonly<Record<Feature, readonly Feature[]>> = {
  access: [],
  // The principal who acted is what the trail records.
  'audit-trail': ['access'],
  calendar: [],
  // Department scopes of the case lists and of ingestion; ingest metrics.
  cases: ['access', 'health'],
  catalog: [],
  health: [],
  // An import feeds its rows through the cases' ingestion.
  imports: ['cases', 'health'],
  // Notifications are about alerts (notify implements supervision's AlertNotifier port) and go to departments.
  notify: ['catalog', 'supervision'],
  summaries: [],
  // Supervision judges cases: their events, state and items; alert lists are scoped like case lists.
  supervision: ['access', 'cases', 'catalog'],
  timelimits: [],
};

/** Files that wire features together or start processes: features never import them. */
const WIRING_FILES = ['node/server.ts', 'node/main.ts', 'node/cli.ts', 'node/federation-wiring.ts', 'node/hook-wiring.ts', 'node/http/app.ts'];
const WIRING = (path: string): boolean => WIRING_FILES.includes(path) || path.startsWith('node/jobs/') || path.startsWith('node/demo/');

const featureOf = (path: string): Feature | null => {
  const folder = /^node\/([^/]+)\//.exec(path)?.[1];
  return FEATURES.find((feature) => feature === folder) ?? null;
};
const isShared = (path: string): boolean =>
  path.startsWith('node/calendar/') || path.startsWith('node/timelimits/') || path === 'node/cases/case-event.ts';

/**
 * What core may use besides itself: the request state its contracts hand to handlers and the
 * schema registry of schemas/ (the request contract's own parts, kept in http/), and the pure
 * local-date functions that read an instant (no feature state).
 */
const CORE_MAY_IMPORT = ['node/http/state.ts', 'node/http/validation.ts', 'node/calendar/local-date.ts'];

/** Why `edge` breaks the layering, or null when it keeps to it. */
function violation(edge: ImportEdge): string | null {
  const target = edge.target;
  if (target === null || !target.startsWith('node/')) return null;
  if (edge.from.startsWith('node/core/')) return target.startsWith('node/core/') || CORE_MAY_IMPORT.includes(target) ? null : 'core imports nothing above it';
  const from = featureOf(edge.from);
  if (from === null) return null;
  if (WIRING(target)) return 'a feature never imports the wiring or an entry point';
  const to = featureOf(target);
  if (to === null || to === from) return null;
  if (isShared(target)) return null;
  if (isShared(edge.from)) return 'the shared rules import no feature';
  return MAY_IMPORT[from].includes(to) ? null : `${from} may not import ${to} (tell it through a hook of node/core/hooks.ts)`;
}

describe('unit: import directions between features', function () {
  const edges = importsUnder('node');

  it('reads the imports it judges (features importing core and the shared rules)', function () {
    const seen = (from: string, to: string): boolean => edges.some((edge) => edge.from === from && edge.target === to);
    expect(seen('node/cases/ingest.ts', 'node/core/hooks.ts')).to.equal(true);
    expect(seen('node/supervision/alert-routes.ts', 'node/access/access-scope.ts')).to.equal(true);
  });

  it('judges the directions as documented (a hook-less shortcut is refused)', function () {
    const edge = (from: string, target: string): ImportEdge => ({ from, specifier: target, target });
    expect(violation(edge('node/cases/ingest.ts', 'node/supervision/sweep-schedule.ts'))).to.match(/cases may not import supervision/);
    expect(violation(edge('node/timelimits/rule-change.ts', 'node/cases/case-store.ts'))).to.match(/shared rules import no feature/);
    expect(violation(edge('node/core/hooks.ts', 'node/cases/case-event.ts'))).to.match(/core imports nothing above it/);
    expect(violation(edge('node/catalog/catalog-service.ts', 'node/server.ts'))).to.match(/wiring/);
    expect(violation(edge('node/supervision/sweep.ts', 'node/cases/case-store.ts'))).to.equal(null);
    expect(violation(edge('node/catalog/item.entity.ts', 'node/cases/case-event.ts'))).to.equal(null);
  });

  it('no file under node/ imports against them', function () {
    const broken = edges.flatMap((edge) => {
      const why = violation(edge);
      return why === null ? [] : [`${edge.from} -> ${edge.specifier}: ${why}`];
    });
    expect(broken).to.deep.equal([]);
  });
});
