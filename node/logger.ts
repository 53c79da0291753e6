/** The node's structured logger. Credentials and personal ID numbers are redacted wherever they appear. */
import { pino, type DestinationStream, type Logger } from 'pino';
import { MASK, maskLogLine } from './log-masking.ts';

/** Fields whose values are never logged, whatever object they are in (up to three levels down). */
const SECRET_FIELDS = [
  'authorization', 'cookie', 'adminToken', 'password', 'newPassword', 'currentPassword', 'queryPassword',
  'clientSecret', 'client_secret', 'refreshToken', 'refresh_token', 'accessToken', 'access_token', 'token',
  'enrollmentToken', 'secret', 'idNo', 'databaseUrl', 'databaseOwnerUrl', 'smtpUrl',
];

/** Pino redact paths: each secret field at the top and up to three objects down (`req.headers.authorization` ...). */
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]);

/**
 * A pino logger writing JSON lines to `destination` (stdout by default). Secret fields are redacted
 * by path, then the finished line goes through maskLogLine: resident ID numbers anywhere, and the
 * current request's secret values in any text (an error message quoting a value included).
 */
export function createLogger(level: string, base: Record<string, unknown>, destination?: DestinationStream): Logger {
  const options = { level, base, redact: { paths: REDACTED_PATHS, censor: MASK }, timestamp: pino.stdTimeFunctions.isoTime, hooks: { streamWrite: maskLogLine } };
  return destination ? pino(options, destination) : pino(options);
}
