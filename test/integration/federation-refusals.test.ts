/**
 * Every refusal of the batch endpoint (`POST /federation/v1/batches`, federation/PROTOCOL.md):
 * forged, tampered, replayed, reordered, rolled-back, unknown-node, misaddressed and malformed
 * messages each get their own error code and change nothing on the city: not the child's
 * sequence, chain or witnessed checkpoint, not its pinned keys, not the inbox, not the rollups.
 * The same batch twice is answered with the first receipt and counted once. Afterwards the real
 * county's next batch is accepted with the next sequence, as if the refusals never happened.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { NodeIdentity } from '../../federation/identity/node-identity.ts';
import { consistencyProof, rootOf } from '../../federation/log/merkle.ts';
import { zeroCounts } from '../../federation/rollups/summary-row.ts';
import { TYP, type BatchPayload } from '../../federation/sync/message-types.ts';
import { startTestNode, type ApiAnswer, type TestNode } from '../support/test-node.ts';
import { accepted, concluded, postAccepted, setUpCatalog } from '../support/api-fixtures.ts';
import {
  expectRefusal, identityOf, logLeaves, nextBatch, parentRecord, postBatch, sentBatches, signBatch, signCheckpoint, stranger,
  withAlteredSignature, withTamperedPayload, type Signer,
} from '../support/federation-messages.ts';
import { enroll } from '../support/federation-fixtures.ts';

const CITY = '610200';
const COUNTY = '610203';
/** Registered on the city as a child, never enrolled. */
const UNENROLLED = '610204';
/** Never registered anywhere. */
const UNKNOWN = '610299';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('integration: federation batch refusals', function () {
  this.timeout(90000);
  let city: TestNode;
  let county: TestNode;
  /** The county's own keys, opened from its database: messages signed with them are genuine. */
  let countyKeys: NodeIdentity;
  /** A key the city never pinned. */
  let forger: Awaited<ReturnType<typeof stranger>>;
  /** Leaves of the county's log, all witnessed by the city after the first sync. */
  let leaves: Buffer[];

  before(async () => {
    city = await startTestNode({ NODE_CODE: CITY, NODE_LEVEL: 'city' });
    county = await startTestNode({ NODE_CODE: COUNTY, NODE_LEVEL: 'county', PARENT_URL: city.url, PUBLIC_URL: 'http://127.0.0.1:1' });
    await enroll(city, county, COUNTY, 'county');
    const registered = await city.api('POST', '/api/v1/children', { code: UNENROLLED, name: '未登记的县', level: 'county' });
    expect(registered.status, JSON.stringify(registered.body)).to.equal(201);

    await setUpCatalog(county, { D1: '行政审批服务局' }, [{ itemCode: 'I1', departmentCode: 'D1', legalLimitDays: 10, promisedLimitDays: 5 }]);
    await postAccepted(county, [
      accepted('R-1', '2026-03-02T09:00:00+08:00', 'I1', 'D1'),
      accepted('R-2', '2026-03-02T10:00:00+08:00', 'I1', 'D1'),
      concluded('R-2', '2026-03-03T10:00:00+08:00'),
      accepted('R-3', '2026-03-03T09:00:00+08:00', 'I1', 'D1'),
      concluded('R-3', '2026-03-04T09:00:00+08:00'),
    ]);
    county.setNow('2026-03-04T12:00:00+08:00');
    const run = await county.api('POST', '/api/v1/federation/sync?wait=true');
    expect(run.body.result, JSON.stringify(run.body)).to.include({ delivered: 1, pending: 0 });

    countyKeys = await identityOf(county);
    forger = await stranger();
    leaves = await logLeaves(county);
    expect(leaves).to.have.length(5);
    const record = await parentRecord(city, COUNTY);
    expect(record.child).to.include({ lastSequence: 1 });
    expect(record.child).to.have.nested.property('lastCheckpoint.treeSize', 5);
    expect(record.rollupTotals).to.include({ accepted: 3, concluded: 2 });
  });
  after(async () => {
    await county?.close();
    await city?.close();
  });

  /** The batch the county would send next, with `overrides`, unsigned. */
  async function draft(overrides: Partial<BatchPayload> = {}): Promise<BatchPayload> {
    return { ...(await nextBatch(county, countyKeys, CITY)), ...overrides };
  }

  /** `draft(overrides)` signed by `signer` (the county by default). */
  async function signed(overrides: Partial<BatchPayload> = {}, signer: Signer = countyKeys): Promise<string> {
    return signBatch(signer, await draft(overrides));
  }

  /** Posts `body`, asserts the refusal, and that the city holds exactly what it held before. */
  async function refused(body: unknown, status: number, code: string): Promise<ApiAnswer> {
    const before = await parentRecord(city, COUNTY);
    const answer = await postBatch(city, body);
    expectRefusal(answer, status, code);
    expect(await parentRecord(city, COUNTY), `${code} changed the city`).to.deep.equal(before);
    return answer;
  }

  describe('forged', () => {
    it('refuses a batch signed by a key the city never pinned (UNKNOWN_KEY)', async () => {
      await refused({ batch: await signed({}, forger) }, 401, 'UNKNOWN_KEY');
    });

    it('refuses a batch whose signature bytes were altered (BAD_SIGNATURE)', async () => {
      await refused({ batch: withAlteredSignature(await signed()) }, 401, 'BAD_SIGNATURE');
    });

    it('refuses a key announcement signed by a key the city never pinned (UNKNOWN_KEY)', async () => {
      const announcement = await forger.sign(TYP.keys, { node: COUNTY, jwks: forger.ring.publicJwks(), time: '2026-03-04T12:30:00.000Z' });
      await refused({ batch: await signed({}, forger), keyAnnouncements: [announcement] }, 401, 'UNKNOWN_KEY');
    });

    it('pins nothing from a genuine key announcement that rides a refused batch', async () => {
      // The county vouches for the forger's key; the batch it carries is then refused late.
      const jwks = { keys: [...countyKeys.jwks().keys, ...forger.ring.publicJwks().keys] };
      const announcement = await countyKeys.sign(TYP.keys, { node: COUNTY, jwks, time: '2026-03-04T12:30:00.000Z' });
      await refused({ batch: await signed({ parent: '610100' }, forger), keyAnnouncements: [announcement] }, 409, 'WRONG_PARENT');
      // Still unknown: the announcement went with the refused batch.
      await refused({ batch: await signed({}, forger) }, 401, 'UNKNOWN_KEY');
    });
  });

  describe('tampered', () => {
    it('refuses a batch whose payload was changed after signing (BAD_SIGNATURE)', async () => {
      const row = { node: COUNTY, departmentCode: 'D1', itemCode: 'I1', day: '2026-03-02', ...zeroCounts(), accepted: 2 };
      const batch = withTamperedPayload(await signed({ summaries: [row] }), (payload) => {
        (payload.summaries as { accepted: number }[])[0]!.accepted = 200;
      });
      await refused({ batch }, 401, 'BAD_SIGNATURE');
    });

    it('refuses a summary row of another node, even signed by the county (MALFORMED)', async () => {
      const own = { node: COUNTY, departmentCode: 'D1', itemCode: 'I1', day: '2026-03-02', ...zeroCounts(), accepted: 2 };
      const foreign = { ...own, node: UNENROLLED, accepted: 50 };
      await refused({ batch: await signed({ summaries: [own, foreign] }) }, 400, 'MALFORMED');
    });

    it('refuses a checkpoint signed by another key (CHECKPOINT_INVALID)', async () => {
      await refused({ batch: await signed({ checkpoint: await signCheckpoint(forger, COUNTY, leaves) }) }, 409, 'CHECKPOINT_INVALID');
    });

    it('refuses a checkpoint the county signed for another node (CHECKPOINT_INVALID)', async () => {
      await refused({ batch: await signed({ checkpoint: await signCheckpoint(countyKeys, UNENROLLED, leaves) }) }, 409, 'CHECKPOINT_INVALID');
    });
  });

  describe('replayed', () => {
    it('refuses an old sequence with other content (REPLAYED)', async () => {
      const [first] = await sentBatches(county);
      const other = await signed({ sequence: first!.sequence, prevBatchHash: null, createdAt: '2026-03-04T13:00:00.000Z' });
      const answer = await refused({ batch: other }, 409, 'REPLAYED');
      expect(answer.body.error.details).to.include({ sequence: 1, lastSequence: 1 });
    });

    it('answers the same batch again with the original receipt and counts nothing twice', async () => {
      const [first] = await sentBatches(county);
      const before = await parentRecord(city, COUNTY);
      const answer = await postBatch(city, { batch: first!.jws });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body).to.include({ duplicate: true, receipt: first!.receipt });
      const after = await parentRecord(city, COUNTY);
      expect(after).to.deep.equal(before);
      expect(after.rollupTotals).to.include({ accepted: 3, concluded: 2 });
    });
  });

  describe('reordered', () => {
    it('refuses a batch that skips a sequence number (SEQUENCE_GAP)', async () => {
      const next = await draft();
      const answer = await refused({ batch: await signBatch(countyKeys, { ...next, sequence: next.sequence + 1 }) }, 409, 'SEQUENCE_GAP');
      expect(answer.body.error.details).to.include({ expected: 2, sequence: 3 });
    });

    it('refuses a batch chained to another previous batch (CHAIN_BROKEN)', async () => {
      await refused({ batch: await signed({ prevBatchHash: sha256('some other batch') }) }, 409, 'CHAIN_BROKEN');
    });

    it('refuses a second batch that claims to be the first of its chain (CHAIN_BROKEN)', async () => {
      await refused({ batch: await signed({ prevBatchHash: null }) }, 409, 'CHAIN_BROKEN');
    });
  });

  describe('rolled back', () => {
    it('refuses a checkpoint smaller than the one the city witnessed (ROLLED_BACK)', async () => {
      const checkpoint = await signCheckpoint(countyKeys, COUNTY, leaves.slice(0, 4));
      const answer = await refused({ batch: await signed({ checkpoint, consistency: { fromSize: 5, proof: [] } }) }, 409, 'ROLLED_BACK');
      expect(answer.body.error.details).to.include({ treeSize: 4, witnessed: 5 });
    });

    it('refuses a log rewritten under the witnessed checkpoint: its proof does not verify (PROOF_INVALID)', async () => {
      // The county changes its first event and appends one; root and proof are honest about that log.
      const rewritten = [sha256('rewritten event'), ...leaves.slice(1).map((leaf) => leaf.toString('hex')), sha256('new event')].map((hex) => Buffer.from(hex, 'hex'));
      const checkpoint = await signCheckpoint(countyKeys, COUNTY, rewritten);
      const proof = consistencyProof(rewritten, 5, 6).map((hash) => hash.toString('hex'));
      expect(rootOf(rewritten.slice(0, 5)).equals(rootOf(leaves))).to.equal(false);
      await refused({ batch: await signed({ checkpoint, consistency: { fromSize: 5, proof } }) }, 409, 'PROOF_INVALID');
    });

    it('refuses a consistency proof that starts elsewhere than the witnessed size (PROOF_INVALID)', async () => {
      // A genuine proof, from 4 to 5 leaves: valid, but not from what the city witnessed.
      const proof = consistencyProof(leaves, 4, 5).map((hash) => hash.toString('hex'));
      const answer = await refused({ batch: await signed({ consistency: { fromSize: 4, proof } }) }, 409, 'PROOF_INVALID');
      expect(answer.body.error.details).to.include({ fromSize: 4, witnessed: 5 });
    });
  });

  describe('unknown node', () => {
    it('refuses a batch from a code the city never registered (UNKNOWN_NODE)', async () => {
      await refused({ batch: await signed({ node: UNKNOWN, sequence: 1, prevBatchHash: null }, forger) }, 403, 'UNKNOWN_NODE');
    });

    it('refuses a batch that claims to come from the city itself (UNKNOWN_NODE)', async () => {
      await refused({ batch: await signed({ node: CITY, sequence: 1, prevBatchHash: null }, forger) }, 403, 'UNKNOWN_NODE');
    });

    it('refuses a batch from a registered child that has not enrolled (NOT_ENROLLED)', async () => {
      const before = (await parentRecord(city, UNENROLLED)).child;
      await refused({ batch: await signed({ node: UNENROLLED, sequence: 1, prevBatchHash: null }, forger) }, 403, 'NOT_ENROLLED');
      expect((await parentRecord(city, UNENROLLED)).child).to.deep.equal(before).and.to.include({ enrolled: false, lastSequence: 0 });
    });
  });

  describe('wrong addressee', () => {
    it('refuses a batch the county addressed to another parent (WRONG_PARENT)', async () => {
      const answer = await refused({ batch: await signed({ parent: '610100' }) }, 409, 'WRONG_PARENT');
      expect(answer.body.error.details).to.include({ parent: '610100' });
    });
  });

  describe('malformed', () => {
    it('refuses a batch that is not a JWS at all (MALFORMED)', async () => {
      await refused({ batch: 'this is not a signed batch' }, 400, 'MALFORMED');
    });

    it('refuses a body without a batch (400)', async () => {
      const answer = await refused({ keyAnnouncements: [] }, 400, 'VALIDATION_FAILED');
      expect(answer.body.error.details).to.include({ field: '/batch' });
    });
  });

  describe('after every refusal', () => {
    it('accepts the county\'s next batch with the next sequence, as if nothing had been tried', async () => {
      await postAccepted(county, [accepted('R-4', '2026-03-04T14:00:00+08:00', 'I1', 'D1')]);
      county.setNow('2026-03-04T15:00:00+08:00');
      const run = await county.api('POST', '/api/v1/federation/sync?wait=true');
      expect(run.status, JSON.stringify(run.body)).to.equal(200);
      expect(run.body.result, JSON.stringify(run.body.result)).to.include({ delivered: 1, pending: 0 });
      expect(run.body.result.built.sequence).to.equal(2);

      const record = await parentRecord(city, COUNTY);
      expect(record.child).to.include({ lastSequence: 2 });
      expect(record.child).to.have.nested.property('lastCheckpoint.treeSize', 6);
      expect(record.inbox.count).to.equal(2);
      expect(record.rollupTotals).to.include({ accepted: 4, concluded: 2 });
      // The first batch sent again is still only a duplicate.
      const [first] = await sentBatches(county);
      expect((await postBatch(city, { batch: first!.jws })).body).to.include({ duplicate: true, receipt: first!.receipt });
    });
  });
});
