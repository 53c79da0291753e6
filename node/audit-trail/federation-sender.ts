/**
 * Which node sent an accepted node-to-node message, for its audit-trail entry. Read from the
 * message after its handler verified it (a signature or the enrollment token), so the claim holds.
 * Only the messages that change this node or read its record are audited; `POST
 * /federation/v1/policies` needs no credential and changes nothing, so recording it would only let
 * anyone grow the trail.
 */
import { peekPayload } from '../../federation/index.ts';

type Body = Record<string, unknown>;

const SENDERS: Record<string, (body: Body) => unknown> = {
  'POST /federation/v1/enroll': (body) => (body.node as Body | undefined)?.code,
  'POST /federation/v1/batches': (body) => peekPayload(body.batch).node,
  'POST /federation/v1/audits': (body) => peekPayload(body.request).auditor,
};

/** Whether the route `key` (`METHOD /pattern`) is a node-to-node message the trail records. */
export function isAuditedFederationRoute(key: string): boolean {
  return key in SENDERS;
}

/** The sending node's code, or null when it cannot be read. */
export function federationSender(key: string, body: unknown): string | null {
  const read = SENDERS[key];
  if (!read || body === null || typeof body !== 'object') return null;
  try {
    const code = read(body as Body);
    return typeof code === 'string' && /^\d{6}$/.test(code) ? code : null;
  } catch {
    return null;
  }
}
