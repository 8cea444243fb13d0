/**
 * The `.cordapp` file: one JSON document holding every file of the bundle by path, the sha256 of the manifest,
 * and optionally an Ed25519 signature of the manifest. The manifest holds the sha256 of every other file, so
 * the signature covers the whole bundle. Keys are written sorted and without timestamps: the same inputs give
 * byte-identical bundles.
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

export const BUNDLE_FORMAT = 'flows-cordapp/1';

export interface BundleSignature {
  algorithm: 'ed25519';
  /** The signer's public key: SPKI DER, base64. */
  publicKey: string;
  /** The signature of the manifest's bytes, base64. */
  signature: string;
}

export interface BundleContainer {
  format: string;
  manifestSha256: string;
  files: Record<string, string>;
  signature?: BundleSignature;
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted at every level, two-space indented, with a final newline. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + '\n';
}

export function packBundle(files: Record<string, string>, privateKey?: KeyObject): string {
  const manifest = files['manifest.json'];
  if (manifest === undefined) throw new Error('a bundle needs a manifest.json');
  const container: BundleContainer = { format: BUNDLE_FORMAT, manifestSha256: sha256(manifest), files };
  if (privateKey) {
    container.signature = {
      algorithm: 'ed25519',
      publicKey: createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64'),
      signature: sign(null, Buffer.from(manifest), privateKey).toString('base64'),
    };
  }
  return canonicalJson(container);
}

export interface VerifyResult {
  ok: boolean;
  /** One sentence per problem, each naming the file it concerns. */
  problems: string[];
  container?: BundleContainer;
  manifest?: BundleManifest;
  signed: boolean;
  /** The signer's key fingerprint (sha256 of the SPKI DER), when signed and valid. */
  signer?: string;
}

export interface BundleManifest {
  format: string;
  name: string;
  version: string;
  flows: ManifestFlow[];
  files: Record<string, string>;
  sources: Record<string, string>;
  protocol: Record<string, string>;
}

/** `types.json`: the CorDapp's records and enums, by name, for the runtime's checks of values. */
export type TypeDefinition =
  | { kind: 'record'; fields: { name: string; type: string }[] }
  | { kind: 'enum'; members: string[] }
  | { kind: 'opaque' };

export interface ManifestFlow {
  name: string;
  kind: string;
  startable: boolean;
  protocolVersion: number;
  respondsTo?: string;
  responder?: string;
  file: string;
  params: { name: string; type: string }[];
  returns?: string;
  progress: { name: string; label: string; tracks?: string }[];
  machine: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The shape `flowc inspect` and installers read: a damaged manifest must be reported, not crash them. */
function isManifest(value: unknown): value is BundleManifest {
  return (
    isObject(value) &&
    typeof value['name'] === 'string' &&
    typeof value['version'] === 'string' &&
    isObject(value['files']) &&
    isObject(value['sources']) &&
    Array.isArray(value['flows']) &&
    value['flows'].every(
      (flow: unknown) =>
        isObject(flow) &&
        Array.isArray(flow['params']) &&
        flow['params'].every(isObject) &&
        Array.isArray(flow['progress']) &&
        flow['progress'].every(isObject),
    )
  );
}

/** Checks the container, every file's hash, and the signature; `trusted` keys (SPKI base64) restrict signers. */
export function verifyBundle(
  text: string,
  options: { requireSignature?: boolean; trusted?: string[] } = {},
): VerifyResult {
  const problems: string[] = [];
  let container: BundleContainer;
  try {
    container = JSON.parse(text) as BundleContainer;
  } catch {
    return {
      ok: false,
      problems: ['The bundle is not a readable .cordapp file (its JSON is damaged).'],
      signed: false,
    };
  }
  if (!isObject(container) || container.format !== BUNDLE_FORMAT || !isObject(container.files)) {
    return { ok: false, problems: [`The bundle's format is not ${BUNDLE_FORMAT}.`], signed: false };
  }
  const manifestText = container.files['manifest.json'];
  if (typeof manifestText !== 'string')
    return { ok: false, problems: ['manifest.json is missing from the bundle.'], signed: false };
  if (sha256(manifestText) !== container.manifestSha256) {
    problems.push(
      'manifest.json has been changed: its sha256 does not match the one recorded in the bundle.',
    );
  }
  let manifest: BundleManifest | undefined;
  try {
    manifest = JSON.parse(manifestText) as BundleManifest;
  } catch {
    problems.push('manifest.json is not valid JSON.');
  }
  if (manifest !== undefined && !isManifest(manifest)) {
    problems.push(
      'manifest.json is not a bundle manifest: its name, version, flows, files or sources are missing.',
    );
    manifest = undefined;
  }
  if (manifest) {
    for (const [file, hash] of Object.entries(manifest.files ?? {})) {
      const content = container.files[file];
      if (content === undefined)
        problems.push(`${file} is listed in the manifest but missing from the bundle.`);
      else if (typeof content !== 'string' || sha256(content) !== hash)
        problems.push(`${file} has been changed: its sha256 does not match the manifest.`);
    }
    for (const file of Object.keys(container.files)) {
      if (file !== 'manifest.json' && !(file in (manifest.files ?? {}))) {
        problems.push(`${file} is in the bundle but not in the manifest.`);
      }
    }
  }
  let signer: string | undefined;
  const signature = container.signature;
  if (signature) {
    try {
      const key = createPublicKey({
        key: Buffer.from(signature.publicKey, 'base64'),
        format: 'der',
        type: 'spki',
      });
      const valid = verify(null, Buffer.from(manifestText), key, Buffer.from(signature.signature, 'base64'));
      if (!valid)
        problems.push('The signature is bad: it does not match manifest.json and the included public key.');
      else signer = sha256(Buffer.from(signature.publicKey, 'base64'));
      if (valid && options.trusted && !options.trusted.includes(signature.publicKey)) {
        problems.push(`The bundle is signed by an untrusted key (fingerprint ${signer}).`);
      }
    } catch {
      problems.push('The signature is bad: its public key or signature cannot be read.');
    }
  } else if (options.requireSignature) {
    problems.push('The bundle is not signed, and a signature is required.');
  }
  const result: VerifyResult = {
    ok: problems.length === 0,
    problems,
    container,
    signed: signature !== undefined,
  };
  if (manifest) result.manifest = manifest;
  if (signer) result.signer = signer;
  return result;
}

export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

export function readPrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the key is ${key.asymmetricKeyType}, not an Ed25519 key`);
  return key;
}
