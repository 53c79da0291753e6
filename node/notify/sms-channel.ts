/**
 * SMS through an HTTP gateway described by templates: SMS_URL_TEMPLATE (placeholders URL-encoded)
 * and, for POST, SMS_BODY_TEMPLATE (placeholders JSON-string-escaped, sent as application/json).
 * Placeholders: {phone}, {text}, {subject}. A 2xx answer means the gateway took the message.
 */
import { httpDelivery, unconfiguredChannel, type Channel } from './channel.ts';

export interface SmsSettings {
  smsUrlTemplate: string | null;
  smsMethod: 'GET' | 'POST';
  smsBodyTemplate: string | null;
}

/** Replaces `{name}` with `encode(values[name])`; other braces are left as they are. */
export function fillTemplate(template: string, values: Record<string, string>, encode: (value: string) => string): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? encode(values[name] ?? '') : whole));
}

/** The characters of a JSON string literal, without its quotes. */
function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

export function smsChannel(settings: SmsSettings): Channel {
  const { smsUrlTemplate, smsMethod, smsBodyTemplate } = settings;
  if (!smsUrlTemplate) return unconfiguredChannel('未配置短信网关 SMS_URL_TEMPLATE (SMS_URL_TEMPLATE is not set)');
  return async (message) => {
    const values = { phone: message.address, text: message.text, subject: message.subject };
    const url = fillTemplate(smsUrlTemplate, values, encodeURIComponent);
    if (smsMethod === 'GET') return httpDelivery(url, { method: 'GET', headers: {} });
    if (smsBodyTemplate === null) return httpDelivery(url, { method: 'POST', headers: {} });
    return httpDelivery(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: fillTemplate(smsBodyTemplate, values, jsonEscape),
    });
  };
}
