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
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
