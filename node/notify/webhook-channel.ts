/**
 * Webhook: the notification's JSON payload POSTed to the contact's URL, signed so the receiver can
 * tell it came from this node and was not replayed later:
 *
 *   X-Supervision-Timestamp: <unix seconds>
 *   X-Supervision-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
 *
 * `X-Supervision-Notification-Id` names the notification, so a receiver can drop a retry of one
 * it already took (a try that timed out on this side may have arrived).
 */
import { createHmac } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import { httpDelivery, type Channel } from './channel.ts';

/** The signature header's value for `body` sent at `timestamp` (unix seconds). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookChannel(now: () => Date): Channel {
  return async (message) => {
    if (!message.secret) throw new UnrecoverableError('联系人已删除或没有密钥, 无法签名 (the contact is gone or has no secret: cannot sign)');
    const body = JSON.stringify(message.payload);
    const timestamp = String(Math.floor(now().getTime() / 1000));
    return httpDelivery(message.address, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-supervision-timestamp': timestamp,
        'x-supervision-signature': webhookSignature(message.secret, timestamp, body),
        'x-supervision-notification-id': String(message.notificationId),
      },
      body,
    });
  };
}
