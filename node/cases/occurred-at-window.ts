/**
 * The window an event's occurredAt must fall in: from 00:00 local of OCCURRED_AT_EARLIEST to the
 * node's clock at receipt plus OCCURRED_AT_MAX_AHEAD_HOURS. A date far outside it is a sender's bug
 * (9999-12-31 for "no date", a clock decades off), not a step of a case: its timeline would reach
 * years no calendar or report covers and, near 9999, dates the node cannot even write. It is
 * refused for that event alone (OCCURRED_AT_OUT_OF_RANGE) and kept like every refusal.
 */
import { dayFromIso, parseInstant } from '../calendar/local-date.ts';
import { isoLocal } from '../core/instants.ts';
import { eventError, type EventError } from './event-rejection.ts';

/** The settings the window is made of (node/config/settings.ts). */
export interface OccurredAtLimits {
  occurredAtEarliest: string;
  occurredAtMaxAheadHours: number;
}

export interface OccurredAtWindow {
  fromMs: number;
  toMs: number;
  /** The instants, as answers show them. */
  from: string;
  to: string;
}

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;
/** 00:00 in Asia/Shanghai is 16:00 UTC the day before. */
const SHANGHAI_OFFSET_MS = 8 * MS_PER_HOUR;

/** The window of a batch received at `receivedAt`. */
export function occurredAtWindow(limits: OccurredAtLimits, receivedAt: Date): OccurredAtWindow {
  const fromMs = dayFromIso(limits.occurredAtEarliest) * MS_PER_DAY - SHANGHAI_OFFSET_MS;
  const toMs = receivedAt.getTime() + limits.occurredAtMaxAheadHours * MS_PER_HOUR;
  return { fromMs, toMs, from: isoLocal(fromMs), to: isoLocal(toMs) };
}

/**
 * The refusal of an occurredAt (already a valid date-time) outside the window, or null. `field`
 * names it (`/events/3/occurredAt`, `line 12/occurredAt`).
 */
export function occurredAtOutside(window: OccurredAtWindow, occurredAt: string, field: string): EventError | null {
  const ms = parseInstant(occurredAt);
  if (ms >= window.fromMs && ms <= window.toMs) return null;
  return eventError('OCCURRED_AT_OUT_OF_RANGE', { field, occurredAt, earliest: window.from, latest: window.to },
    `字段 ${field} 超出允许范围, 须在 ${window.from} 至 ${window.to} 之间 (field ${field} is outside the accepted window: from ${window.from} to ${window.to})`);
}
