/** Federation set-up shared by the multi-node tests. */
import { expect } from 'chai';
import type { TestNode } from './test-node.ts';

/** Registers `child` at `parent` and enrolls it with the one-time token, asserting each step. */
export async function enroll(parent: TestNode, child: TestNode, code: string, level: 'county' | 'city'): Promise<void> {
  const registered = await parent.api('POST', '/api/v1/children', { code, name: `节点 ${code}`, level });
  expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
  const enrolled = await child.api('POST', '/api/v1/federation/enroll', { token: registered.body.enrollmentToken });
  expect(enrolled.status, JSON.stringify(enrolled.body)).to.equal(200);
}
