/**
 * The ledger's cryptography, injected: the node adapter uses `node:crypto` (Ed25519 and sha256, synchronous, as
 * flows sign and verify inside their steps); a browser would supply its own.
 */

export interface KeyPair {
  /** SPKI DER, base64. */
  publicKey: string;
  /** PKCS#8 DER, base64. */
  privateKey: string;
}

export interface LedgerCrypto {
  sha256(text: string): string;
  generateKeyPair(): KeyPair;
  sign(privateKey: string, message: string): string;
  verify(publicKey: string, message: string, signature: string): boolean;
}

let installed: LedgerCrypto | undefined;

/** Installs the cryptography the ledger uses (the node adapter does it when it loads). */
export function useLedgerCrypto(crypto: LedgerCrypto): void {
  installed = crypto;
}

export function ledgerCrypto(): LedgerCrypto {
  if (!installed)
    throw new Error(
      'No ledger cryptography is installed: import "flows/runtime/node" (or call useLedgerCrypto).',
    );
  return installed;
}

/** JSON with keys sorted at every level: the encoding transaction ids are computed over. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i] ?? null);
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // keys in UTF-16 code unit order (the default sort of strings), those of undefined values left out
    const keys = Object.keys(object).sort();
    let out = '{';
    for (const key of keys) {
      const item = object[key];
      if (item === undefined) continue;
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(item)}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}
