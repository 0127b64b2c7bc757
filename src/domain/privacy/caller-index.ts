/**
 * The blind indexes of a caller's identity (tickets.caller_phone_index, caller_name_index, contacts.caller_phone_index):
 * what caller history, duplicate hints, search and hotspots compare instead of the encrypted columns. A number is
 * indexed as stored (src/contract/phone.ts normalises it), so "138 1234 5678" and "13812345678" find the same caller;
 * a name as typed (trimmed, NFKC), so a name look-up is exact.
 */
import { normalisePhone } from '../../contract/phone.ts';
import { blindIndex } from './keyring.ts';

export function phoneIndex(phone: string): string {
  return blindIndex('phone', normalisePhone(phone) ?? phone);
}

export function nameIndex(name: string): string {
  return blindIndex('name', name);
}

/** The index columns of a ticket row written with this caller. */
export function callerIndexes(caller: { name?: string | null; phone?: string | null }) {
  return {
    callerPhoneIndex: caller.phone ? phoneIndex(caller.phone) : null,
    callerNameIndex: caller.name ? nameIndex(caller.name) : null,
  };
}
