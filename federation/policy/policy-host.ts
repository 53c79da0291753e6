/**
 * What downward policy needs from the node, passed in at wiring time: the documents it holds to
 * hand on, and a way to apply verified ones to its calendar and policy (and recompute).
 */
import type { PolicyKind, PolicyPayload } from './policy-messages.ts';

/** A policy document whose signature, issuer and schema federation has checked. */
export interface VerifiedPolicy {
  jws: string;
  /** Kid of the issuer's key that signed it. */
  kid: string;
  payload: PolicyPayload;
}

export interface AppliedPolicy {
  kind: PolicyKind;
  year: number | null;
  version: number;
}

export interface PolicyApplication {
  applied: AppliedPolicy[];
  /** Cases checked and changed by the recomputation (zero when nothing was newer). */
  recomputed: { checked: number; changed: number };
}

export interface PolicyHost {
  /** The issued documents (`sv-policy+jws`) this node holds, its own or received: what its children get. */
  issued(): Promise<string[]>;
  /**
   * Applies, all or nothing, the documents newer than those held, storing their provenance, and
   * recomputes the cases they touch before answering. Throws (changing nothing) on a body the
   * node's own rules refuse.
   */
  apply(documents: readonly VerifiedPolicy[]): Promise<PolicyApplication>;
}
