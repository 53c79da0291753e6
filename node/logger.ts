/** The node's structured logger. Credentials and personal ID numbers are redacted wherever they appear. */
import { pino, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'authorization', '*.authorization', 'req.headers.authorization', 'adminToken', '*.adminToken',
  'password', '*.password', 'queryPassword', '*.queryPassword', '*.*.queryPassword',
  'idNo', '*.idNo', '*.*.idNo', '*.*.*.idNo', 'databaseUrl', '*.databaseUrl',
  'smtpUrl', '*.smtpUrl', 'secret', '*.secret',
];

export function createLogger(level: string, base: Record<string, unknown>): Logger {
  return pino({ level, base, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime });
}
