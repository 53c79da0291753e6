/**
 * Webhook: the notification's JSON payload POSTed to the contact's URL, signed so the receiver can
 * tell it came from this node and was not replayed later:
 *
 *   X-Supervision-Timestamp: <unix seconds>
 *   X-Supervision-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
 *
 * `X-Supervision-Notification-Id` names the notification, so a receiver can drop a retry of one
 * it already took (a try that timed out on this side may have arrived).
 *
 * The URL is a person's input: the request goes only to an address WebhookDestinations allows
 * (webhook-destination.ts), the one its name resolved to for the check, and is dropped if the
 * socket connected anywhere else. Redirects are not followed; the answer's body is not read.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import { connectionFailure, HTTP_TIMEOUT_MS, httpAnswer, NO_ANSWER, type Channel, type ChannelAnswer } from './channel.ts';
import type { WebhookDestinations } from './webhook-destination.ts';

/** The signature header's value for `body` sent at `timestamp` (unix seconds). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A refused destination: permanent (the contact must be changed), in words that name the address. */
function refusedDestination(problem: string): UnrecoverableError {
  return new UnrecoverableError(`目标地址不允许 (destination refused): ${problem}`);
}

/** POSTs `body` to `url`, connecting only where `destinations` allows; answers the status. */
function guardedPost(url: URL, headers: Record<string, string>, body: string, destinations: WebhookDestinations): Promise<ChannelAnswer> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // An address in the URL is connected to without a lookup: checked here.
  const literal = isIP(host) !== 0 ? destinations.addressProblem(host) : null;
  if (literal) return Promise.reject(refusedDestination(literal));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<ChannelAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      request.destroy();
      reject(error);
    };
    const request: ClientRequest = send(url, {
      method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      // A connection of its own (no pooled socket from an earlier lookup), resolved by the guard.
      agent: false, lookup: destinations.lookup, timeout: HTTP_TIMEOUT_MS,
    }, (response: IncomingMessage) => {
      response.resume();
      settled = true;
      try {
        resolve(httpAnswer(response.statusCode ?? 0));
      } catch (error) {
        reject(error as Error);
      }
    });
    request.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        const problem = socket.remoteAddress === undefined ? 'unknown address' : destinations.addressProblem(socket.remoteAddress);
        if (problem) fail(refusedDestination(problem));
      });
    });
    request.on('timeout', () => fail(new Error(NO_ANSWER)));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EDESTINATION') fail(refusedDestination(error.message));
      else fail(new Error(connectionFailure(typeof error.code === 'string' ? error.code : null)));
    });
    request.end(body);
  });
}

export function webhookChannel(now: () => Date, destinations: WebhookDestinations): Channel {
  return async (message) => {
    if (!message.secret) throw new UnrecoverableError('联系人已删除或没有密钥, 无法签名 (the contact is gone or has no secret: cannot sign)');
    let url: URL;
    try {
      url = new URL(message.address);
    } catch {
      throw new UnrecoverableError('联系人地址不是 URL (the contact address is not a URL)');
    }
    const body = JSON.stringify(message.payload);
    const timestamp = String(Math.floor(now().getTime() / 1000));
    return guardedPost(url, {
      'content-type': 'application/json',
      'x-supervision-timestamp': timestamp,
      'x-supervision-signature': webhookSignature(message.secret, timestamp, body),
      'x-supervision-notification-id': String(message.notificationId),
    }, body, destinations);
  };
}
