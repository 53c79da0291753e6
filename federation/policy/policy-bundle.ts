/**
 * The signed bundle of downward policy (federation/PROTOCOL.md "Downward policy"). A parent signs,
 * for one child, every issued document it holds and the keys of its own ancestors; the child
 * verifies the bundle with the parent's pinned key, then each document with its issuer's key,
 * taken from the parent itself or from the ancestors the parent vouched for. Any failure refuses
 * the whole bundle.
 */
import type { FederationContext } from '../federation-context.ts';
import { checkJwks } from '../enrollment/enrollment.ts';
import type { Jwks } from '../keys/node-keys.ts';
import { SignatureError, verifyMessage } from '../keys/signed-message.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { findParent, type Level, type RegisteredNode } from '../registry/node-registry.ts';
import { peekPayload, verifyFrom } from '../sync/verify.ts';
import { TYP } from '../sync/message-types.ts';
import type { VerifiedPolicy } from './policy-host.ts';
import type { AncestorIdentity, PolicyBundlePayload, PolicyPayload } from './policy-messages.ts';

/** Only the province issues calendars and the time-limit policy. */
const ISSUING_LEVEL: Level = 'province';

/**
 * Parent side: the bundle for `childCode`, or null when this node has no policy host. The
 * ancestors are the parent this node pinned: with three levels that is every node above a child.
 */
export async function buildPolicyBundle(context: FederationContext, childCode: string): Promise<string | null> {
  if (!context.policy) return null;
  const parent = await findParent(context.sql);
  const ancestors: AncestorIdentity[] = parent?.jwks && parent.enrolledAt !== null ? [{ code: parent.code, level: parent.level, jwks: parent.jwks }] : [];
  const payload: PolicyBundlePayload = {
    node: context.self.code, for: childCode, ancestors, policies: await context.policy.issued(), time: context.now().toISOString(),
  };
  return context.identity.sign(TYP.policyBundle, payload);
}

/** Verifies one document with its issuer's keys, keeping the signature codes of verifyMessage. */
async function verifyPolicy(jws: string, issuer: string, jwks: Jwks, index: number): Promise<{ payload: PolicyPayload; kid: string }> {
  try {
    const verified = await verifyMessage(jws, async (kid) => jwks.keys.find((key) => key.kid === kid) ?? null, TYP.policy);
    return { payload: verified.payload as PolicyPayload, kid: verified.kid };
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    throw new FederationError(error.code, `第 ${index} 份政策文件的签名无效, 签发者 ${issuer} (policy ${index}: ${error.message})`, { issuer, field: `policies/${index}` });
  }
}

/**
 * Child side: checks a bundle from `parent` (whose keys this node pinned) and every document in
 * it; answers the documents, verified, in the bundle's order.
 */
export async function verifyPolicyBundle(context: FederationContext, parent: RegisteredNode, jws: string): Promise<VerifiedPolicy[]> {
  const bundle = await verifyFrom<PolicyBundlePayload>(jws, parent.jwks, parent.code, TYP.policyBundle);
  context.validate('federation/policy-bundle.schema.json', bundle);
  if (bundle.node !== parent.code || bundle.for !== context.self.code) {
    throw new FederationError('MALFORMED', `政策包由 ${bundle.node} 发给 ${bundle.for}, 不是由上级 ${parent.code} 发给本节点 (bundle not from the parent to this node)`, { node: bundle.node, for: bundle.for });
  }
  const issuers = new Map<string, { level: Level; jwks: Jwks }>();
  for (const [index, ancestor] of bundle.ancestors.entries()) {
    if (ancestor.code === parent.code || ancestor.code === context.self.code) continue; // the pinned keys win
    issuers.set(ancestor.code, { level: ancestor.level, jwks: await checkJwks(ancestor.jwks, `ancestors/${index}/jwks`) });
  }
  if (parent.jwks) issuers.set(parent.code, { level: parent.level, jwks: parent.jwks });

  const verified: VerifiedPolicy[] = [];
  for (const [index, document] of bundle.policies.entries()) {
    const claimed = peekPayload(document).issuer;
    const issuer = typeof claimed === 'string' ? claimed : '';
    const keys = issuers.get(issuer);
    if (!keys) throw new FederationError('POLICY_ISSUER_UNKNOWN', `第 ${index} 份政策文件的签发者 ${issuer} 不在上级链中 (issuer is not a known ancestor)`, { issuer, field: `policies/${index}` });
    if (keys.level !== ISSUING_LEVEL) {
      throw new FederationError('POLICY_ISSUER_INVALID', `第 ${index} 份政策文件由 ${keys.level} 级节点 ${issuer} 签发, 只有省级节点可以签发 (only the province issues policy)`, { issuer, level: keys.level, field: `policies/${index}` });
    }
    const { payload, kid } = await verifyPolicy(document, issuer, keys.jwks, index);
    try {
      context.validate('federation/policy.schema.json', payload);
    } catch (error) {
      throw Object.assign(error as Error, { message: `policies/${index}: ${(error as Error).message}` });
    }
    verified.push({ jws: document, kid, payload });
  }
  return verified;
}
