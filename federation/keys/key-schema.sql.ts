/**
 * DDL of the node's signing keys (PostgreSQL 15+). Idempotent, so a migration can carry it as is
 * and tests can run it on an empty database.
 *
 * - `private_key_enc` is the Ed25519 seed sealed with AES-256-GCM under the key-encryption key
 *   (see key-store.ts for the layout). A retired key loses it: it only ever verifies again.
 * - The partial unique index allows one current key (`retired_at IS NULL`) at a time, which is
 *   what makes a first start or a rotation racing another process fail instead of forking.
 */
export const NODE_KEYS_DDL = `
CREATE TABLE IF NOT EXISTS node_keys (
  kid text PRIMARY KEY,
  public_jwk jsonb NOT NULL,
  private_key_enc bytea,
  created_at timestamptz NOT NULL,
  retired_at timestamptz,
  CONSTRAINT node_keys_current_has_private_key CHECK (retired_at IS NOT NULL OR private_key_enc IS NOT NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS node_keys_one_current ON node_keys ((true)) WHERE retired_at IS NULL;
COMMENT ON TABLE node_keys IS '节点签名密钥 (node signing keys): Ed25519, kid = RFC 7638 thumbprint';
COMMENT ON COLUMN node_keys.public_jwk IS 'public JWK as published in /.well-known/jwks.json';
COMMENT ON COLUMN node_keys.private_key_enc IS 'AES-256-GCM sealed Ed25519 seed; NULL once retired';
COMMENT ON COLUMN node_keys.retired_at IS 'NULL for the current key; retired keys only verify';
`;
