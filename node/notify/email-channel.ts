/**
 * E-mail over SMTP (nodemailer), subject and plain text. SMTP_URL is the transport URL, e.g.
 * smtps://user:password@mail.example.gov.cn:465; it is never logged nor put in an error. An SMTP
 * 5xx rejection (other than 503) is permanent; a 4xx, a timeout or a lost connection is retried.
 */
import { createTransport, type NodemailerError } from 'nodemailer';
import { UnrecoverableError } from 'bullmq';
import { unconfiguredChannel, type Channel } from './channel.ts';

export interface EmailSettings {
  smtpUrl: string | null;
  mailFrom: string;
}

export interface EmailChannel {
  send: Channel;
  close(): void;
}

export function emailChannel(settings: EmailSettings): EmailChannel {
  if (!settings.smtpUrl) {
    return { send: unconfiguredChannel('未配置邮件服务器 SMTP_URL (SMTP_URL is not set)'), close: () => undefined };
  }
  const transport = createTransport({
    url: settings.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
  });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({ from: settings.mailFrom, to: message.address, subject: message.subject, text: message.text });
        return { response: String(info.response).slice(0, 1000) };
      } catch (error) {
        const failure = error as NodemailerError;
        // The reply code and text the server sent, else nodemailer's code: never the URL or credentials.
        const described = failure.responseCode
          ? `SMTP ${failure.responseCode} ${(failure.response ?? '').replace(/\s+/g, ' ').slice(0, 300)}`.trim()
          : `SMTP ${failure.code ?? 'error'}`;
        throw failure.permanent === true ? new UnrecoverableError(described) : new Error(described);
      }
    },
    close: () => transport.close(),
  };
}
