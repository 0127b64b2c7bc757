import { customType } from 'drizzle-orm/pg-core';
import { decryptPii, encryptPii } from '../../src/domain/privacy/keyring.ts';

/**
 * Personal data at rest (callers' names and numbers, SMS recipients, second-factor secrets): stored as SM4-CTR +
 * HMAC-SM3 ciphertext (src/domain/privacy/keyring.ts), read back as plaintext by every drizzle select and
 * encrypted by every drizzle insert/update. Encryption is randomised, so never compare such a column with a value
 * in SQL (eq() would encrypt the value afresh and match nothing): look up through its blind index column instead.
 * Raw SQL that selects the column gets ciphertext.
 */
export const encryptedText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => encryptPii(value),
  fromDriver: (value) => decryptPii(value),
});
