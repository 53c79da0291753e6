/**
 * Errors federation code raises for the other side of a link or for the admin: a code from
 * FEDERATION_ERRORS, an HTTP status (the catalogue's unless a situation of the protocol says
 * otherwise, e.g. UNKNOWN_NODE 404 on an admin lookup) and details. The node's error renderer shows
 * 4xx ones as they are (they are exposed on purpose), in the same `{error: {code, message,
 * details}}` shape as its own errors.
 */
import { FEDERATION_ERRORS, type FederationErrorCode } from './federation-errors.ts';

export class FederationError extends Error {
  override name = 'FederationError';
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;
  /** Tells the renderer the message is meant for the caller. */
  readonly expose = true;

  constructor(code: FederationErrorCode, message: string = FEDERATION_ERRORS[code].message, details: Record<string, unknown> = {}, status: number = FEDERATION_ERRORS[code].status) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }

  /** Another node's refusal passed on with its own code (which may be one of that node's catalogue). */
  static relayed(code: string, status: number, message: string, details: Record<string, unknown>): FederationError {
    const error = new FederationError('PEER_ERROR', message, details, status);
    (error as { code: string }).code = code;
    return error;
  }
}
