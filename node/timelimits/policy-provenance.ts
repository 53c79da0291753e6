/**
 * Where a calendar year or the time policy comes from (federation/PROTOCOL.md "Downward policy").
 * At the province a PUT issues it: the document is signed with the node's key and its provenance
 * stored. Below the province a PUT on something the province issued is refused; what the province
 * never issued stays local (provenance null).
 */
import { isoLocalOrNull } from '../core/instants.ts';
import { type NodeIdentity, TYP, type PolicyKind, type PolicyPayload } from '../../federation/index.ts';
import { AppError } from '../core/errors.ts';

/** The provenance columns of CalendarYearRecord and TimePolicyRecord. */
export interface Provenance {
  issuer: string | null;
  kid: string | null;
  signedAt: Date | null;
  policyJws: string | null;
  version: number | null;
}

const LOCAL: Provenance = { issuer: null, kid: null, signedAt: null, policyJws: null, version: null };

/** The provenance shown in GET and PUT answers: null members when set on this node below the province. */
export function presentProvenance(row: { issuer?: string | null; kid?: string | null; signedAt?: Date | null }) {
  return { issuer: row.issuer ?? null, kid: row.kid ?? null, signedAt: isoLocalOrNull(row.signedAt) };
}

/** The kid in a compact JWS's protected header. */
function headerKid(jws: string): string {
  return (JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid: string }).kid;
}

const label = (kind: PolicyKind, year: number | undefined): string => (kind === 'calendar' ? `${year} 年节假日安排` : '时限策略');

export class PolicyIssuer {
  readonly #self: { code: string; level: string };
  readonly #identity: NodeIdentity;
  readonly #now: () => Date;

  constructor(self: { code: string; level: string }, identity: NodeIdentity, now: () => Date) {
    this.#self = self;
    this.#identity = identity;
    this.#now = now;
  }

  /** Whether a PUT on this node issues signed documents: only at the province. */
  get issues(): boolean {
    return this.#self.level === 'province';
  }

  /** Throws POLICY_ISSUED_ABOVE when `held` was issued by another node (the province, seen from below). */
  assertSettableHere(held: { issuer?: string | null } | null, kind: PolicyKind, year?: number): void {
    const issuer = held?.issuer ?? null;
    if (issuer === null || issuer === this.#self.code) return;
    throw new AppError('POLICY_ISSUED_ABOVE', { issuer, kind, ...(year === undefined ? {} : { year }) },
      `${label(kind, year)}由上级节点 ${issuer} 下发, 本节点不能修改 (issued by ${issuer} above this node; it cannot be changed here)`);
  }

  /**
   * The provenance a PUT writes with `body`: at the province a newly signed document, one version
   * after `held`'s; elsewhere none. Call it under the rules lock, so versions do not collide.
   */
  async provenanceFor(kind: PolicyKind, year: number | undefined, body: Record<string, unknown>, held: { version?: number | null } | null): Promise<Provenance> {
    if (!this.issues) return LOCAL;
    const signedAt = this.#now();
    const payload: PolicyPayload = {
      issuer: this.#self.code, kind, ...(year === undefined ? {} : { year }), body, version: (held?.version ?? 0) + 1, signedAt: signedAt.toISOString(),
    };
    const policyJws = await this.#identity.sign(TYP.policy, payload);
    return { issuer: this.#self.code, kid: headerKid(policyJws), signedAt, policyJws, version: payload.version };
  }
}
