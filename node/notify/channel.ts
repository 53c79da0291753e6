/**
 * What a delivery channel is given and answers. A channel resolves with the receiver's answer
 * when the message was taken, throws an `UnrecoverableError` when trying again cannot help (a 4xx,
 * an SMTP 5xx, a channel that is not configured) and any other error when a later try may work.
 * Error messages are stored and answered by the API: they never carry a secret or a URL (an SMS
 * gateway URL or a webhook URL may hold a key), nor anything of the receiver's answer but its status.
 */
import { UnrecoverableError } from 'bullmq';

export const CHANNELS = ['webhook', 'email', 'sms'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export interface OutgoingMessage {
  notificationId: number;
  address: string;
  subject: string;
  text: string;
  payload: Record<string, unknown>;
  /** The webhook contact's HMAC key; null for the other channels. */
  secret: string | null;
}

export interface ChannelAnswer {
  /** The HTTP status or SMTP response, as recorded on the attempt. */
  response: string;
}

export type Channel = (message: OutgoingMessage) => Promise<ChannelAnswer>;

/** How long an HTTP channel waits for an answer. */
export const HTTP_TIMEOUT_MS = 10_000;

/**
 * What an HTTP answer with `status` means for a delivery: 2xx taken; 4xx other than 408 and 429
 * refused for good; any other status may pass later. Only the status is kept: never the answer's
 * body, which is the receiver's (and for a URL that reached something internal, that thing's).
 */
export function httpAnswer(status: number): ChannelAnswer {
  const answer = `HTTP ${status}`;
  if (status >= 200 && status < 300) return { response: answer };
  const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  throw permanent ? new UnrecoverableError(answer) : new Error(answer);
}

/**
 * One HTTP request of a channel to a URL the operator configured (the SMS gateway): see
 * httpAnswer; a timeout or a connection failure may pass later. Redirects are not followed.
 */
export async function httpDelivery(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<ChannelAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(describeFetchError(error));
  }
  await response.body?.cancel().catch(() => undefined);
  return httpAnswer(response.status);
}

/** The words of a timeout. */
export const NO_ANSWER = `${HTTP_TIMEOUT_MS / 1000} 秒内无应答 (no answer within ${HTTP_TIMEOUT_MS / 1000} s)`;

/** A connection failure in words that name its cause (an errno code) but not the URL. */
export function connectionFailure(code: string | null): string {
  return `连接失败 (connection failed)${code ? `: ${code}` : ''}`;
}

/** A fetch failure in words that name the cause but not the URL. */
function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return NO_ANSWER;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  return connectionFailure(typeof cause?.code === 'string' ? cause.code : null);
}

/** A channel that is not configured on this node: every message to it fails at once. */
export function unconfiguredChannel(problem: string): Channel {
  return () => Promise.reject(new UnrecoverableError(problem));
}
