/**
 * Errors federation code raises for the other side of a link or for the admin: a stable code,
 * an HTTP status and details. The node's error renderer shows them as they are (they are exposed
 * on purpose), in the same `{error: {code, message, details}}` shape as its own errors.
 */
export class FederationError extends Error {
  override name = 'FederationError';
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;
  /** Tells the renderer the message is meant for the caller. */
  readonly expose = true;

  constructor(code: string, status: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}
