/**
 * Enrollment with a one-time token (federation/PROTOCOL.md). The parent registers a child and
 * hands its admin a token out of band; the child presents it once with its keys; each side then
 * pins the other's keys. Only a SHA-256 of the token is stored, and it burns on use.
 */
import { presentInstant } from '../protocol/present-instant.ts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqlRunner } from '../sql-runner.ts';
import { asEd25519PublicJwk, type Jwks } from '../keys/node-keys.ts';
import { FederationError } from '../protocol/federation-error.ts';
import { findNode, findParent, levelRank, LEVELS, type Level, type RegisteredNode } from '../registry/node-registry.ts';

/** How long an enrollment token stays valid. */
export const TOKEN_LIFETIME_MS = 72 * 3600 * 1000;

export interface NodeDescriptor {
  code: string;
  level: Level;
  name: string;
  publicUrl: string | null;
  jwks: Jwks;
}

const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Checks a JWKS from the other side: only well-formed Ed25519 keys whose kid is their thumbprint. */
export async function checkJwks(value: unknown, field: string): Promise<Jwks> {
  const keys = (value as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 20) {
    throw new FederationError('MALFORMED', `${field} 须为含 1-20 个密钥的 JWKS (${field} must be a JWKS with 1-20 keys)`, { field });
  }
  const checked = [];
  for (const [index, key] of keys.entries()) {
    const jwk = await asEd25519PublicJwk(key);
    if (!jwk) throw new FederationError('MALFORMED', `${field} 的第 ${index} 个密钥不是有效的 Ed25519 公钥 (not a valid Ed25519 public key)`, { field: `${field}/keys/${index}` });
    checked.push(jwk);
  }
  return { keys: checked };
}

/** Parent side: registers a child and answers its one-time enrollment token. */
export async function registerChild(sql: SqlRunner, self: { code: string; level: Level }, child: { code: string; name: string; level: Level }, now: Date): Promise<{ enrollmentToken: string; expiresAt: string }> {
  if (!/^\d{6}$/.test(child.code)) throw new FederationError('VALIDATION_FAILED', '下级节点代码须为 6 位行政区划代码 (code must be 6 digits)', { field: 'code' });
  if (!(LEVELS as readonly string[]).includes(child.level)) throw new FederationError('VALIDATION_FAILED', `level 须为 ${LEVELS.join(', ')}`, { field: 'level' });
  if (levelRank(child.level) >= levelRank(self.level)) {
    throw new FederationError('LEVEL_NOT_BELOW', `下级节点层级须低于本节点 (a ${child.level} cannot be the child of a ${self.level})`, { field: 'level', parentLevel: self.level });
  }
  if (child.code === self.code) throw new FederationError('VALIDATION_FAILED', '不能登记本节点为下级 (a node cannot be its own child)', { field: 'code' });
  const existing = await findNode(sql, child.code);
  if (existing && (existing.relation !== 'child' || existing.enrolledAt !== null)) {
    throw new FederationError('NODE_EXISTS', `节点 ${child.code} 已登记 (node ${child.code} is already registered)`, { code: child.code, relation: existing.relation });
  }
  const enrollmentToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MS);
  await sql.query(`INSERT INTO federation_nodes (code, relation, parent_code, level, name, enrollment_token_hash, token_expires_at)
    VALUES ($1, 'child', $2, $3, $4, $5, $6)
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level,
      enrollment_token_hash = EXCLUDED.enrollment_token_hash, token_expires_at = EXCLUDED.token_expires_at`,
  [child.code, self.code, child.level, child.name, tokenHash(enrollmentToken), expiresAt]);
  return { enrollmentToken, expiresAt: presentInstant(expiresAt)! };
}

/** Parent side: a child presents its token and keys; answers the parent's own descriptor. */
export async function acceptEnrollment(sql: SqlRunner, token: string, child: NodeDescriptor, self: NodeDescriptor, now: Date): Promise<NodeDescriptor> {
  const [row] = await sql.query<{ code: string; level: Level; enrollment_token_hash: string | null; token_expires_at: Date | string | null }>(
    `SELECT code, level, enrollment_token_hash, token_expires_at FROM federation_nodes
     WHERE code = $1 AND relation = 'child' FOR UPDATE`, [child.code]);
  const presented = Buffer.from(tokenHash(token), 'hex');
  const expected = row?.enrollment_token_hash ? Buffer.from(row.enrollment_token_hash, 'hex') : null;
  if (!row || !expected || !timingSafeEqual(presented, expected)) {
    throw new FederationError('INVALID_ENROLLMENT_TOKEN', '登记令牌无效或已使用 (the enrollment token is invalid, used, or for another node)');
  }
  if (row.token_expires_at === null || new Date(row.token_expires_at).getTime() < now.getTime()) {
    throw new FederationError('ENROLLMENT_TOKEN_EXPIRED', '登记令牌已过期 (the enrollment token has expired)');
  }
  if (row.level !== child.level) {
    throw new FederationError('LEVEL_MISMATCH', `登记的层级为 ${row.level}, 请求为 ${child.level} (registered as ${row.level})`, { field: 'node/level' });
  }
  await sql.query(`UPDATE federation_nodes SET jwks = $2::jsonb, public_url = $3, enrolled_at = $4,
      enrollment_token_hash = NULL, token_expires_at = NULL WHERE code = $1`,
  [child.code, JSON.stringify(child.jwks), child.publicUrl, now]);
  return self;
}

/** Child side: records the parent answered by a successful enrollment. */
export async function recordParent(sql: SqlRunner, selfCode: string, selfLevel: Level, parent: NodeDescriptor, parentUrl: string, now: Date): Promise<RegisteredNode> {
  if (levelRank(parent.level) <= levelRank(selfLevel)) {
    throw new FederationError('LEVEL_NOT_ABOVE', `上级节点层级须高于本节点 (a ${parent.level} cannot be the parent of a ${selfLevel})`, { parentLevel: parent.level });
  }
  if (await findParent(sql)) throw new FederationError('ALREADY_ENROLLED', '本节点已登记到上级节点 (this node is already enrolled with a parent)');
  await sql.query(`INSERT INTO federation_nodes (code, relation, level, name, public_url, jwks, enrolled_at)
    VALUES ($1, 'parent', $2, $3, $4, $5::jsonb, $6)`,
  [parent.code, parent.level, parent.name, parentUrl, JSON.stringify(parent.jwks), now]);
  await sql.query("UPDATE federation_nodes SET parent_code = $1 WHERE code = $2 AND relation = 'self'", [parent.code, selfCode]);
  const recorded = await findNode(sql, parent.code);
  if (!recorded) throw new Error('parent row vanished');
  return recorded;
}
