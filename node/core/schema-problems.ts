/**
 * What a JSON Schema violation means, in Chinese and in English, for `details.problem` and the
 * message of a VALIDATION_FAILED or INVALID_PARAMETER answer (and of a refused event). Ajv's own
 * text (`must match format "date"`) is English only and names schema keywords; ajv-i18n's `zh`
 * would replace it with Chinese only, so both languages come from this one table, by keyword.
 */
import type { ErrorObject } from 'ajv';

/** A problem said twice: in Chinese and in English. */
export interface Bilingual {
  zh: string;
  en: string;
}

/** `中文 (English)`, the form of every message people read. */
export function bilingual(text: Bilingual): string {
  return `${text.zh} (${text.en})`;
}

const TYPES: Record<string, Bilingual> = {
  string: { zh: '字符串', en: 'a string' },
  integer: { zh: '整数', en: 'an integer' },
  number: { zh: '数字', en: 'a number' },
  boolean: { zh: '布尔值', en: 'a boolean' },
  object: { zh: '对象', en: 'an object' },
  array: { zh: '数组', en: 'an array' },
  null: { zh: 'null', en: 'null' },
};

const FORMATS: Record<string, Bilingual> = {
  date: { zh: 'YYYY-MM-DD 格式的日期', en: 'a date in YYYY-MM-DD format' },
  'date-time': { zh: '带时区偏移的 ISO 8601 时刻, 如 2026-03-02T10:00:00+08:00', en: 'an ISO 8601 instant with an offset, e.g. 2026-03-02T10:00:00+08:00' },
  email: { zh: '电子邮件地址', en: 'an e-mail address' },
  uri: { zh: 'URI', en: 'a URI' },
  uuid: { zh: 'UUID', en: 'a UUID' },
};

const list = (values: unknown): string => (Array.isArray(values) ? values : [values]).map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');

function typeName(type: unknown): Bilingual {
  const names = (Array.isArray(type) ? type : String(type).split(',')).map((name) => TYPES[String(name)] ?? { zh: String(name), en: String(name) });
  return { zh: names.map((name) => name.zh).join('或'), en: names.map((name) => name.en).join(' or ') };
}

/** The problem an Ajv error describes, in both languages (the field itself is named apart). */
export function schemaProblem(error: ErrorObject): Bilingual {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { zh: '必须提供', en: 'is required' };
    case 'additionalProperties':
      return { zh: '不是可接受的字段', en: 'is not an accepted field' };
    case 'unevaluatedProperties':
      return { zh: '不是可接受的字段', en: 'is not an accepted field' };
    case 'type': {
      const type = typeName(p.type);
      return { zh: `必须是${type.zh}`, en: `must be ${type.en}` };
    }
    case 'enum':
      return { zh: `必须是以下之一: ${list(p.allowedValues)}`, en: `must be one of ${list(p.allowedValues)}` };
    case 'const':
      return { zh: `必须等于 ${list(p.allowedValue)}`, en: `must equal ${list(p.allowedValue)}` };
    case 'format': {
      const format = FORMATS[String(p.format)] ?? { zh: `${String(p.format)} 格式`, en: `in ${String(p.format)} format` };
      // A space between Chinese and a Latin word, as the other messages write it.
      return { zh: `必须是${/^[A-Za-z0-9]/.test(format.zh) ? ' ' : ''}${format.zh}`, en: `must be ${format.en}` };
    }
    case 'minimum':
      return { zh: `不得小于 ${String(p.limit)}`, en: `must be at least ${String(p.limit)}` };
    case 'maximum':
      return { zh: `不得大于 ${String(p.limit)}`, en: `must be at most ${String(p.limit)}` };
    case 'exclusiveMinimum':
      return { zh: `必须大于 ${String(p.limit)}`, en: `must be more than ${String(p.limit)}` };
    case 'exclusiveMaximum':
      return { zh: `必须小于 ${String(p.limit)}`, en: `must be less than ${String(p.limit)}` };
    case 'multipleOf':
      return { zh: `必须是 ${String(p.multipleOf)} 的倍数`, en: `must be a multiple of ${String(p.multipleOf)}` };
    case 'minLength':
      return { zh: `至少 ${String(p.limit)} 个字符`, en: `must have at least ${String(p.limit)} characters` };
    case 'maxLength':
      return { zh: `至多 ${String(p.limit)} 个字符`, en: `must have at most ${String(p.limit)} characters` };
    case 'pattern':
      return { zh: `格式不符, 须匹配 ${String(p.pattern)}`, en: `must match the pattern ${String(p.pattern)}` };
    case 'minItems':
      return { zh: `至少 ${String(p.limit)} 项`, en: `must have at least ${String(p.limit)} items` };
    case 'maxItems':
      return { zh: `至多 ${String(p.limit)} 项`, en: `must have at most ${String(p.limit)} items` };
    case 'uniqueItems':
      return { zh: `不得有重复项 (第 ${String(p.j)} 项与第 ${String(p.i)} 项相同)`, en: `must not repeat items (items ${String(p.j)} and ${String(p.i)} are identical)` };
    case 'minProperties':
      return { zh: `至少 ${String(p.limit)} 个字段`, en: `must have at least ${String(p.limit)} fields` };
    case 'maxProperties':
      return { zh: `至多 ${String(p.limit)} 个字段`, en: `must have at most ${String(p.limit)} fields` };
    case 'dependentRequired':
      return { zh: `与 ${String(p.property)} 一起时必须提供`, en: `is required together with ${String(p.property)}` };
    case 'propertyNames':
      return { zh: `字段名 ${String(p.propertyName)} 无效`, en: `has an invalid field name ${String(p.propertyName)}` };
    case 'discriminator':
      return p.tagValue === undefined
        ? { zh: '必须是字符串', en: 'must be a string' }
        : { zh: `不是可接受的取值: ${list(p.tagValue)}`, en: `is not an accepted value: ${list(p.tagValue)}` };
    case 'oneOf':
    case 'anyOf':
      return { zh: '不符合任何一种可接受的形式', en: 'matches none of the accepted forms' };
    case 'not':
      return { zh: '是不允许的形式', en: 'has a form that is not allowed' };
    default:
      return { zh: '无效', en: error.message ?? 'invalid' };
  }
}
