/**
 * Password hashing and the password policy. Hashes are scrypt (RFC 7914) strings that say how they
 * were made, `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>`, so the cost can be raised later
 * without breaking stored hashes. Verification is constant-time and never throws on a bad hash.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError } from '../core/errors.ts';

const LOG2_N = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 32;
const KEY_BYTES = 64;
/** Allowed cost range when reading stored hashes, so a tampered row cannot make us burn memory. */
const MAX_LOG2_N = 20;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default maxmem (32 MiB) is just short of N=2^15, r=8.
  const options: ScryptOptions = { N: 2 ** log2N, r, p, maxmem: 256 * 2 ** log2N * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes `password` with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, LOG2_N, BLOCK_SIZE, PARALLELISM);
  return `scrypt$${LOG2_N}$${BLOCK_SIZE}$${PARALLELISM}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  log2N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![log2N, r, p].every(Number.isInteger) || log2N < 10 || log2N > MAX_LOG2_N || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const salt = Buffer.from(parts[4]!, 'base64');
  const key = Buffer.from(parts[5]!, 'base64');
  if (salt.length < 16 || key.length !== KEY_BYTES) return null;
  return { log2N, r, p, salt, key };
}

/** Whether `password` matches `stored`; false (never an exception) for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.log2N, parsed.r, parsed.p);
  return timingSafeEqual(key, parsed.key);
}

/**
 * A hash of the current cost that no password matches (a random key): made without deriving
 * anything, so the first unknown login costs no more than any later one.
 */
const DUMMY_HASH = `scrypt$${LOG2_N}$${BLOCK_SIZE}$${PARALLELISM}$${randomBytes(SALT_BYTES).toString('base64')}$${randomBytes(KEY_BYTES).toString('base64')}`;

/**
 * Spends as long as a real verification, for a login that does not exist, so the answer's timing
 * does not tell which logins do. Always false.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_HASH);
  return false;
}

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

// Lower-cased; a password equal to one of these (or to one with digits appended) is refused.
const COMMON_PASSWORDS = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwerty', 'qwertyuiop', 'qwerty123', 'abc123', 'abcd1234', 'a1b2c3d4',
  '123456', '12345678', '123456789', '1234567890', '111111', '000000', 'iloveyou', 'admin', 'admin123', 'administrator',
  'welcome', 'letmein', 'changeme', 'root', 'test', 'woaini', 'woaini1314', 'zhongguo', 'china', 'aa123456', 'asdfghjkl',
  '1qaz2wsx', '1qaz@wsx', '1q2w3e4r', 'zxcvbnm', 'superman', 'trustno1', 'monkey', 'dragon', 'football', 'sunshine',
]);

/** One reason a password is refused, in the words the API answers. */
export type PasswordProblem = 'tooShort' | 'tooLong' | 'tooFewCharacterClasses' | 'containsLogin' | 'common';

/** What is wrong with `password` for the account `login`; empty when it passes the policy. */
export function passwordProblems(password: string, login: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) problems.push('tooShort');
  if (length > MAX_PASSWORD_LENGTH) problems.push('tooLong');
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u].filter((pattern) => pattern.test(password)).length;
  if (classes < 3) problems.push('tooFewCharacterClasses');
  const lower = password.toLowerCase();
  if (login.length >= 3 && lower.includes(login.toLowerCase())) problems.push('containsLogin');
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(lower.replace(/[\d!@#$%^&*.]+$/, ''))) problems.push('common');
  return problems;
}

const PROBLEM_TEXT: Record<PasswordProblem, string> = {
  tooShort: `至少 ${MIN_PASSWORD_LENGTH} 个字符 (at least ${MIN_PASSWORD_LENGTH} characters)`,
  tooLong: `最多 ${MAX_PASSWORD_LENGTH} 个字符 (at most ${MAX_PASSWORD_LENGTH} characters)`,
  tooFewCharacterClasses: '须含小写字母、大写字母、数字、符号中的至少三类 (at least 3 of: lower case, upper case, digit, symbol)',
  containsLogin: '不得包含登录名 (must not contain the login)',
  common: '过于常见 (too common)',
};

/** Throws WEAK_PASSWORD (422) naming `field` and every problem when `password` fails the policy. */
export function assertPasswordPolicy(password: string, login: string, field: string): void {
  const problems = passwordProblems(password, login);
  if (problems.length === 0) return;
  throw new AppError('WEAK_PASSWORD', { field, problems, explanations: problems.map((problem) => PROBLEM_TEXT[problem]) });
}
