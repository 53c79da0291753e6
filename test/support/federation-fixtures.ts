/** Federation set-up shared by the multi-node tests. */
import { expect } from 'chai';
import { startTestNode, type TestNode } from './test-node.ts';
import { freePort } from './node-process.ts';

/** Registers `child` at `parent` and enrolls it with the one-time token, asserting each step. */
export async function enroll(parent: TestNode, child: TestNode, code: string, level: 'county' | 'city'): Promise<void> {
  const registered = await parent.api('POST', '/api/v1/children', { code, name: `节点 ${code}`, level });
  expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
  const enrolled = await child.api('POST', '/api/v1/federation/enroll', { token: registered.body.enrollmentToken });
  expect(enrolled.status, JSON.stringify(enrolled.body)).to.equal(200);
}

/** A node on a port chosen beforehand, so its PUBLIC_URL (which its parent calls) is right. */
export async function startAt(env: Record<string, string>): Promise<TestNode> {
  const port = await freePort();
  return startTestNode({ ...env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
}

/** Runs the upward sync of `node` now; it must succeed. */
export async function sync(node: TestNode): Promise<void> {
  const run = await node.api('POST', '/api/v1/federation/sync?wait=true');
  expect(run.status, JSON.stringify(run.body)).to.equal(200);
  expect(run.body.result.error, JSON.stringify(run.body.result)).to.equal(null);
}
