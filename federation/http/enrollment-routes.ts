/**
 * Enrollment over HTTP. Public: `POST /federation/v1/enroll` (the token is the credential).
 * Admin (behind the API's authentication): `POST/GET /api/v1/children`,
 * `POST /api/v1/federation/enroll`.
 */
import { presentInstant } from '../protocol/present-instant.ts';
import type { FederationContext } from '../federation-context.ts';
import { acceptEnrollment, checkJwks, recordParent, registerChild, type NodeDescriptor } from '../enrollment/enrollment.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { listNodes, type Level, type RegisteredNode } from '../registry/node-registry.ts';
import { postToPeer } from './peer-client.ts';
import { federationBody, federationRoute, type AnyFederationRoute } from './route-contract.ts';

function selfDescriptor(context: FederationContext): NodeDescriptor {
  return { ...context.self, jwks: context.identity.jwks() };
}

/** The wire view of a registered node (never the token hash). */
export function presentNode(node: RegisteredNode) {
  return {
    code: node.code, relation: node.relation, parentCode: node.parentCode, level: node.level, name: node.name,
    publicUrl: node.publicUrl, enrolled: node.enrolledAt !== null, enrolledAt: presentInstant(node.enrolledAt),
    kids: node.jwks?.keys.map((key) => key.kid) ?? [], lastSequence: node.lastSequence, lastTreeSize: node.lastTreeSize,
    lastSeenAt: presentInstant(node.lastSeenAt), lastError: node.lastError,
  };
}

export function enrollmentPublicRoutes(context: FederationContext): AnyFederationRoute[] {
  return [federationRoute({
    method: 'POST', path: '/federation/v1/enroll', summary: '下级节点凭登记令牌登记 (a child enrolls with its token)',
    body: federationBody<{ token: string; node: NodeDescriptor }>('federation/enroll-request.schema.json'),
    handler: async (ctx) => {
      const { token, node } = ctx.input.body;
      const child: NodeDescriptor = { ...node, publicUrl: node.publicUrl ?? null, jwks: await checkJwks(node.jwks, 'node/jwks') };
      const parent = await context.transaction((sql) => acceptEnrollment(sql, token, child, selfDescriptor(context), context.now()));
      context.log.info({ child: child.code, level: child.level }, '下级节点已登记 (child enrolled)');
      ctx.body = { node: parent };
    },
  })];
}

export function enrollmentAdminRoutes(context: FederationContext): AnyFederationRoute[] {
  const register = federationRoute({
    method: 'POST', path: '/children', summary: '登记下级节点, 发放登记令牌 (register a child and issue its enrollment token)',
    body: federationBody<{ code: string; name: string; level: Level }>('federation/child-registration.schema.json'), response: { status: 201 },
    handler: async (ctx) => {
      const child = ctx.input.body;
      const issued = await context.transaction((sql) => registerChild(sql, context.self, child, context.now()));
      ctx.status = 201;
      ctx.body = { code: child.code, name: child.name, level: child.level, ...issued };
    },
  });

  const children = federationRoute({
    method: 'GET', path: '/children', summary: '下级节点 (children and descendants)',
    handler: async (ctx) => {
      const nodes = await listNodes(context.sql, ['child', 'descendant']);
      ctx.body = { items: nodes.map(presentNode), nextCursor: null };
    },
  });

  const enroll = federationRoute({
    method: 'POST', path: '/federation/enroll', summary: '凭令牌登记到上级节点 (enroll with the parent using its token)',
    body: federationBody<{ token: string }>('federation/enroll-with-parent.schema.json'),
    handler: async (ctx) => {
      if (!context.parentUrl) {
        throw new FederationError('NO_PARENT_URL', '未配置 PARENT_URL, 无法登记到上级节点 (PARENT_URL is not set)', { setting: 'PARENT_URL' });
      }
      const { token } = ctx.input.body;
      const answer = await postToPeer<{ node: NodeDescriptor }>(context.fetch, context.parentUrl, '/federation/v1/enroll', { token, node: selfDescriptor(context) });
      context.validate('federation/node-descriptor.schema.json', answer.node);
      const parent: NodeDescriptor = { ...answer.node, jwks: await checkJwks(answer.node.jwks, 'node/jwks') };
      const recorded = await context.transaction((sql) => recordParent(sql, context.self.code, context.self.level, parent, context.parentUrl!, context.now()));
      context.log.info({ parent: parent.code }, '已登记到上级节点 (enrolled with the parent)');
      ctx.body = { parent: presentNode(recorded) };
    },
  });

  return [register, children, enroll];
}
