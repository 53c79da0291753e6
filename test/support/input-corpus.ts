/**
 * The bad-input corpus: strings that must never be taken for something else (SQL and script
 * injection, prototype keys, Unicode tricks, text PostgreSQL cannot store), wrong types, missing
 * and unknown fields, and the request-level cases (wrong top-level type, huge, deep or malformed
 * bodies, wrong content type). `fieldMutations` turns a valid body and a table of its fields into
 * one request body per mutation, each marked with whether the published schema allows it — an
 * oracle written here, independently of the schemas, from what each field is meant to hold.
 */

/** Injection strings: meaningful to SQL, HTML or JavaScript, never to the node. */
export const INJECTIONS: Readonly<Record<string, string>> = {
  sqlOr: "' OR 1=1 --",
  sqlDrop: "'; DROP TABLE cases; --",
  sqlPlaceholder: '$1',
  sqlHexNul: '\\x00',
  script: '<script>alert(1)</script>',
  jsUrl: 'javascript:alert(1)',
  proto: '__proto__',
  constructor: 'constructor',
};

/** Unicode that looks like something else or changes how text is shown. */
export const UNICODE_TRICKS: Readonly<Record<string, string>> = {
  rtlOverride: 'abc\u202Efdp.exe',
  zeroWidthJoiner: 'a\u200Db\u200Dc',
  combining: 'e\u0301\u0302\u0303\u0304',
  fullWidthDigits: '６１０２０３',
  emoji: 'D-😀',
};

/** Text no PostgreSQL text or jsonb column can hold. */
export const UNSTORABLE: Readonly<Record<string, string>> = {
  nul: 'a\u0000b',
  loneHighSurrogate: 'a\uD800b',
  loneLowSurrogate: 'a\uDC00b',
};

/** What a string field is meant to hold, and what the test expects when a corpus string is allowed there. */
export type FieldRule =
  /** Free text of min..max characters (code points): any storable text is allowed. */
  | { kind: 'text'; max: number; min?: number; onAllowed: AllowedOutcome; nullable?: boolean }
  /** An identifier matching `pattern` (which includes its length). */
  | { kind: 'pattern'; pattern: RegExp; onAllowed: AllowedOutcome }
  /** An enum, a const, a date or time, a division code: no corpus string is allowed. */
  | { kind: 'closed'; nullable?: boolean }
  /** Names a record that must exist: a corpus string names none, so it is refused. */
  | { kind: 'ref' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'array'; minItems?: number }
  /** An object; `closed`: unknown properties are refused. */
  | { kind: 'object'; closed: boolean }
  /** Left out, with the reason (another base body covers the same schema definition). */
  | { kind: 'skip'; why: string };

/**
 * An allowed value: `echo` — stored and answered back verbatim as JSON (free text, identifiers);
 * `secret` — taken but never answered back (passwords, webhook secrets).
 */
export type AllowedOutcome = 'echo' | 'secret';

export interface Field {
  rule: FieldRule;
  required?: boolean;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One request body derived from a valid one. */
export interface Mutation {
  /** `<pointer> ← <what>`, for failures and the report. */
  name: string;
  pointer: string;
  /** The JSON text sent. */
  text: string;
  /** Whether the schema allows it (then `value` is the string placed). */
  allowed: boolean;
  value?: string;
  onAllowed?: AllowedOutcome;
}

const codePoints = (text: string): number => [...text].length;

export const storable = (text: string): boolean => !text.includes('\u0000') && text.isWellFormed();

/** ASCII letters and digits turned into their full-width look-alikes (U+FF01...). */
export const fullWidth = (text: string): string => text.replace(/[0-9A-Za-z]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xFEE0));

/** Near misses of a valid value: look-alike digits, invisible characters, direction overrides, combining marks, emoji. */
export function lookAlikes(valid: string): Record<string, string> {
  return {
    fullWidth: fullWidth(valid),
    trailingZeroWidth: `${valid}\u200B`,
    rtlOverride: `\u202E${valid}`,
    combining: `${valid}\u0301`,
    emoji: `${valid}😀`,
  };
}

