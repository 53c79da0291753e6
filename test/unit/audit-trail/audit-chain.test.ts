/**
 * The audit trail's hash chain: entry hashes over the canonical JSON of every field, and
 * `verifyChain` / `ChainVerifier` finding the first entry that was edited, removed, reordered or
 * inserted, whether the chain comes whole or in chunks.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { ChainVerifier, GENESIS_HASH, chainEntry, entryHash, storedInstant, verifyChain, type AuditEntry, type AuditFacts } from '../../../node/audit-trail/audit-chain.ts';

function facts(index: number): AuditFacts {
  return {
    at: new Date(Date.UTC(2026, 2, 2, 2, 0, index)), actor: index % 2 === 0 ? 'admin-token' : 'user:zhang', role: index % 2 === 0 ? 'bootstrap' : 'supervisor',
    action: 'PUT /api/v1/departments/:code', record: `{"code":"D-${index}"}`, details: { index, nested: { b: 2, a: [1, 'x'] } },
    address: '127.0.0.1', requestId: `req-${index}`, status: 200,
  };
}

function chainOf(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let index = 0; index < length; index++) entries.push(chainEntry(entries.at(-1) ?? null, facts(index)));
  return entries;
}

describe('unit: audit chain', () => {
  it('numbers entries from 1, links each to the previous hash, and starts from 64 zeros', () => {
    const entries = chainOf(3);
    expect(entries.map((entry) => entry.seq)).to.deep.equal([1, 2, 3]);
    expect(entries[0]!.prevHash).to.equal(GENESIS_HASH).and.to.equal('0'.repeat(64));
    expect(entries[1]!.prevHash).to.equal(entries[0]!.hash);
    expect(entries[2]!.prevHash).to.equal(entries[1]!.hash);
    expect(entries[0]!.at).to.equal('2026-03-02T02:00:00.000000Z');
  });

  it('hashes the RFC 8785 canonical JSON of every stored field, seq and prev_hash included', () => {
    const [entry] = chainOf(1);
    const canonical = '{"action":"PUT /api/v1/departments/:code","actor":"admin-token","address":"127.0.0.1","at":"2026-03-02T02:00:00.000000Z",'
      + '"details":{"index":0,"nested":{"a":[1,"x"],"b":2}},"prevHash":"' + '0'.repeat(64) + '","record":"{\\"code\\":\\"D-0\\"}",'
      + '"requestId":"req-0","role":"bootstrap","seq":1,"status":200}';
    expect(entry!.hash).to.equal(createHash('sha256').update(canonical).digest('hex'));
    // Key order in details does not matter; every field's value does.
    expect(entryHash({ ...entry!, details: { nested: { a: [1, 'x'], b: 2 }, index: 0 } })).to.equal(entry!.hash);
    for (const change of [{ seq: 2 }, { at: storedInstant(new Date(Date.UTC(2026, 2, 2, 2, 0, 0, 1))) }, { actor: 'user:li' }, { role: null }, { action: 'DELETE /x' },
      { record: null }, { details: { index: 1 } }, { address: '10.0.0.1' }, { requestId: 'req-x' }, { status: 403 }, { prevHash: 'f'.repeat(64) }]) {
      expect(entryHash({ ...entry!, ...change }), JSON.stringify(change)).to.not.equal(entry!.hash);
    }
  });

  it('accepts an intact chain, and an empty one', () => {
    expect(verifyChain(chainOf(5))).to.deep.equal({ ok: true, checked: 5, brokenAt: null });
    expect(verifyChain([])).to.deep.equal({ ok: true, checked: 0, brokenAt: null });
  });

  it('finds an edited field at the edited entry', () => {
    const entries = chainOf(5);
    entries[2] = { ...entries[2]!, status: 201 };
    expect(verifyChain(entries)).to.deep.equal({ ok: false, checked: 3, brokenAt: 3 });
  });

  it('finds an edited entry whose hash was recomputed at the next entry', () => {
    const entries = chainOf(5);
    const edited = { ...entries[2]!, actor: 'user:someone-else' };
    entries[2] = { ...edited, hash: entryHash(edited) };
    expect(verifyChain(entries)).to.deep.equal({ ok: false, checked: 4, brokenAt: 4 });
  });

  it('finds a removed entry, a removed first entry, and a swapped pair', () => {
    const entries = chainOf(5);
    expect(verifyChain([...entries.slice(0, 2), ...entries.slice(3)])).to.deep.equal({ ok: false, checked: 3, brokenAt: 4 });
    expect(verifyChain(entries.slice(1))).to.deep.equal({ ok: false, checked: 1, brokenAt: 2 });
    expect(verifyChain([entries[0]!, entries[2]!, entries[1]!, entries[3]!])).to.deep.equal({ ok: false, checked: 2, brokenAt: 3 });
  });

  it('finds a renumbered entry and a forged entry slipped in with the right seq', () => {
    const entries = chainOf(4);
    const renumbered = { ...entries[1]!, seq: 7 };
    expect(verifyChain([entries[0]!, { ...renumbered, hash: entryHash(renumbered) }])).to.deep.equal({ ok: false, checked: 2, brokenAt: 7 });
    const forged = chainEntry(entries[1]!, { ...facts(9), actor: 'user:forger' });
    expect(verifyChain([entries[0]!, entries[1]!, forged, entries[2]!, entries[3]!])).to.deep.equal({ ok: false, checked: 4, brokenAt: 3 });
  });

  it('checks a chain fed in chunks as it checks it whole, and stops at the first break', () => {
    const entries = chainOf(10);
    const verifier = new ChainVerifier();
    expect(verifier.push(entries.slice(0, 4))).to.equal(true);
    expect(verifier.head).to.deep.equal({ seq: 4, hash: entries[3]!.hash });
    expect(verifier.push(entries.slice(4))).to.equal(true);
    expect(verifier.verdict()).to.deep.equal({ ok: true, checked: 10, brokenAt: null });

    const broken = new ChainVerifier();
    const tampered = entries.map((entry) => (entry.seq === 6 ? { ...entry, details: {} } : entry));
    expect(broken.push(tampered.slice(0, 5))).to.equal(true);
    expect(broken.push(tampered.slice(5))).to.equal(false);
    expect(broken.push(tampered.slice(0, 2))).to.equal(false);
    expect(broken.verdict()).to.deep.equal({ ok: false, checked: 6, brokenAt: 6 });
    expect(broken.head.seq).to.equal(5);
  });
});
