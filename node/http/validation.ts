/**
 * JSON Schema validation for every wire format, against the files in `schemas/` (the published
 * contract), and of the params and query a route contract declares. Errors are turned into
 * details that name the field (`/events/3/occurredAt`) and say what is wrong in Chinese and
 * English (node/core/schema-problems.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { createRequire } from 'node:module';
import type { Middleware } from 'koa';
import type { FormatsPlugin } from 'ajv-formats';
import { AppError } from '../core/errors.ts';
import { bilingual, schemaProblem } from '../core/schema-problems.ts';
import { parseInstant } from '../calendar/local-date.ts';

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);
const ID_PREFIX = 'https://supervision.example/schemas/';

// ajv-formats is CommonJS with an `exports.default`; require() gives the plugin without ESM wrapping.
const addFormats = createRequire(import.meta.url)('ajv-formats') as FormatsPlugin;

/** `coerce`: query and path values arrive as text, read as the schema's numbers and booleans. */
function newAjv(coerce: boolean): Ajv2020 {
  const instance = new Ajv2020({ allErrors: false, discriminator: true, strict: true, strictRequired: false, strictTypes: false, useDefaults: true, ...(coerce ? { coerceTypes: 'array' as const } : {}) });
  addFormats(instance, ['date']);
  // Not ajv-formats' date-time: it also passes a space for 'T', leap seconds (23:59:60) and more than
  // 9 fraction digits, which the time rules cannot read; such an event then failed the whole batch.
  // A date-time here is exactly what the rules parse.
  instance.addFormat('date-time', { type: 'string', validate: (value: string) => isInstant(value) });
  return instance;
}

const ajv = newAjv(false);
// Every schema under schemas/, subfolders included (schemas/federation/ ...), by its $id.
const SCHEMA_FILES = readdirSync(SCHEMA_DIR, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.schema.json')).sort();
for (const file of SCHEMA_FILES) ajv.addSchema(JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')));
const coercing = newAjv(true);

/** The `$id` of `schemas/<file>`. */
export function schemaId(file: string): string {
  return ID_PREFIX + file;
}

/** Every published schema, by file name under schemas/ (for the OpenAPI description). */
export function publishedSchemas(): { file: string; schema: Record<string, unknown> }[] {
  return SCHEMA_FILES.map((file) => ({ file, schema: JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as Record<string, unknown> }));
}

/** Compiles a route's inline params or query schema (values coerced from text). */
export function compileParameters(schema: object): ValidateFunction {
  return coercing.compile(schema);
}

function isInstant(value: string): boolean {
  try {
    parseInstant(value);
    return true;
  } catch {
    return false;
  }
}

const compiled = new Map<string, ValidateFunction>();

export function validatorFor(schemaFile: string): ValidateFunction {
  let validate = compiled.get(schemaFile);
  if (!validate) {
    validate = ajv.getSchema(ID_PREFIX + schemaFile);
    if (!validate) throw new Error(`no schema ${schemaFile} in schemas/`);
    compiled.set(schemaFile, validate);
  }
  return validate;
}

/** The field an Ajv error is about, as a JSON pointer (a missing property is named itself). */
function fieldOf(error: ErrorObject, prefix: string): string {
  const base = prefix + error.instancePath;
  if (error.keyword === 'required') return `${base}/${String(error.params.missingProperty)}`;
  if (error.keyword === 'additionalProperties') return `${base}/${String(error.params.additionalProperty)}`;
  if (error.keyword === 'discriminator') return `${base}/${String(error.params.tag)}`;
  return base === '' ? '/' : base;
}

/** A schema violation in caller terms: the field, what is wrong with it (Chinese and English), and the schema keyword. */
export interface FieldProblem {
  field: string;
  problem: string;
  keyword?: string;
  /** The problem in each language, for the message. */
  text?: { zh: string; en: string };
}

/** The first of `errors` as a FieldProblem, its field prefixed with `fieldPrefix`. */
export function problemOf(errors: readonly ErrorObject[] | null | undefined, fieldPrefix = ''): FieldProblem {
  const error = errors?.[0];
  if (!error) return { field: fieldPrefix || '/', problem: '无效 (invalid)' };
  const text = schemaProblem(error);
  return { field: fieldOf(error, fieldPrefix), problem: bilingual(text), keyword: error.keyword, text };
}

/** Validates `data` against `schemaFile`; answers the first problem, or null when it conforms. */
export function checkSchema(schemaFile: string, data: unknown, fieldPrefix = ''): FieldProblem | null {
  const validate = validatorFor(schemaFile);
  if (validate(data)) return null;
  const { text: _text, ...problem } = problemOf(validate.errors, fieldPrefix);
  return problem;
}

/** The VALIDATION_FAILED (400) of a body field, named in the message too. */
export function bodyProblem(problem: FieldProblem): AppError {
  const { text, ...details } = problem;
  const message = text
    ? `字段 ${problem.field} 无效: ${text.zh} (invalid field ${problem.field}: ${text.en})`
    : `字段 ${problem.field} 无效 (invalid field ${problem.field}): ${problem.problem}`;
  return new AppError('VALIDATION_FAILED', details, message);
}

/** Throws VALIDATION_FAILED (400) naming the field when `data` does not conform. */
export function assertSchema(schemaFile: string, data: unknown): void {
  const validate = validatorFor(schemaFile);
  if (!validate(data)) throw bodyProblem(problemOf(validate.errors));
}

/**
 * For routes that take no body (a sweep, a retry, a logout ...): nothing, or an empty JSON object
 * (no-body.schema.json), is accepted; anything else is refused rather than silently ignored, so a
 * caller who meant to send something learns it was not read. A DELETE's body is never parsed, so
 * for a DELETE any body at all is refused.
 */
export const noBody: Middleware = async (ctx, next) => {
  const body: unknown = ctx.request.body;
  if (body === undefined && (Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '')) {
    throw new AppError('VALIDATION_FAILED', { field: '/', problem: '此接口不接受请求体 (this route takes no body)' }, '此接口不接受请求体 (this route takes no body)');
  }
  assertSchema('no-body.schema.json', body ?? {});
  await next();
};
