/**
 * The one error catalogue holds federation's codes with the status federation gives them, and
 * every event refusal code; schema problems read in Chinese and English for each Ajv keyword a
 * published schema uses; instants are shown in +08:00.
 */
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ERRORS, EVENT_REJECTIONS } from '../../../node/core/errors.ts';
import { FEDERATION_ERRORS } from '../../../federation/protocol/federation-errors.ts';
import { schemaProblem, bilingual } from '../../../node/core/schema-problems.ts';
import { isoLocal } from '../../../node/core/instants.ts';
import { presentInstant } from '../../../federation/protocol/present-instant.ts';
import { presentedInstant, storedInstantOf } from '../../../node/audit-trail/audit-chain.ts';

describe('core: error catalogue, schema problems, instants', () => {
  it('holds every federation code with federation\'s status, and every event refusal with its message', () => {
    for (const [code, entry] of Object.entries(FEDERATION_ERRORS)) {
      expect((ERRORS as Record<string, { status: number }>)[code]?.status, code).to.equal(entry.status);
    }
    expect(Object.keys(EVENT_REJECTIONS).sort()).to.deep.equal([
      'CASE_ALREADY_ACCEPTED', 'EVENT_CONFLICT', 'EVENT_UNPROCESSABLE', 'FORBIDDEN_DEPARTMENT', 'ITEM_DEPARTMENT_MISMATCH', 'LIMIT_ABOVE_LEGAL', 'OCCURRED_AT_OUT_OF_RANGE', 'UNKNOWN_DEPARTMENT', 'UNKNOWN_ITEM', 'VALIDATION_FAILED',
    ]);
    expect(EVENT_REJECTIONS.VALIDATION_FAILED).to.equal('事件不符合格式要求 (event does not match the schema)');
    for (const [code, entry] of Object.entries(ERRORS)) expect(entry.message, code).to.match(/[\u4e00-\u9fff].* \(.+\)$/);
  });

  it('says each schema problem in Chinese and in English', () => {
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    const cases: [object, unknown, string][] = [
      [{ type: 'object', required: ['a'] }, {}, '必须提供 (is required)'],
      [{ type: 'integer' }, 'x', '必须是整数 (must be an integer)'],
      [{ enum: ['a', 'b'] }, 'c', '必须是以下之一: a, b (must be one of a, b)'],
      [{ type: 'integer', minimum: 1 }, 0, '不得小于 1 (must be at least 1)'],
      [{ type: 'integer', maximum: 9 }, 10, '不得大于 9 (must be at most 9)'],
      [{ type: 'string', minLength: 2 }, 'x', '至少 2 个字符 (must have at least 2 characters)'],
      [{ type: 'string', maxLength: 1 }, 'xy', '至多 1 个字符 (must have at most 1 characters)'],
      [{ type: 'object', additionalProperties: false }, { x: 1 }, '不是可接受的字段 (is not an accepted field)'],
      [{ const: 'v' }, 'w', '必须等于 v (must equal v)'],
      [{ type: 'array', minItems: 1 }, [], '至少 1 项 (must have at least 1 items)'],
      [{ type: 'array', maxItems: 1 }, [1, 2], '至多 1 项 (must have at most 1 items)'],
    ];
    for (const [schema, value, expected] of cases) {
      const validate = ajv.compile(schema);
      expect(validate(value)).to.equal(false);
      expect(bilingual(schemaProblem(validate.errors![0]!)), JSON.stringify(schema)).to.equal(expected);
    }
  });

  it('shows instants in +08:00, and turns an audit entry\'s shown `at` back into the hashed one', () => {
    expect(isoLocal(new Date('2026-03-02T02:00:00Z'))).to.equal('2026-03-02T10:00:00.000+08:00');
    expect(isoLocal('2026-12-31T20:30:00.5Z')).to.equal('2027-01-01T04:30:00.500+08:00');
    expect(presentInstant('2026-03-02T02:00:00Z')).to.equal('2026-03-02T10:00:00.000+08:00');
    expect(presentInstant(null)).to.equal(null);
    expect(presentedInstant('2026-03-02T18:15:30.250123Z')).to.equal('2026-03-03T02:15:30.250123+08:00');
    expect(storedInstantOf('2026-03-03T02:15:30.250123+08:00')).to.equal('2026-03-02T18:15:30.250123Z');
  });
});
