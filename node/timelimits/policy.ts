/**
 * The time-limit policy (DESIGN.md section 3): when a light turns yellow and when cards are issued.
 * Issued by a node and distributed downward; `schemas/time-policy.schema.json` is its wire form.
 */
export interface TimePolicy {
  /** Yellow light when the remaining counting days are at most this (0: the last working day). */
  yellowAtRemainingDays: number;
  /** Yellow card (黄牌) once overdue by this many working days. */
  yellowCardOverdueDays: number;
  /** Red card (红牌) once overdue by this many working days. */
  redCardOverdueDays: number;
}

/** The policy a node applies until one is issued: yellow on the last day, cards at 1 and 4 days overdue. */
export const DEFAULT_TIME_POLICY: Readonly<TimePolicy> = Object.freeze({
  yellowAtRemainingDays: 0,
  yellowCardOverdueDays: 1,
  redCardOverdueDays: 4,
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a policy from outside (a file, an API body, a parent's signed message) with the rules of
 * the schema: integers, yellowAtRemainingDays >= 0, yellowCardOverdueDays >= 1 and
 * redCardOverdueDays > yellowCardOverdueDays (a red card follows the correction period).
 *
 * @throws RangeError naming the bad field.
 */
export function validateTimePolicy(input: unknown): TimePolicy {
  if (!isRecord(input)) throw new RangeError('time policy must be an object');
  const read = (field: keyof TimePolicy, min: number): number => {
    const value = input[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new RangeError(`time policy ${field} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const yellowAtRemainingDays = read('yellowAtRemainingDays', 0);
  const yellowCardOverdueDays = read('yellowCardOverdueDays', 1);
  const redCardOverdueDays = read('redCardOverdueDays', yellowCardOverdueDays + 1);
  return { yellowAtRemainingDays, yellowCardOverdueDays, redCardOverdueDays };
}
