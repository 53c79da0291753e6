/** Enrollment between a city and a county: one-time tokens, pinned keys, and every refusal. */
import { expect } from 'chai';
import { startTestNode, type TestNode } from '../support/test-node.ts';

describe('integration: federation enrollment', function () {
  this.timeout(60000);
  let city: TestNode;
  let county: TestNode;

  before(async () => {
    city = await startTestNode({ NODE_CODE: '610200', NODE_LEVEL: 'city', NODE_NAME: '铜川市电子监察节点' });
    county = await startTestNode({ NODE_CODE: '610203', NODE_LEVEL: 'county', PARENT_URL: city.url, PUBLIC_URL: 'http://county.test' });
  });
  after(async () => {
    await county?.close();
    await city?.close();
  });

  const jwksOf = async (node: TestNode) => ((await (await fetch(`${node.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

  it('refuses a child that is not below the parent, and a malformed registration', async () => {
    const same = await city.api('POST', '/api/v1/children', { code: '610300', name: '宝鸡市', level: 'city' });
    expect(same.status).to.equal(422);
    expect(same.body.error.code).to.equal('LEVEL_NOT_BELOW');
    const bad = await city.api('POST', '/api/v1/children', { code: '61x203', name: 'x', level: 'county' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.field).to.equal('/code');
  });

  it('enrolls with a one-time token; both sides pin each other\'s keys', async () => {
    const registered = await city.api('POST', '/api/v1/children', { code: '610203', name: '印台区', level: 'county' });
    expect(registered.status).to.equal(201);
    const token = registered.body.enrollmentToken as string;
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);

    const wrong = await county.api('POST', '/api/v1/federation/enroll', { token: 'x'.repeat(43) });
    expect(wrong.status).to.equal(403);
    expect(wrong.body.error.code).to.equal('INVALID_ENROLLMENT_TOKEN');

    const enrolled = await county.api('POST', '/api/v1/federation/enroll', { token });
    expect(enrolled.status, JSON.stringify(enrolled.body)).to.equal(200);
    expect(enrolled.body.parent).to.include({ code: '610200', relation: 'parent', level: 'city', enrolled: true });
    expect(enrolled.body.parent.kids).to.deep.equal(await jwksOf(city));

    const children = await city.api('GET', '/api/v1/children');
    const child = children.body.items.find((item: { code: string }) => item.code === '610203');
    expect(child).to.include({ relation: 'child', level: 'county', enrolled: true, publicUrl: 'http://county.test' });
    expect(child.kids).to.deep.equal(await jwksOf(county));

    // The token burns on use; a second enrollment of the child is refused too.
    const again = await county.api('POST', '/api/v1/federation/enroll', { token });
    expect(again.status).to.equal(403);
    expect(again.body.error.code).to.equal('INVALID_ENROLLMENT_TOKEN');
    const reregister = await city.api('POST', '/api/v1/children', { code: '610203', name: '印台区', level: 'county' });
    expect(reregister.status).to.equal(409);
    expect(reregister.body.error.code).to.equal('NODE_EXISTS');
  });

  it('refuses a token presented for another level, and an expired one', async () => {
    const registered = await city.api('POST', '/api/v1/children', { code: '610204', name: '耀州区', level: 'county' });
    const token = registered.body.enrollmentToken as string;
    const asCity = await fetch(`${city.url}/federation/v1/enroll`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, node: { code: '610204', level: 'city', name: 'x', publicUrl: null, jwks: await (await fetch(`${county.url}/.well-known/jwks.json`)).json() } }),
    });
    expect(asCity.status).to.equal(422);
    expect(((await asCity.json()) as { error: { code: string } }).error.code).to.equal('LEVEL_MISMATCH');

    city.setNow(new Date(Date.parse('2026-03-02T10:00:00+08:00') + 73 * 3600 * 1000));
    try {
      const late = await fetch(`${city.url}/federation/v1/enroll`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, node: { code: '610204', level: 'county', name: 'x', publicUrl: null, jwks: await (await fetch(`${county.url}/.well-known/jwks.json`)).json() } }),
      });
      expect(late.status).to.equal(403);
      expect(((await late.json()) as { error: { code: string } }).error.code).to.equal('ENROLLMENT_TOKEN_EXPIRED');
    } finally {
      city.setNow('2026-03-02T10:00:00+08:00');
    }
  });

  it('refuses enrollment without PARENT_URL', async () => {
    const answer = await city.api('POST', '/api/v1/federation/enroll', { token: 'y'.repeat(43) });
    expect(answer.status).to.equal(409);
    expect(answer.body.error.code).to.equal('NO_PARENT_URL');
  });
});
