/**
 * Turning an import body into event values with their line numbers. NDJSON: one event a line, as
 * in the API. CSV: a header row naming columns (see the README); an empty cell is an absent field.
 * A row that cannot be parsed at all becomes a `problem` instead of an event, kept as a rejection.
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../core/errors.ts';
import { inspectJsonBody } from '../http/json-body-limits.ts';

export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportRow {
  /** 1-based line of the body where the row starts. */
  line: number;
  /** The event as parsed, or the raw text when `problem` is set. */
  value: unknown;
  problem?: string;
}

type CsvCell = (text: string) => [string[], unknown];

const text = (path: string[]): CsvCell => (cell) => [path, cell];
// Whole numbers become numbers; anything else stays text so the schema names the field.
const integer = (path: string[]): CsvCell => (cell) => [path, /^-?\d{1,15}$/.test(cell) ? Number(cell) : cell];

/** CSV column -> where its value goes in the event. */
export const CSV_COLUMNS: Readonly<Record<string, CsvCell>> = {
  eventId: text(['eventId']),
  caseNo: text(['caseNo']),
  type: text(['type']),
  occurredAt: text(['occurredAt']),
  itemCode: text(['itemCode']),
  departmentCode: text(['departmentCode']),
  applicantName: text(['applicant', 'name']),
  applicantIdType: text(['applicant', 'idType']),
  applicantIdNo: text(['applicant', 'idNo']),
  channel: text(['channel']),
  queryPassword: text(['queryPassword']),
  promisedLimitDays: integer(['promisedLimitDays']),
  reason: text(['reason']),
  stage: text(['stage']),
  action: text(['action']),
  handlerId: text(['handler', 'id']),
  handlerName: text(['handler', 'name']),
  opinion: text(['opinion']),
  procedure: text(['procedure']),
  kind: text(['kind']),
  plannedDays: integer(['plannedDays']),
  plannedUnit: text(['plannedUnit']),
  feeCode: text(['feeCode']),
  amountFen: integer(['amountFen']),
  result: text(['result']),
};

const REQUIRED_COLUMNS = ['eventId', 'caseNo', 'type', 'occurredAt'];

/** The format named by a Content-Type header, or null. */
export function formatOf(contentType: string): ImportFormat | null {
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
  return null;
}

/** Checks a CSV header before the import is accepted, so a wrong file fails at once with 400. */
export function checkCsvHeader(body: string): void {
  const firstLine = body.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const [header] = parse(firstLine, { to_line: 1 }) as string[][];
  const columns = header ?? [];
  // Own columns only: `in` would also take Object.prototype's names (constructor, __proto__, toString ...).
  const unknown = columns.filter((column) => !Object.hasOwn(CSV_COLUMNS, column));
  if (unknown.length > 0) throw new AppError('VALIDATION_FAILED', { field: 'header', unknownColumns: unknown, allowed: Object.keys(CSV_COLUMNS) }, `CSV 表头含未知列 (unknown CSV columns: ${unknown.join(', ')})`);
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length > 0) throw new AppError('VALIDATION_FAILED', { field: 'header', missingColumns: missing }, `CSV 表头缺少列 (missing CSV columns: ${missing.join(', ')})`);
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next && typeof next === 'object') node = next as Record<string, unknown>;
    else node = (node[key] = {}) as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

/**
 * The line where each CSV record starts, header included. csv-parse's `info.lines` is the line where
 * a record ends, and it counts a CRLF inside a quoted cell as two lines; a sender looks for the row
 * where it starts. A record starts on a non-empty line that begins outside quotes (a doubled quote
 * toggles twice, so escapes need no special case).
 */
function csvRecordStarts(body: string): number[] {
  const starts: number[] = [];
  let quoted = false;
  for (const [index, text] of body.split(/\r?\n/).entries()) {
    if (!quoted && text !== '') starts.push(index + 1);
    for (const char of text) if (char === '"') quoted = !quoted;
  }
  return starts;
}

function csvRows(body: string): ImportRow[] {
  const records = parse(body, { bom: true, columns: true, skip_empty_lines: true, relax_column_count: true, info: true }) as { record: Record<string, string>; info: { lines: number } }[];
  const starts = csvRecordStarts(body);
  // starts[0] is the header; if the two scans ever disagree, fall back to csv-parse's count.
  const lineOf = starts.length === records.length + 1 ? (index: number) => starts[index + 1]! : (index: number) => records[index]!.info.lines;
  return records.map(({ record }, index) => {
    const event: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(record)) {
      const place = Object.hasOwn(CSV_COLUMNS, column) ? CSV_COLUMNS[column] : undefined;
      if (!place || cell === '' || cell === undefined) continue;
      const [path, value] = place(cell);
      setPath(event, path, value);
    }
    const problem = unstorable(event);
    // JSON text escapes NUL and lone surrogates, so the rejection can keep the row.
    return problem ? { line: lineOf(index), value: JSON.stringify(event), problem } : { line: lineOf(index), value: event };
  });
}

function ndjsonRows(body: string): ImportRow[] {
  const rows: ImportRow[] = [];
  for (const [index, raw] of body.replace(/^\uFEFF/, '').split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      rows.push({ line: index + 1, value: storableText(line.slice(0, 2000)), problem: storableText(`不是合法的 JSON (not valid JSON: ${(error as Error).message})`) });
      continue;
    }
    // Each line is one event, an object, as in POST /api/v1/events.
    const problem = value === null || typeof value !== 'object' || Array.isArray(value) ? '不是 JSON 对象 (not a JSON object)' : unstorable(value);
    rows.push(problem ? { line: index + 1, value: storableText(line.slice(0, 2000)), problem } : { line: index + 1, value });
  }
  return rows;
}

/** Deeper than any event (three levels); a row nested deeper is refused before validation walks it. */
const MAX_ROW_DEPTH = 32;

/** Why a row cannot be stored (too deep, or text PostgreSQL cannot hold: NUL, a lone surrogate), or null. */
function unstorable(value: unknown): string | null {
  const problem = inspectJsonBody(value, MAX_ROW_DEPTH);
  if (!problem) return null;
  return problem.code === 'JSON_TOO_DEEP' ? `嵌套层级过深 (nested deeper than ${problem.maxDepth} at ${problem.field})` : `字段 ${problem.field} 含有不允许的字符 (${problem.problem})`;
}

/** Text as a rejection can store it: NUL and lone surrogates replaced by U+FFFD. */
function storableText(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').toWellFormed();
}

/** Every row of an import body, in order. */
export function parseImportRows(format: ImportFormat, body: string): ImportRow[] {
  if (format === 'ndjson') return ndjsonRows(body);
  try {
    return csvRows(body);
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    // A broken quote ruins everything after it, so the whole file is one problem at that line.
    return [{ line, value: null, problem: storableText(`CSV 无法解析 (CSV cannot be parsed: ${(error as Error).message})`) }];
  }
}
