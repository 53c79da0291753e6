/**
 * The one keyset pagination of every list: `?limit=` (1-500, default 50), an opaque `?cursor=`
 * (base64url of the last key answered), and `?count=true` for the list's total. A list fetches
 * `limit + 1` rows after the cursor's key; the extra row only says whether a next page exists.
 * Its total is counted with the same filter as the list, without cursor and limit, so it is
 * scoped exactly like the list (a department officer counts only their departments' rows).
 */
import Type, { type TProperties } from 'typebox';
import { AppError } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** The query parameters every keyset list takes. */
export const PAGE_QUERY = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `page size, default ${DEFAULT_PAGE_SIZE}` })),
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$', description: 'nextCursor of the previous page' })),
  count: Type.Optional(Type.Boolean({ description: 'true: also answer total, the number of items of the whole list' })),
};

/** A list's query schema: the page parameters and the list's own filters; nothing else is accepted. */
export function listQuery<T extends TProperties>(filters: T) {
  return Type.Object({ ...PAGE_QUERY, ...filters }, { additionalProperties: false });
}

/** What the caller asked of a page. */
export interface PageRequest {
  limit?: number;
  cursor?: string;
  count?: boolean;
}

/** One page of a list. `total` is there when `?count=true` asked for it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

/** How one list reads its rows. `K` is its sort key (an id, a login, a code ...). */
export interface KeysetSource<Row, K> {
  /** The key from a cursor's text, or null when the text cannot be one of this list's keys. */
  parseKey(text: string): K | null;
  /** Up to `take` rows after `after` (all from the start when null), in the list's order. */
  rows(after: K | null, take: number): Promise<Row[]>;
  /** The key of a row, as the next cursor's text. */
  keyOf(row: Row): string;
  /** The number of rows of the whole list (same filter, no cursor or limit). */
  count(): Promise<number>;
}

/** Opaque keyset cursor: base64url of the last key returned. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

const notOurCursor = (): AppError => new AppError('INVALID_PARAMETER', { field: 'cursor', problem: '不是本接口返回的游标 (not a cursor this API returned)' });

/** The key in `?cursor=`, or null without one; INVALID_PARAMETER when it is not a key of this list. */
export function decodeCursor<K>(cursor: string | undefined, parseKey: (text: string) => K | null): K | null {
  if (cursor === undefined || cursor === '') return null;
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw notOurCursor();
  const key = parseKey(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (key === null) throw notOurCursor();
  return key;
}

/** Reads one page of `source` as `request` asks; `present` shapes each row for the answer. */
export async function keysetPage<Row, K, Out>(request: PageRequest, source: KeysetSource<Row, K>, present: (row: Row) => Out): Promise<Page<Out>> {
  const limit = request.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(request.cursor, source.parseKey);
  // One after the other: both may run on the request's one connection.
  const rows = await source.rows(after, limit + 1);
  const total = request.count === true ? await source.count() : undefined;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(present),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(source.keyOf(last)) : null,
    ...(total === undefined ? {} : { total }),
  };
}

/** A cursor key that is a positive integer id (lists newest first by id). */
export function positiveIdKey(text: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(text)) return null;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : null;
}

/** A cursor key that is any non-empty text (logins, codes, ids in text order). */
export function textKey(text: string): string | null {
  return text === '' ? null : text;
}
