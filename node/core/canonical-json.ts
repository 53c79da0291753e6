/**
 * RFC 8785 (JCS) canonical JSON of plain JSON data, fast: a copy of the value with every object's
 * names sorted by UTF-16 code units (JCS's order, and JavaScript's default sort), then one native
 * JSON.stringify, whose number and string forms are the ECMAScript ones JCS adopts. The
 * `canonicalize` package gives the same text but walks every string character by character in
 * JavaScript; ingest canonicalizes every event, and that walk was one of its largest costs.
 *
 * Only JSON data: strings, finite numbers, booleans, null, arrays and plain objects (what
 * JSON.parse yields). Anything else throws a TypeError rather than be given a form JCS does not
 * define: NaN, Infinity, a lone surrogate, undefined or a function inside an array, `toJSON`.
 */

/** Set by sortedCopy when an object had an integer-like name ("1", "20"), which no object keeps in canonical order. */
let sawIndexName = false;

function isIndexName(name: string): boolean {
  const first = name.charCodeAt(0);
  return first >= 48 && first <= 57 && /^(0|[1-9]\d*)$/.test(name);
}

function notJson(what: string): TypeError {
  return new TypeError(`${what} has no canonical JSON form`);
}

/** A deep copy with every object's members in canonical order (members whose value is undefined left out, as in JCS). */
function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw notJson('a lone surrogate');
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw notJson(String(value));
      return value;
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const copy = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') throw notJson('an array member that is not JSON data');
          copy[i] = sortedCopy(item);
        }
        return copy;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw notJson('an object with toJSON');
      const record = value as Record<string, unknown>;
      const copy: Record<string, unknown> = {};
      for (const name of Object.keys(record).sort()) {
        const member = record[name];
        if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
        if (!name.isWellFormed()) throw notJson('a lone surrogate');
        if (isIndexName(name)) sawIndexName = true;
        copy[name] = sortedCopy(member);
      }
      return copy;
    }
    default:
      throw notJson(`a ${typeof value}`);
  }
}

/** Member by member: for values with integer-like names, which an object always puts first in numeric order. */
function memberwise(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(sortedCopy(value));
  if (Array.isArray(value)) return `[${value.map((item: unknown) => memberwise(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const name of Object.keys(record).sort()) {
    const member = record[name];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    parts.push(`${JSON.stringify(name)}:${memberwise(member)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The RFC 8785 canonical JSON text of `value`.
 * @throws TypeError for a value that is not plain JSON data (see the module comment).
 */
export function canonicalJson(value: unknown): string {
  sawIndexName = false;
  const sorted = sortedCopy(value);
  return sawIndexName ? memberwise(value) : JSON.stringify(sorted);
}
