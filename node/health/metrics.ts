/** Prometheus metrics of one node, in a registry of its own (several nodes may share a process in tests). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface NodeMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  eventsIngested: Counter<'status'>;
  importRows: Counter<'status'>;
}

export function createMetrics(nodeCode: string): NodeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeCode });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds', help: 'HTTP request duration by route',
      labelNames: ['method', 'route', 'status'], registers: [registry],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    eventsIngested: new Counter({
      name: 'case_events_total', help: 'Case events received, by outcome (accepted, duplicate, rejected)',
      labelNames: ['status'], registers: [registry],
    }),
    importRows: new Counter({
      name: 'import_rows_total', help: 'Bulk import rows processed, by outcome',
      labelNames: ['status'], registers: [registry],
    }),
  };
}
