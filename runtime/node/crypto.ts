/**
 * The ledger's cryptography on Node: Ed25519 signatures and sha256 from `node:crypto`, synchronous, so flows sign
 * and verify inside their steps. Installed when `runtime/node` is loaded.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { useLedgerCrypto, type LedgerCrypto } from '../ledger/crypto.js';

const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

function privateKey(der: string): KeyObject {
  let key = privateKeys.get(der);
  if (!key)
    privateKeys.set(
      der,
      (key = createPrivateKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'pkcs8' })),
    );
  return key;
}

function publicKey(der: string): KeyObject {
  let key = publicKeys.get(der);
  if (!key)
    publicKeys.set(
      der,
      (key = createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' })),
    );
  return key;
}

export const nodeLedgerCrypto: LedgerCrypto = {
  sha256: (text) => createHash('sha256').update(text).digest('hex'),
  generateKeyPair() {
    const { publicKey: pub, privateKey: priv } = generateKeyPairSync('ed25519');
    return {
      publicKey: pub.export({ format: 'der', type: 'spki' }).toString('base64'),
      privateKey: priv.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    };
  },
  sign: (key, message) => sign(null, Buffer.from(message), privateKey(key)).toString('base64'),
  verify(key, message, signature) {
    try {
      return verify(null, Buffer.from(message), publicKey(key), Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  },
};

useLedgerCrypto(nodeLedgerCrypto);