/** Whether the schema allows `value` in a string field with `rule`. */
export function allows(rule: FieldRule, value: string): boolean {
  if (!storable(value)) return false;
  if (rule.kind === 'text') return codePoints(value) >= (rule.min ?? 1) && codePoints(value) <= rule.max;
  if (rule.kind === 'pattern') return rule.pattern.test(value);
  return false;
}

/** The corpus strings for a string field whose valid value is `valid`, by label. */
export function stringCorpus(rule: FieldRule, valid: string): Record<string, string> {
  const max = rule.kind === 'text' ? rule.max : 256;
  return {
    ...INJECTIONS, ...UNICODE_TRICKS, ...UNSTORABLE,
    ...Object.fromEntries(Object.entries(lookAlikes(valid)).map(([label, value]) => [`lookAlike:${label}`, value])),
    empty: '',
    overlong: 'x'.repeat(max + 1),
  };
}

/** Free text packed from the allowed corpus strings into as few values of at most `max` characters as fit: one request proves them all. */
export function echoTexts(max: number): string[] {
  const packed: string[] = [];
  let current = '';
  for (const value of [...Object.values(INJECTIONS), ...Object.values(UNICODE_TRICKS)]) {
    if (codePoints(value) > max) continue;
    const joined = current === '' ? value : `${current} ${value}`;
    if (codePoints(joined) <= max) current = joined;
    else {
      packed.push(current);
      current = value;
    }
  }
  if (current !== '') packed.push(current);
  return packed;
}

function segments(pointer: string): string[] {
  return pointer === '/' ? [] : pointer.slice(1).split('/').map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** A copy of `body` with the value at `pointer` replaced (undefined: removed). */
export function withValue(body: JsonValue, pointer: string, value: JsonValue | undefined): JsonValue {
  const copy = structuredClone(body);
  const path = segments(pointer);
  const last = path.pop();
  if (last === undefined) throw new Error('cannot replace the whole body here');
  let at: JsonValue = copy;
  for (const key of path) at = (at as Record<string, JsonValue>)[key]!;
  if (value === undefined) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete (at as Record<string, JsonValue>)[last];
  } else (at as Record<string, JsonValue>)[last] = value;
  return copy;
}

/** Every pointer of `body` (containers and leaves, not the body itself), to check that a field table covers it. */
export function pointersOf(body: JsonValue, prefix = ''): string[] {
  if (body === null || typeof body !== 'object') return [];
  const entries = Array.isArray(body) ? body.map((value, index) => [String(index), value] as const) : Object.entries(body);
  return entries.flatMap(([key, value]) => [`${prefix}/${key}`, ...pointersOf(value, `${prefix}/${key}`)]);
}

const EXTRA_KEY = 'zz-corpus-extra-key';

/** `body` as JSON text with an extra property `key` (any name, `__proto__` included) in the object at `pointer`. */
function withExtraProperty(body: JsonValue, pointer: string, key: string, value: JsonValue): string {
  const marked = pointer === '/' ? { ...(body as Record<string, JsonValue>), [EXTRA_KEY]: value } : withValue(body, `${pointer}/${EXTRA_KEY}`, value);
  return JSON.stringify(marked).replace(JSON.stringify(EXTRA_KEY), JSON.stringify(key));
}

const WRONG_TYPES: Readonly<Record<string, JsonValue>> = { number: 1, boolean: true, null: null, array: [], object: {} };

const jsonType = (value: JsonValue | undefined): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Values of the wrong type for a field whose valid value is `valid` (a value of the valid one's own type is never among them). */
function wrongTypes(rule: FieldRule, valid: JsonValue | undefined): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(wrongTypesFor(rule)).filter(([label, value]) => label === 'belowMin' || label === 'aboveMax' || label === 'fraction' || label === 'huge' || label === 'empty' || jsonType(value) !== jsonType(valid)));
}

