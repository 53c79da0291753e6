/**
 * The secret a node's private keys are sealed under: NODE_KEY_SECRET when set (production passes
 * it from a secret store), otherwise a random one kept in a 0600 file beside the node's data, made
 * on first start. The secret itself is never logged.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Settings } from './settings.ts';

export function resolveKeySecret(settings: Settings): { secret: string; source: 'environment' | 'file' | 'new file' } {
  if (settings.nodeKeySecret) return { secret: settings.nodeKeySecret, source: 'environment' };
  const path = settings.keySecretFile;
  if (existsSync(path)) return { secret: readFileSync(path, 'utf8').trim(), source: 'file' };
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { secret, source: 'new file' };
}
