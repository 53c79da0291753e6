/** The JWS `typ` of every federation message, and the payload shapes (schemas in schemas/federation/). */
import type { Jwks } from '../keys/node-keys.ts';
import type { Level } from '../registry/node-registry.ts';

export const TYP = {
  checkpoint: 'sv-checkpoint+jws',
  batch: 'sv-batch+jws',
  receipt: 'sv-receipt+jws',
  keys: 'sv-keys+jws',
  auditRequest: 'sv-audit-request+jws',
  auditResponse: 'sv-audit-response+jws',
  policy: 'sv-policy+jws',
  policyBundle: 'sv-policy-bundle+jws',
} as const;

export interface CheckpointPayload {
  node: string;
  treeSize: number;
  /** Hex SHA-256 root of the node's event log at treeSize (RFC 9162). */
  rootHash: string;
  time: string;
}

export interface DescendantIdentity {
  code: string;
  parentCode: string;
  level: Level;
  name: string;
  jwks: Jwks;
}

export interface BatchPayload {
  node: string;
  parent: string;
  sequence: number;
  prevBatchHash: string | null;
  createdAt: string;
  checkpoint: string;
  consistency: { fromSize: number; proof: string[] };
  summaries: Record<string, unknown>[];
  descendants: DescendantIdentity[];
  forwarded: string[];
}

export interface ReceiptPayload {
  parent: string;
  node: string;
  sequence: number;
  batchHash: string;
  checkpoint: { treeSize: number; rootHash: string };
  receivedAt: string;
}

export interface KeyAnnouncementPayload {
  node: string;
  jwks: Jwks;
  time: string;
}
