/**
 * JSON Schema validation for every wire format, against the files in `schemas/` (the published
 * contract). Errors are turned into details that name the field (`/events/3/occurredAt`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { createRequire } from 'node:module';
import type { Middleware } from 'koa';
import type { FormatsPlugin } from 'ajv-formats';
import { AppError } from './errors.ts';
import { parseInstant } from '../calendar/local-date.ts';

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);
const ID_PREFIX = 'https://supervision.example/schemas/';

// ajv-formats is CommonJS with an `exports.default`; require() gives the plugin without ESM wrapping.
const addFormats = createRequire(import.meta.url)('ajv-formats') as FormatsPlugin;

const ajv = new Ajv2020({ allErrors: false, discriminator: true, strict: true, strictRequired: false, strictTypes: false, useDefaults: true });
addFormats(ajv, ['date']);
// Not ajv-formats' date-time: it also passes a space for 'T', leap seconds (23:59:60) and more than
// 9 fraction digits, which the time rules cannot read; such an event then failed the whole batch.
// A date-time here is exactly what the rules parse.
ajv.addFormat('date-time', { type: 'string', validate: (value: string) => isInstant(value) });
// Every schema under schemas/, subfolders included (schemas/federation/ ...), by its $id.
for (const file of readdirSync(SCHEMA_DIR, { recursive: true, encoding: 'utf8' })) {
  if (file.endsWith('.schema.json')) ajv.addSchema(JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')));
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

function validatorFor(schemaFile: string): ValidateFunction {
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

/** A schema violation in caller terms: the field, and what is wrong with it. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** Validates `data` against `schemaFile`; answers the first problem, or null when it conforms. */
export function checkSchema(schemaFile: string, data: unknown, fieldPrefix = ''): FieldProblem | null {
  const validate = validatorFor(schemaFile);
  if (validate(data)) return null;
  const error = validate.errors?.[0];
  if (!error) return { field: fieldPrefix || '/', problem: 'invalid' };
  const allowed = error.keyword === 'enum' ? `: ${(error.params.allowedValues as unknown[]).join(', ')}` : '';
  return { field: fieldOf(error, fieldPrefix), problem: `${error.message ?? 'invalid'}${allowed}` };
}

/** Throws VALIDATION_FAILED (400) naming the field when `data` does not conform. */
export function assertSchema(schemaFile: string, data: unknown): void {
  const problem = checkSchema(schemaFile, data);
  if (problem) {
    throw new AppError('VALIDATION_FAILED', { ...problem }, `字段 ${problem.field} 无效 (invalid field ${problem.field}: ${problem.problem})`);
  }
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
    throw new AppError('VALIDATION_FAILED', { field: '/', problem: 'this route takes no body' }, '此接口不接受请求体 (this route takes no body)');
  }
  assertSchema('no-body.schema.json', body ?? {});
  await next();
};
