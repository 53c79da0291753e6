/**
 * Payloads of downward policy (federation/PROTOCOL.md "Downward policy"): the documents the
 * province signs, and the bundle a parent signs for one child to carry them and the keys that
 * verify them. Schemas: schemas/federation/policy.schema.json, policy-bundle.schema.json.
 */
import type { Jwks } from '../keys/node-keys.ts';
import type { Level } from '../registry/node-registry.ts';

/** What a policy document sets: one calendar year, or the time-limit policy. */
export type PolicyKind = 'calendar' | 'timePolicy';

/** Payload of a `sv-policy+jws`, signed by the issuing node (the province). */
export interface PolicyPayload {
  /** Code of the issuing node. */
  issuer: string;
  kind: PolicyKind;
  /** The calendar year; only for kind 'calendar'. */
  year?: number;
  /** The calendar year (`{year, holidays, workdays, source?}`) or the policy, in their API forms. */
  body: Record<string, unknown>;
  /** 1, 2, ... per kind (and year): a node applies a document only when it is newer than the one it holds. */
  version: number;
  signedAt: string;
}

/** A node above the child, vouched for by the parent that signs the bundle. */
export interface AncestorIdentity {
  code: string;
  level: Level;
  jwks: Jwks;
}

/** Payload of a `sv-policy-bundle+jws`: what a parent hands one child. */
export interface PolicyBundlePayload {
  /** The parent that signs. */
  node: string;
  /** The child it is meant for. */
  for: string;
  /** Keys of the parent's own ancestors (the parent's key itself is pinned by the child). */
  ancestors: AncestorIdentity[];
  /** Every `sv-policy+jws` the parent holds, as issued. */
  policies: string[];
  time: string;
}
