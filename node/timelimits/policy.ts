/**
 * The supervision policy (the time rules (README, 时限规则), issue 4): when a light turns yellow, when cards are
 * issued, the reporting deadline of events (LATE_REPORT), and the working days a department has to
 * answer a supervision notice (督办单) or to appeal an alert. Issued by a node and distributed
 * downward; `schemas/time-policy.schema.json` is its wire form.
 */
export interface TimePolicy {
  /** Yellow light when the remaining counting days are at most this (0: the last working day). */
  yellowAtRemainingDays: number;
  /** Yellow card (黄牌) once overdue by this many working days. */
  yellowCardOverdueDays: number;
  /** Red card (红牌) once overdue by this many working days. */
  redCardOverdueDays: number;
  /** 'HH:MM' local: an event that occurred on a working day must be received by this time that day. */
  reportByTime: string;
  /** 'HH:MM' local: an event of a non-working day must be received by this time of the next working day. */
  nonWorkingDayReportByTime: string;
  /** Working days after a notice is issued by whose end the department must answer it. */
  noticeDueWorkingDays: number;
  /** Working days after an alert is raised within which its department may appeal it. */
  appealWorkingDays: number;
}

/** The policy a node applies until one is issued. */
export const DEFAULT_TIME_POLICY: Readonly<TimePolicy> = Object.freeze({
  yellowAtRemainingDays: 0,
  yellowCardOverdueDays: 1,
  redCardOverdueDays: 4,
  reportByTime: '17:00',
  nonWorkingDayReportByTime: '17:00',
  noticeDueWorkingDays: 5,
  appealWorkingDays: 10,
});

/** The fields a policy may leave out: older documents (and parents) predate them. */
const OPTIONAL_FIELDS = ['reportByTime', 'nonWorkingDayReportByTime', 'noticeDueWorkingDays', 'appealWorkingDays'] as const;

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Minutes after local midnight of an 'HH:MM' policy time. */
export function minutesOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/**
 * Checks a policy from outside (a file, an API body, a parent's signed message) with the rules of
 * the schema: integers, yellowAtRemainingDays >= 0, yellowCardOverdueDays >= 1,
 * redCardOverdueDays > yellowCardOverdueDays (a red card follows the correction period), report
 * times as 'HH:MM', notice and appeal periods >= 1 working day. Fields added after the first
 * version take their defaults when absent.
 *
 * @throws RangeError naming the bad field.
 */
export function validateTimePolicy(input: unknown): TimePolicy {
  if (!isRecord(input)) throw new RangeError('time policy must be an object');
  const source: Record<string, unknown> = { ...input };
  for (const field of OPTIONAL_FIELDS) if (source[field] === undefined) source[field] = DEFAULT_TIME_POLICY[field];
  const read = (field: keyof TimePolicy, min: number): number => {
    const value = source[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new RangeError(`time policy ${field} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const readTime = (field: 'reportByTime' | 'nonWorkingDayReportByTime'): string => {
    const value = source[field];
    if (typeof value !== 'string' || !TIME_OF_DAY.test(value)) {
      throw new RangeError(`time policy ${field} must be a time 'HH:MM', got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const yellowAtRemainingDays = read('yellowAtRemainingDays', 0);
  const yellowCardOverdueDays = read('yellowCardOverdueDays', 1);
  const redCardOverdueDays = read('redCardOverdueDays', yellowCardOverdueDays + 1);
  return {
    yellowAtRemainingDays,
    yellowCardOverdueDays,
    redCardOverdueDays,
    reportByTime: readTime('reportByTime'),
    nonWorkingDayReportByTime: readTime('nonWorkingDayReportByTime'),
    noticeDueWorkingDays: read('noticeDueWorkingDays', 1),
    appealWorkingDays: read('appealWorkingDays', 1),
  };
}

/** The field a refusal of validateTimePolicy names (`/` for the whole policy). */
export function timePolicyField(error: unknown): string {
  return /time policy (\w+)/.exec(error instanceof Error ? error.message : '')?.[1] ?? '/';
}
