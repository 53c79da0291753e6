/**
 * Enrollment of one demo link through the nodes' admin APIs, as an operator would do it with curl
 * (federation/PROTOCOL.md, "Identity and enrollment"): register the child at the parent, then hand
 * the one-time token to the child. Idempotent: a child whose status already names the parent is
 * left alone, so restarting the demo on its old databases enrolls nothing twice.
 */

/** A running node as the enrollment sees it: its code, level, name and URL. */
export interface EnrollNode {
  code: string;
  level: string;
  name: string;
  url: string;
}

/** Thrown when a node refuses a step; the message names the node, the step and its answer. */
export class EnrollmentFailed extends Error {
  override name = 'EnrollmentFailed';
}

// Answers are read only after their status was checked, so the body has the documented shape.
async function call<T>(node: EnrollNode, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** Enrolls `child` under `parent` unless it already is; answers what was done. */
export async function enrollOverHttp(parent: EnrollNode, child: EnrollNode, adminToken: string): Promise<'enrolled' | 'already enrolled'> {
  const status = await call<{ parent: { code: string } | null }>(child, adminToken, 'GET', '/api/v1/federation/status');
  if (status.status !== 200) throw new EnrollmentFailed(`${child.code}: GET /api/v1/federation/status answered ${status.status} ${JSON.stringify(status.body)}`);
  if (status.body.parent?.code === parent.code) return 'already enrolled';

  const registered = await call<{ enrollmentToken: string }>(parent, adminToken, 'POST', '/api/v1/children', { code: child.code, name: child.name, level: child.level });
  if (registered.status !== 201) {
    throw new EnrollmentFailed(`${parent.code}: registering ${child.code} answered ${registered.status} ${JSON.stringify(registered.body)}`);
  }
  const enrolled = await call<unknown>(child, adminToken, 'POST', '/api/v1/federation/enroll', { token: registered.body.enrollmentToken });
  if (enrolled.status !== 200) {
    throw new EnrollmentFailed(`${child.code}: enrolling with ${parent.code} answered ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
  }
  return 'enrolled';
}
