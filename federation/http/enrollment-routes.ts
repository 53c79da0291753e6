/**
 * Enrollment over HTTP. Public: `POST /federation/v1/enroll` (the token is the credential).
 * Admin (behind the API's authentication): `POST/GET /api/v1/children`,
 * `POST /api/v1/federation/enroll`.
 */
import Router from '@koa/router';
import type { FederationContext } from '../federation-context.ts';
import { acceptEnrollment, checkJwks, recordParent, registerChild, type NodeDescriptor } from '../enrollment/enrollment.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { listNodes, type Level, type RegisteredNode } from '../registry/node-registry.ts';
import { postToPeer } from './peer-client.ts';

function selfDescriptor(context: FederationContext): NodeDescriptor {
  return { ...context.self, jwks: context.identity.jwks() };
}

/** The wire view of a registered node (never the token hash). */
export function presentNode(node: RegisteredNode) {
  return {
    code: node.code, relation: node.relation, parentCode: node.parentCode, level: node.level, name: node.name,
    publicUrl: node.publicUrl, enrolled: node.enrolledAt !== null, enrolledAt: node.enrolledAt?.toISOString() ?? null,
    kids: node.jwks?.keys.map((key) => key.kid) ?? [], lastSequence: node.lastSequence, lastTreeSize: node.lastTreeSize,
    lastSeenAt: node.lastSeenAt?.toISOString() ?? null, lastError: node.lastError,
  };
}

export function enrollmentPublicRouter(context: FederationContext): Router {
  const router = new Router();
  router.post('/federation/v1/enroll', async (ctx) => {
    context.validate('federation/enroll-request.schema.json', ctx.request.body);
    const { token, node } = ctx.request.body as { token: string; node: NodeDescriptor };
    const child: NodeDescriptor = { ...node, publicUrl: node.publicUrl ?? null, jwks: await checkJwks(node.jwks, 'node/jwks') };
    const parent = await context.transaction((sql) => acceptEnrollment(sql, token, child, selfDescriptor(context), context.now()));
    context.log.info({ child: child.code, level: child.level }, '下级节点已登记 (child enrolled)');
    ctx.body = { node: parent };
  });
  return router;
}

export function enrollmentAdminRouter(context: FederationContext): Router {
  const router = new Router();

  router.post('/children', async (ctx) => {
    context.validate('federation/child-registration.schema.json', ctx.request.body);
    const child = ctx.request.body as { code: string; name: string; level: Level };
    const issued = await context.transaction((sql) => registerChild(sql, context.self, child, context.now()));
    ctx.status = 201;
    ctx.body = { code: child.code, name: child.name, level: child.level, ...issued };
  });

  router.get('/children', async (ctx) => {
    const nodes = await listNodes(context.sql, ['child', 'descendant']);
    ctx.body = { items: nodes.map(presentNode), nextCursor: null };
  });

  router.post('/federation/enroll', async (ctx) => {
    context.validate('federation/enroll-with-parent.schema.json', ctx.request.body);
    if (!context.parentUrl) {
      throw new FederationError('NO_PARENT_URL', '未配置 PARENT_URL, 无法登记到上级节点 (PARENT_URL is not set)', { setting: 'PARENT_URL' });
    }
    const { token } = ctx.request.body as { token: string };
    const answer = await postToPeer<{ node: NodeDescriptor }>(context.fetch, context.parentUrl, '/federation/v1/enroll', { token, node: selfDescriptor(context) });
    context.validate('federation/node-descriptor.schema.json', answer.node);
    const parent: NodeDescriptor = { ...answer.node, jwks: await checkJwks(answer.node.jwks, 'node/jwks') };
    const recorded = await context.transaction((sql) => recordParent(sql, context.self.code, context.self.level, parent, context.parentUrl!, context.now()));
    context.log.info({ parent: parent.code }, '已登记到上级节点 (enrolled with the parent)');
    ctx.body = { parent: presentNode(recorded) };
  });

  return router;
}
