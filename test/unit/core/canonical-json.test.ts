import { expect } from 'chai';
import { mulberry32 } from '../../../node/demo/case-scenarios.ts';
import canonicalize from 'canonicalize';
import { canonicalJson } from '../../../node/core/canonical-json.ts';

/** Deterministic pseudo-random JSON values (mulberry32), with the names and numbers JCS is picky about. */
function generator(seed: number) {
  const next = mulberry32(seed);
  const names = ['a', 'b', 'Z', '1', '10', '9', '01', '!', 'é', '€', '\u{1F600}', 'eventId', 'caseNo', '', ' ', 'aa', 'a\u0000'];
  const numbers = [0, -0, 1, -1, 0.1 + 0.2, 1e21, 1e-7, 123456789012, 2 ** 53, -1.5e300, 5e-324];
  const strings = ['', 'x', '张三', '"\\', '\u2028\u2029', '\u0001\u001f', '\u{1F600}', 'é'];
  const value = (depth: number): unknown => {
    const r = next();
    if (depth > 3 || r < 0.3) return r < 0.1 ? numbers[Math.floor(next() * numbers.length)] : r < 0.2 ? strings[Math.floor(next() * strings.length)] : r < 0.25 ? next() < 0.5 : null;
    if (r < 0.55) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 6); i > 0; i--) object[names[Math.floor(next() * names.length)]!] = next() < 0.05 ? undefined : value(depth + 1);
    return object;
  };
  return value;
}

describe('unit: canonicalJson (RFC 8785)', () => {
  it('writes exactly what the canonicalize package writes, for 20,000 generated values', () => {
    const value = generator(20261204);
    for (let i = 0; i < 20_000; i++) {
      const sample = value(0);
      expect(canonicalJson(sample), JSON.stringify(sample)).to.equal(canonicalize(sample));
    }
  });

  it('orders integer-like names as text, not as numbers', () => {
    expect(canonicalJson({ 10: 'a', 9: 'b', '!': 'c', z: { 2: 1, 1: 2 } })).to.equal('{"!":"c","10":"a","9":"b","z":{"1":2,"2":1}}');
  });

  it('refuses what JCS gives no form: NaN, Infinity, a lone surrogate, undefined in an array', () => {
    for (const bad of [Number.NaN, Infinity, { a: '\uD800' }, { '\uDC00': 1 }, [undefined], { toJSON: () => 1 }]) {
      expect(() => canonicalJson(bad), String(bad)).to.throw(TypeError);
    }
  });
});
