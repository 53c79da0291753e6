/**
 * The clock: the one place where the wall clock enters the node. Everything that needs "now"
 * takes a `Clock` (handed down from `startNode`, which tests give their own) rather than reading
 * the system time, so every time-dependent answer can be reproduced at an explicit instant. A unit
 * test refuses `new Date()` and `Date.now()` anywhere else under node/.
 */

/** Answers the current instant. */
export type Clock = () => Date;

/** The system's wall clock: the default of the node, its CLI and its row timestamps. */
export const systemClock: Clock = () => new Date();
