/**
 * A department's contacts: the checks beyond the schema (per-channel address, the webhook secret)
 * and the replacement of the whole list in one transaction. A contact sent again with the same
 * channel and address keeps its row (and id), so pending notifications to it still find it, and a
 * webhook sent without a secret keeps the one held.
 */
import { isoLocal } from '../core/instants.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../core/errors.ts';
import { query } from '../core/db.ts';
import type { ChannelName } from './channel.ts';
import { DepartmentContact } from './department-contact.entity.ts';
import type { WebhookDestinations } from './webhook-destination.ts';

export interface ContactInput {
  name: string;
  channel: ChannelName;
  address: string;
  secret?: string;
  /** Filled by the schema's default. */
  enabled: boolean;
}

const EMAIL = /^[^\s@<>()[\],;:"\\]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MOBILE = /^\+?\d{6,20}$/;

function invalid(field: string, problem: string): AppError {
  return new AppError('VALIDATION_FAILED', { field, problem }, `字段 ${field} 无效 (invalid field ${field}: ${problem})`);
}

/** What is wrong with `address` for `channel`, or null. */
function addressProblem(channel: ChannelName, address: string): string | null {
  // Invisible, direction-changing or look-alike characters make an address show as another one.
  if (!/^[\x21-\x7e]+$/.test(address)) return 'must be printable ASCII (an internationalized name or path in its encoded form)';
  if (channel === 'email') return EMAIL.test(address) ? null : 'must be an e-mail address';
  if (channel === 'sms') return MOBILE.test(address) ? null : 'must be a mobile number of 6-20 digits, optionally after +';
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'must be an http(s) URL';
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || /\s/.test(address)) return 'must be an http(s) URL';
  return url.username || url.password ? 'must not hold a user or password (requests are signed with the secret)' : null;
}

function sameTarget(contact: { channel: string; address: string }, input: ContactInput): boolean {
  return contact.channel === input.channel && contact.address === input.address;
}

/**
 * Checks `inputs` against the channels and the contacts held, then replaces the department's list
 * with them; answers the new list in id order. Throws VALIDATION_FAILED naming the field
 * (`/contacts/1/address`) before anything changes.
 */
export async function replaceContacts(em: EntityManager, departmentCode: string, inputs: ContactInput[], now: Date, destinations: WebhookDestinations): Promise<DepartmentContact[]> {
  // Where each webhook points, resolved before the transaction holds anything.
  for (const [index, input] of inputs.entries()) {
    if (input.channel !== 'webhook' || addressProblem(input.channel, input.address) !== null) continue;
    const problem = await destinations.urlProblem(new URL(input.address));
    if (problem) throw invalid(`/contacts/${index}/address`, problem);
  }
  return em.transactional(async (tx) => {
    // Serializes two replacements of one department's list (each would otherwise keep rows the other deletes).
    await query(tx, 'SELECT pg_advisory_xact_lock(hashtext($1))', [`department-contacts:${departmentCode}`]);
    const held = await tx.find(DepartmentContact, { departmentCode }, { orderBy: { id: 'asc' } });
    for (const [index, input] of inputs.entries()) {
      const problem = addressProblem(input.channel, input.address);
      if (problem) throw invalid(`/contacts/${index}/address`, problem);
      if (inputs.findIndex((other) => sameTarget(other, input)) !== index) throw invalid(`/contacts/${index}/address`, `duplicate ${input.channel} contact`);
      if (input.channel !== 'webhook' && input.secret !== undefined) throw invalid(`/contacts/${index}/secret`, 'only a webhook contact takes a secret');
      if (input.channel === 'webhook' && input.secret === undefined && !held.some((contact) => sameTarget(contact, input) && contact.secret)) {
        throw invalid(`/contacts/${index}/secret`, 'required for a webhook (the HMAC key its requests are signed with)');
      }
    }
    const kept = new Set<number>();
    for (const input of inputs) {
      const existing = held.find((contact) => sameTarget(contact, input));
      if (existing) {
        kept.add(existing.id);
        existing.name = input.name;
        existing.enabled = input.enabled;
        if (input.secret !== undefined) existing.secret = input.secret;
      } else {
        tx.create(DepartmentContact, {
          departmentCode, name: input.name, channel: input.channel, address: input.address,
          secret: input.secret ?? null, enabled: input.enabled, createdAt: now,
        });
      }
    }
    for (const contact of held) if (!kept.has(contact.id)) tx.remove(contact);
    await tx.flush();
    return tx.find(DepartmentContact, { departmentCode }, { orderBy: { id: 'asc' } });
  });
}

/** The wire shape of a contact: never the secret, only whether there is one. */
export function presentContact(contact: DepartmentContact) {
  return {
    id: contact.id,
    name: contact.name,
    channel: contact.channel,
    address: contact.address,
    enabled: contact.enabled,
    hasSecret: Boolean(contact.secret),
    createdAt: isoLocal(contact.createdAt),
  };
}
