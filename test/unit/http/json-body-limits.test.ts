/** The JSON body checks: depth, unstorable text in values and property names, with JSON pointers. */
import { expect } from 'chai';
import { inspectJsonBody, textProblem } from '../../../node/http/json-body-limits.ts';

const nestedArrays = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('unit: JSON body limits', () => {
  it('allows nesting up to the limit and names where it is exceeded', () => {
    expect(inspectJsonBody(nestedArrays(32), 32)).to.equal(null);
    expect(inspectJsonBody({ name: nestedArrays(31) }, 32)).to.equal(null);
    const problem = inspectJsonBody({ name: nestedArrays(32) }, 32);
    expect(problem).to.deep.equal({ code: 'JSON_TOO_DEEP', field: `/name${'/0'.repeat(31)}`, maxDepth: 32 });
  });

  it('walks a million levels without recursion', () => {
    const deep = nestedArrays(1_000_000);
    expect(inspectJsonBody(deep, 32)?.code).to.equal('JSON_TOO_DEEP');
    // Within a generous limit the whole depth is walked, still without overflowing the stack.
    expect(inspectJsonBody(deep, 2_000_000)).to.equal(null);
  });

  it('refuses NUL and lone surrogates in values and property names, naming the pointer', () => {
    expect(inspectJsonBody({ contacts: [{ name: 'ok' }, { name: 'a\u0000b' }] }, 32)).to.deep.include({ code: 'INVALID_TEXT', field: '/contacts/1/name' });
    expect(inspectJsonBody({ list: ['x', 'a\uD800'] }, 32)).to.deep.include({ code: 'INVALID_TEXT', field: '/list/1' });
    expect(inspectJsonBody({ 'a/b~c': 'a\uDC00' }, 32)).to.deep.include({ code: 'INVALID_TEXT', field: '/a~1b~0c' });
    const key = inspectJsonBody({ outer: { 'na\u0000me': 1 } }, 32);
    expect(key).to.deep.include({ code: 'INVALID_TEXT', field: '/outer/na\\u0000me' });
    expect(inspectJsonBody('top\u0000', 32)).to.deep.include({ field: '/' });
  });

  it('accepts every other text: pairs, emoji, direction marks, combining characters', () => {
    for (const text of ['😀', 'abc\u202Edef', 'a\u200Db', 'e\u0301', '６１０２０３', "'; DROP TABLE cases; --"]) {
      expect(textProblem(text), text).to.equal(null);
      expect(inspectJsonBody({ [text]: [text] }, 32)).to.equal(null);
    }
  });
});