function wrongTypesFor(rule: FieldRule): Record<string, JsonValue> {
  const nullable = (rule.kind === 'text' || rule.kind === 'closed') && rule.nullable === true;
  const skip = new Set<string>(nullable ? ['null'] : []);
  if (rule.kind === 'int') return { string: '1', fraction: 1.5, belowMin: rule.min - 1, aboveMax: rule.max + 1, huge: 1e21, boolean: true, null: null, array: [], object: {} };
  if (rule.kind === 'bool') return { string: 'true', number: 1, null: null, array: [], object: {} };
  if (rule.kind === 'array') return { string: 'x', number: 1, null: null, object: {}, ...(rule.minItems ? { empty: [] } : {}) };
  if (rule.kind === 'object') return { string: 'x', number: 1, null: null, array: [] };
  return Object.fromEntries(Object.entries(WRONG_TYPES).filter(([label]) => !skip.has(label)));
}

/** Every mutation of `base` the field table asks for: corpus strings, wrong types, missing and unknown fields. */
export function fieldMutations(base: JsonValue, fields: Readonly<Record<string, Field>>): Mutation[] {
  const uncovered = pointersOf(base).filter((pointer) => !(pointer in fields));
  if (uncovered.length > 0) throw new Error(`the field table does not cover ${uncovered.join(', ')}`);
  const mutations: Mutation[] = [];
  const objects = ['/', ...Object.keys(fields).filter((pointer) => fields[pointer]!.rule.kind === 'object')];
  for (const pointer of objects) {
    const rule = pointer === '/' ? { kind: 'object' as const, closed: true } : fields[pointer]!.rule;
    if (rule.kind !== 'object' || !rule.closed) continue;
    const extras: [string, string, JsonValue][] = [
      ['unknown', 'unexpectedField', 1],
      ['__proto__', '__proto__', { polluted: true }],
      ['constructor', 'constructor', { prototype: { polluted: true } }],
    ];
    for (const [label, key, value] of extras) {
      mutations.push({ name: `${pointer} ← extra property ${label}`, pointer: pointer === '/' ? `/${key}` : `${pointer}/${key}`, text: withExtraProperty(base, pointer, key, value), allowed: false });
    }
  }
  for (const [pointer, { rule, required }] of Object.entries(fields)) {
    if (rule.kind === 'skip') continue;
    if (required) mutations.push({ name: `${pointer} ← missing`, pointer, text: JSON.stringify(withValue(base, pointer, undefined)), allowed: false });
    for (const [label, value] of Object.entries(wrongTypes(rule, readPointer(base, pointer)))) {
      mutations.push({ name: `${pointer} ← ${label}`, pointer, text: JSON.stringify(withValue(base, pointer, value)), allowed: false });
    }
    if (rule.kind !== 'text' && rule.kind !== 'pattern' && rule.kind !== 'closed' && rule.kind !== 'ref') continue;
    const valid = readPointer(base, pointer);
    for (const [label, value] of Object.entries(stringCorpus(rule, typeof valid === 'string' ? valid : 'x'))) {
      const allowed = allows(rule, value);
      mutations.push({
        name: `${pointer} ← ${label}`, pointer, text: JSON.stringify(withValue(base, pointer, value)), allowed, value,
        ...(allowed && (rule.kind === 'text' || rule.kind === 'pattern') ? { onAllowed: rule.onAllowed } : {}),
      });
    }
  }
  return mutations;
}

export function readPointer(body: JsonValue, pointer: string): JsonValue | undefined {
  let at: JsonValue | undefined = body;
  for (const key of segments(pointer)) at = at !== null && typeof at === 'object' ? (at as Record<string, JsonValue>)[key] : undefined;
  return at;
}

