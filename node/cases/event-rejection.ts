/** Why an event was refused: the codes and messages come from the one catalogue (node/core/errors.ts). */
import { EVENT_REJECTIONS, type EventRejectionCode } from '../core/errors.ts';

export { EVENT_REJECTIONS, type EventRejectionCode };

export interface EventError {
  code: EventRejectionCode;
  message: string;
  details: Record<string, unknown>;
}

/** `message` replaces the catalogue's when it says more (the window an occurredAt missed ...). */
export function eventError(code: EventRejectionCode, details: Record<string, unknown> = {}, message?: string): EventError {
  return { code, message: message ?? EVENT_REJECTIONS[code], details };
}
