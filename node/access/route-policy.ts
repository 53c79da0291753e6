/**
 * The one table of who may call what: every route of the node, by method and path pattern, is
 * public or needs a permission. `guardRoutes` fastens these rules onto the routers at start and
 * refuses to start when a route is missing here, so no handler can be reached unguarded.
 */
import type { Permission } from './permissions.ts';

/** A permission, a permission that depends on the route's parameters, or `public` (no credentials; rate-limited). */
export type RouteRule = Permission | 'public' | ((params: Record<string, string | undefined>) => Permission);

/** The workflow actions a department may take on its own notices; every other action is the supervisor's. */
const DEPARTMENT_ACTIONS = new Set(['explain', 'appeal']);

export const ROUTE_POLICY: Record<string, RouteRule> = {
  // Public: probes, the node's public keys, node-to-node messages (each signed and verified), and signing in.
  'GET /health': 'public',
  'GET /.well-known/jwks.json': 'public',
  'POST /federation/v1/enroll': 'public',
  'POST /federation/v1/batches': 'public',
  'POST /federation/v1/policies': 'public',
  'POST /federation/v1/audits': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/token': 'public',

  'GET /metrics': 'metrics:read',

  'GET /api/v1/auth/me': 'self',
  // Any signed-in caller may read the API description; without a token it is a 401 like every
  // /api path, so nobody unauthenticated learns which routes exist.
  'GET /api/v1/openapi.json': 'self',
  'POST /api/v1/auth/logout': 'self',
  'POST /api/v1/auth/password': 'self',
  'GET /api/v1/users': 'users:admin',
  'POST /api/v1/users': 'users:admin',
  'GET /api/v1/users/:id': 'users:admin',
  'PATCH /api/v1/users/:id': 'users:admin',
  'DELETE /api/v1/users/:id/sessions': 'users:admin',
  'GET /api/v1/clients': 'clients:admin',
  'POST /api/v1/clients': 'clients:admin',
  'PATCH /api/v1/clients/:id': 'clients:admin',
  'POST /api/v1/clients/:id/secret': 'clients:admin',
  'GET /api/v1/audit': 'audit:read',
  'GET /api/v1/audit/verify': 'audit:read',

  'GET /api/v1/departments': 'catalog:read',
  'GET /api/v1/departments/:code': 'catalog:read',
  'PUT /api/v1/departments/:code': 'catalog:write',
  'GET /api/v1/items': 'catalog:read',
  'GET /api/v1/items/:itemCode': 'catalog:read',
  'PUT /api/v1/items/:itemCode': 'catalog:write',
  'GET /api/v1/departments/:code/contacts': 'contacts:read',
  'PUT /api/v1/departments/:code/contacts': 'contacts:write',
  'GET /api/v1/notifications': 'notifications:read',
  'GET /api/v1/notifications/:id': 'notifications:read',
  'POST /api/v1/notifications/:id/retry': 'notifications:retry',

  'POST /api/v1/events': 'events:write',
  'GET /api/v1/cases': 'cases:read',
  'GET /api/v1/cases/:caseNo': 'cases:read',
  'GET /api/v1/board': 'board:read',
  'GET /api/v1/rejections': 'rejections:read',
  'POST /api/v1/imports': 'imports:write',
  'GET /api/v1/imports/:id': 'imports:read',

  'GET /api/v1/rules': 'rules:read',
  'GET /api/v1/alerts': 'alerts:read',
  'GET /api/v1/alerts/counts': 'alerts:read',
  'GET /api/v1/alerts/:id': 'alerts:read',
  // A sweep decides on alerts (raises, revokes, escalates), and a dry run shows them: the supervisor's.
  'POST /api/v1/alerts/sweep': 'alerts:decide',
  'POST /api/v1/alerts/:id/accountability': 'alerts:decide',
  'POST /api/v1/alerts/:id/:action': (params) => (DEPARTMENT_ACTIONS.has(params.action ?? '') ? 'alerts:respond' : 'alerts:decide'),

  'GET /api/v1/policy': 'config:read',
  'PUT /api/v1/policy': 'config:write',
  'GET /api/v1/calendars': 'config:read',
  'GET /api/v1/calendars/:year': 'config:read',
  'PUT /api/v1/calendars/:year': 'config:write',

  'POST /api/v1/federation/keys/rotate': 'keys:admin',
  'GET /api/v1/federation/status': 'federation:read',
  'POST /api/v1/federation/sync': 'federation:admin',
  'POST /api/v1/federation/enroll': 'federation:admin',
  'GET /api/v1/children': 'federation:read',
  'POST /api/v1/children': 'federation:admin',
  'POST /api/v1/children/:code/audits': 'resupervision:run',
  'GET /api/v1/children/:code/audits': 'resupervision:read',
  'GET /api/v1/children/:code/audits/:id': 'resupervision:read',
  'GET /api/v1/rollups': 'rollups:read',
};