/** Whole-body cases for a JSON route, by label: the body as sent and its content type. */
export function bodyCorpus(validText: string, jsonLimitBytes: number): Record<string, { text: string; contentType: string }> {
  const json = 'application/json';
  return {
    'top-level array': { text: '[]', contentType: json },
    'top-level number': { text: '1', contentType: json },
    'top-level string': { text: '"x"', contentType: json },
    'top-level null': { text: 'null', contentType: json },
    'top-level true': { text: 'true', contentType: json },
    'array of the valid body': { text: `[${validText}]`, contentType: json },
    huge: { text: JSON.stringify({ padding: 'x'.repeat(jsonLimitBytes) }), contentType: json },
    'deep arrays': { text: `${'['.repeat(40)}${']'.repeat(40)}`, contentType: json },
    'deep objects': { text: `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`, contentType: json },
    'very deep (5,000 levels)': { text: `${'['.repeat(5000)}${']'.repeat(5000)}`, contentType: json },
    'malformed: truncated': { text: validText.slice(0, -1), contentType: json },
    'malformed: unquoted key': { text: '{a: 1}', contentType: json },
    'malformed: single quotes': { text: "{'a': 1}", contentType: json },
    'malformed: trailing comma': { text: '{"a": 1,}', contentType: json },
    'malformed: raw control character': { text: '{"a": "x\u0001y"}', contentType: json },
    'malformed: two documents': { text: `${validText}${validText}`, contentType: json },
    'content type text/plain': { text: validText, contentType: 'text/plain' },
    'content type form': { text: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
    'content type xml': { text: '<a>1</a>', contentType: 'application/xml' },
    'content type json as utf-16': { text: validText, contentType: 'application/json; charset=utf-16' },
  };
}

/** Corpus values for a path parameter, already percent-encoded, by label. */
export function pathCorpus(valid: string): Record<string, string> {
  const encoded = Object.fromEntries(Object.entries({ ...INJECTIONS, ...UNICODE_TRICKS, ...Object.fromEntries(Object.entries(lookAlikes(valid)).map(([label, value]) => [`lookAlike:${label}`, value])) })
    .map(([label, value]) => [label, encodeURIComponent(value)]));
  return {
    ...encoded,
    nul: `${encodeURIComponent(valid)}%00`,
    'surrogate as UTF-8 (invalid)': 'a%ED%A0%80b',
    'overlong UTF-8 slash': '%C0%AF',
    'broken percent escape': '%E0%A4%A',
    'encoded slash': `${encodeURIComponent(valid)}%2F..%2F..`,
    overlong: 'x'.repeat(3000),
    space: '%20',
  };
}

/** Decodes a path corpus value as the router will (undecodable values stay as they are). */
export function decodedPathValue(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

export const FORM = 'application/x-www-form-urlencoded';

/**
 * A JSON body as the form a client could send instead (RFC 6749's token request), or null when a
 * form cannot say the same: anything but a flat object of strings, an empty string (a form
 * parameter without a value counts as omitted), or text that is not well-formed Unicode.
 */
export function formOf(jsonText: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(jsonText);
  } catch {
    return null;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const entries = Object.entries(body);
  if (!entries.every(([key, value]) => typeof value === 'string' && value !== '' && value.isWellFormed() && key.isWellFormed())) return null;
  return entries.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value as string)}`).join('&');
}

/** Whole-body cases only a form can make, for a route that takes a form; `validForm` is its valid body as a form. */
export function formCorpus(validForm: string, limitBytes: number): Record<string, { text: string; contentType: string }> {
  const first = validForm.split('&')[0]!;
  return {
    'repeated parameter': { text: `${validForm}&${first}`, contentType: FORM },
    'bracketed key': { text: `${validForm}&a[b]=1`, contentType: FORM },
    'empty key': { text: `${validForm}&=x`, contentType: FORM },
    'NUL in a key': { text: `a%00b=1&${validForm}`, contentType: FORM },
    'NUL in a value': { text: `${validForm}&x=a%00b`, contentType: FORM },
    'broken percent escape': { text: `${validForm}&x=%E0%A4%A`, contentType: FORM },
    'overlong UTF-8': { text: `${validForm}&x=%C0%AF`, contentType: FORM },
    '__proto__ key': { text: `__proto__=x&${validForm}`, contentType: FORM },
    'constructor key': { text: `constructor=x&${validForm}`, contentType: FORM },
    'semicolons for ampersands': { text: validForm.replaceAll('&', ';'), contentType: FORM },
    'only separators': { text: '&&&', contentType: FORM },
    'JSON text as a form': { text: JSON.stringify(Object.fromEntries(new URLSearchParams(validForm))), contentType: FORM },
    huge: { text: `${validForm}&padding=${'x'.repeat(limitBytes)}`, contentType: FORM },
    'charset latin-1': { text: validForm, contentType: `${FORM}; charset=iso-8859-1` },
    'charset utf-16': { text: validForm, contentType: `${FORM}; charset=utf-16` },
  };
}
