/**
 * The child side of downward policy, run after each delivery of the outbox: the parent's bundle
 * came with the answer to a batch, or, when no batch was due, is asked for
 * (`POST /federation/v1/policies`), so a quiet node still gets new calendars with its next sync.
 * A refused bundle changes nothing; the refusal is logged and shown as the parent link's error.
 */
import type { FederationContext } from '../federation-context.ts';
import { postToPeer } from '../http/peer-client.ts';
import { checkJwks } from '../enrollment/enrollment.ts';
import { findParent, pinKeys, type RegisteredNode } from '../registry/node-registry.ts';
import { verifyFrom } from '../sync/verify.ts';
import { TYP, type KeyAnnouncementPayload } from '../sync/message-types.ts';
import type { PolicyApplication } from './policy-host.ts';
import { verifyPolicyBundle } from './policy-bundle.ts';

export interface PolicySyncOutcome extends PolicyApplication {
  /** 'answer': the bundle came with a batch's answer; 'pull': it was asked for. */
  via: 'answer' | 'pull';
  error: { code: string; message: string } | null;
}

/** Pins the parent's rotated keys from announcements signed by a key already pinned (as acceptReceipt does). */
async function acceptParentKeys(context: FederationContext, parent: RegisteredNode, announcements: readonly string[]): Promise<RegisteredNode> {
  let current = parent;
  for (const announcement of announcements) {
    const announced = await verifyFrom<KeyAnnouncementPayload>(announcement, current.jwks, current.code, TYP.keys);
    if (announced.node !== current.code) continue;
    const jwks = await checkJwks(announced.jwks, 'keyAnnouncement/jwks');
    await pinKeys(context.sql, current.code, jwks);
    current = { ...current, jwks };
  }
  return current;
}

/**
 * Verifies and applies the parent's bundle: `bundle` from a batch answer, or pulled when
 * undefined (no batch delivered). Null when there is nothing to do (no policy host, no parent,
 * or a parent that hands on no policy).
 */
export async function syncPoliciesFromParent(context: FederationContext, bundle: string | null | undefined): Promise<PolicySyncOutcome | null> {
  if (!context.policy || bundle === null) return null;
  let parent = await findParent(context.sql);
  if (!parent || !parent.publicUrl || parent.enrolledAt === null) return null;
  const via = bundle === undefined ? 'pull' : 'answer';
  try {
    let jws: string | null | undefined = bundle;
    if (jws === undefined) {
      const answer = await postToPeer<{ policyBundle: string | null; keyAnnouncements?: string[] }>(context.fetch, parent.publicUrl, '/federation/v1/policies', { node: context.self.code });
      parent = await acceptParentKeys(context, parent, answer.keyAnnouncements ?? []);
      jws = answer.policyBundle;
    }
    if (jws === null) return null;
    const documents = await verifyPolicyBundle(context, parent, jws);
    const application = await context.policy.apply(documents);
    if (application.applied.length > 0) context.log.info({ parent: parent.code, ...application }, '已采用上级下发的政策 (policies from above applied)');
    return { via, ...application, error: null };
  } catch (error) {
    const coded = (error as { code?: unknown }).code;
    const code = typeof coded === 'string' ? coded : 'POLICY_REFUSED';
    const message = (error as Error).message.slice(0, 900);
    context.log.warn({ parent: parent.code, code, message }, '上级下发的政策未被采用 (policies from the parent refused)');
    await context.sql.query('UPDATE federation_nodes SET last_error = $2 WHERE code = $1', [parent.code, `${code}: ${message}`]);
    return { via, applied: [], recomputed: { checked: 0, changed: 0 }, error: { code, message } };
  }
}
