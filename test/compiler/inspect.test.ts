/**
 * `flowc inspect`, `flowc keygen` and `flowc build --sign`: a bundle's summary, its hashes (one changed byte in any
 * file is found and named), and its Ed25519 signature (bad, missing, untrusted).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canonicalJson } from '../../compiler/node/bundle.js';
import {
  changeOneByte,
  expectOneLineError,
  flowc,
  flowcOk,
  KITCHEN_SINK_BUNDLE,
  middleAsciiIndex,
  readContainer,
  sha256,
  SLOW,
  tempDirs,
  tinyCordapp,
  writeCordapp,
  type Container,
  type Manifest,
} from './helpers.js';

// every test spawns flowc, which takes seconds on a busy machine
vi.setConfig({ testTimeout: SLOW, hookTimeout: SLOW });

const temp = tempDirs();
afterAll(() => temp.cleanup());

let root: string;
let unsignedBundle: string;
let signedBundle: string;
/** Key pairs made by `flowc keygen`: alice signs, bob is someone else. */
let alice: string;
let bob: string;

/** The fingerprint `inspect` prints for a public key file: sha256 of the SPKI DER. */
function fingerprint(pubFile: string): string {
  return sha256(createPublicKey(readFileSync(pubFile, 'utf8')).export({ format: 'der', type: 'spki' }));
}

/** Writes a changed copy of a bundle and returns its path. */
let written = 0;
function writeBundle(container: Container | string, name = 'changed'): string {
  const file = path.join(root, `${name}-${written++}.cordapp`);
  writeFileSync(file, typeof container === 'string' ? container : canonicalJson(container));
  return file;
}

function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '');
}

beforeAll(() => {
  root = temp.make('flowc-inspect-');
  alice = path.join(root, 'alice');
  bob = path.join(root, 'bob');
  flowcOk(['keygen', '--out', alice]);
  flowcOk(['keygen', '--out', bob]);
  flowcOk(['build', 'test/fixtures/kitchen-sink', '--out', path.join(root, 'unsigned')]);
  flowcOk([
    'build',
    'test/fixtures/kitchen-sink',
    '--out',
    path.join(root, 'signed'),
    '--sign',
    `${alice}.key`,
  ]);
  unsignedBundle = path.join(root, 'unsigned', KITCHEN_SINK_BUNDLE);
  signedBundle = path.join(root, 'signed', KITCHEN_SINK_BUNDLE);
});

describe('flowc inspect: hashes', () => {
  it('prints the summary of a fresh bundle and exits 0', () => {
    const run = flowc(['inspect', unsignedBundle]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('com.example.kitchen 1.0.0 (flows-cordapp/1)');
    expect(lines).toContain(
      '  @startable initiating SellerFlow(buyer: Party, assetId: String, price: Amount, urgent: Bool) -> Decimal v2 ⇄ BuyerFlow',
    );
    expect(lines).toContain('    progress: Quoting → Offering → Waiting → Done');
    expect(lines).toContain('  inline Haggle(session: Session, quote: Amount) -> Amount v1');
    expect(lines).toContain('  responder BuyerFlow(seller: Session) v1 answers SellerFlow');
    expect(lines).toContain('  inline Tally(values: List<Int>) -> Int v1');
    const fileCount = Object.keys(readContainer(unsignedBundle).files).length;
    expect(lines).toContain(`  ${fileCount} files, 3 sources`);
    expect(lines).toContain('hashes ok; not signed');
  });

  it('prints the result as JSON with --json', () => {
    const run = flowc(['inspect', unsignedBundle, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      ok: boolean;
      problems: string[];
      signed: boolean;
      manifest: Manifest;
    };
    expect(result).toMatchObject({ ok: true, problems: [], signed: false });
    expect(result.manifest.name).toBe('com.example.kitchen');
  });

  it('re-serialising the container reproduces the bundle byte for byte (so the tampering below is faithful)', () => {
    for (const bundle of [unsignedBundle, signedBundle]) {
      const text = readFileSync(bundle, 'utf8');
      expect(canonicalJson(JSON.parse(text))).toBe(text);
    }
  });

  it('fails, naming the file, when one byte of any file inside the bundle is changed', () => {
    const original = readContainer(unsignedBundle);
    const files = Object.keys(original.files);
    for (const file of [
      'flows.d.ts',
      'flows.js',
      'machines/BuyerFlow.json',
      'machines/Haggle.json',
      'machines/SellerFlow.json',
      'machines/Tally.json',
      'manifest.json',
      'trace.json',
    ])
      expect(files).toContain(file);
    for (const file of files) {
      const container = readContainer(unsignedBundle);
      const content = container.files[file]!;
      const changed = changeOneByte(content, middleAsciiIndex(content));
      expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(content));
      container.files[file] = changed;
      const run = flowc(['inspect', writeBundle(container)]);
      expect(run.status, `${file}: ${run.stderr}`).toBe(1);
      const problems = problemLines(run.stderr);
      expect(problems.length, file).toBeGreaterThan(0);
      expect(problems[0], file).toContain(`${file} has been changed`);
      // a changed file is named and nothing else is blamed (a changed manifest may also disown a file)
      if (file !== 'manifest.json') expect(problems, file).toHaveLength(1);
      expect(run.stdout, file).not.toContain('hashes ok');
    }
  });

  it('names manifest.json when the manifest is damaged, whatever the damage', () => {
    const damage: Record<string, (manifest: string) => string> = {
      'first byte': (m) => changeOneByte(m, 0),
      'last byte': (m) => changeOneByte(m, m.length - 1),
      'a key renamed ("flows")': (m) => m.replace('"flows"', '"flowz"'),
      'a key renamed ("files")': (m) => m.replace('"files"', '"filez"'),
      'a key renamed ("params")': (m) => m.replace('"params"', '"paramz"'),
      'not an object': () => 'null',
    };
    for (const [what, change] of Object.entries(damage)) {
      const container = readContainer(unsignedBundle);
      container.files['manifest.json'] = change(container.files['manifest.json']!);
      const run = flowc(['inspect', writeBundle(container)]);
      expect(run.status, `${what}: ${run.stderr}`).toBe(1);
      expect(run.stderr, what).toContain('manifest.json');
      expect(run.stderr, what).not.toContain('internal error');
    }
  });

  it('fails cleanly on a file that is not a bundle', () => {
    for (const text of ['not json at all\n', 'null\n', '[]\n', '{"format":"flows-cordapp/1"}\n']) {
      const run = flowc(['inspect', writeBundle(text, 'junk')]);
      expect(run.status, `${text}: ${run.stderr}`).toBe(1);
      expect(problemLines(run.stderr), text).toHaveLength(1);
      expect(run.stderr, text).not.toContain('internal error');
    }
    expectOneLineError(flowc(['inspect', path.join(root, 'missing.cordapp')]), /missing\.cordapp/);
  });
});

describe('flowc keygen', () => {
  it('writes an Ed25519 key pair, the private key with mode 0600', () => {
    const key = readFileSync(`${alice}.key`, 'utf8');
    const pub = readFileSync(`${alice}.pub`, 'utf8');
    expect(key).toContain('-----BEGIN PRIVATE KEY-----');
    expect(pub).toContain('-----BEGIN PUBLIC KEY-----');
    expect(createPrivateKey(key).asymmetricKeyType).toBe('ed25519');
    expect(createPublicKey(pub).asymmetricKeyType).toBe('ed25519');
    expect(statSync(`${alice}.key`).mode & 0o777).toBe(0o600);
    // the two files are one pair
    expect(createPublicKey(createPrivateKey(key)).export({ format: 'pem', type: 'spki' })).toBe(pub);
  });

  it('refuses to overwrite a key without --force, and replaces it with --force', () => {
    const name = path.join(root, 'carol');
    flowcOk(['keygen', '--out', name]);
    const key = readFileSync(`${name}.key`, 'utf8');
    const pub = readFileSync(`${name}.pub`, 'utf8');
    expectOneLineError(flowc(['keygen', '--out', name]), /exists already.*--force/);
    expect(readFileSync(`${name}.key`, 'utf8')).toBe(key);
    expect(readFileSync(`${name}.pub`, 'utf8')).toBe(pub);

    // the private key alone is enough to refuse
    const lonely = path.join(root, 'dave');
    writeFileSync(`${lonely}.key`, 'an old key\n');
    expectOneLineError(flowc(['keygen', '--out', lonely]), /--force/);
    expect(readFileSync(`${lonely}.key`, 'utf8')).toBe('an old key\n');
    expect(existsSync(`${lonely}.pub`)).toBe(false);

    chmodSync(`${name}.key`, 0o644);
    flowcOk(['keygen', '--out', name, '--force']);
    expect(readFileSync(`${name}.key`, 'utf8')).not.toBe(key);
    expect(readFileSync(`${name}.pub`, 'utf8')).not.toBe(pub);
    expect(statSync(`${name}.key`).mode & 0o777).toBe(0o600);
  });
});

describe('flowc build --sign and inspect: signatures', () => {
  it('reports the signature ok, with the signer fingerprint', () => {
    const run = flowc(['inspect', signedBundle]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`hashes ok; signature ok (key ${fingerprint(`${alice}.pub`)})`);
    const container = readContainer(signedBundle);
    expect(container.signature).toMatchObject({ algorithm: 'ed25519' });
    // the signature lives in the container only: the files are those of the unsigned build
    expect(container.files).toEqual(readContainer(unsignedBundle).files);
  });

  it('signs deterministically: the same sources and key give the same signed bundle', () => {
    const dir = writeCordapp(root, 'tiny', tinyCordapp());
    const outA = path.join(root, 'tiny-a');
    const outB = path.join(root, 'tiny-b');
    flowcOk(['build', dir, '--out', outA, '--sign', `${alice}.key`]);
    flowcOk(['build', dir, '--out', outB, '--sign', `${alice}.key`]);
    const a = readFileSync(path.join(outA, 'com.example.tiny-1.0.0.cordapp'), 'utf8');
    expect(readFileSync(path.join(outB, 'com.example.tiny-1.0.0.cordapp'), 'utf8')).toBe(a);
    expect((JSON.parse(a) as Container).signature).toBeDefined();
  });

  it('reports a tampered signature as a bad signature', () => {
    const container = readContainer(signedBundle);
    const signature = container.signature!;
    signature.signature = changeOneByte(signature.signature, 0);
    const run = flowc(['inspect', writeBundle(container)]);
    expect(run.status).toBe(1);
    expect(problemLines(run.stderr)).toEqual([expect.stringMatching(/The signature is bad/)]);
  });

  it('reports a changed manifest of a signed bundle as a bad signature, even with its hash recomputed', () => {
    const container = readContainer(signedBundle);
    const manifest = JSON.parse(container.files['manifest.json']!) as Manifest;
    manifest.flows[0]!.startable = false;
    container.files['manifest.json'] = canonicalJson(manifest);
    container.manifestSha256 = sha256(container.files['manifest.json']);
    const run = flowc(['inspect', writeBundle(container)]);
    expect(run.status).toBe(1);
    expect(problemLines(run.stderr)).toEqual([expect.stringMatching(/The signature is bad/)]);
  });

  it('reports a changed file of a signed bundle, with the manifest made to match, as a bad signature', () => {
    const container = readContainer(signedBundle);
    container.files['flows.js'] += '\nexport const backdoor = true;\n';
    const manifest = JSON.parse(container.files['manifest.json']!) as Manifest;
    manifest.files['flows.js'] = sha256(container.files['flows.js']!);
    container.files['manifest.json'] = canonicalJson(manifest);
    container.manifestSha256 = sha256(container.files['manifest.json']);
    const run = flowc(['inspect', writeBundle(container)]);
    expect(run.status).toBe(1);
    expect(problemLines(run.stderr)).toEqual([expect.stringMatching(/The signature is bad/)]);
  });

  it('reports an unreadable signature as a bad signature', () => {
    const container = readContainer(signedBundle);
    container.signature!.publicKey = 'bm90IGEga2V5';
    const run = flowc(['inspect', writeBundle(container)]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/The signature is bad/);
  });

  it('--require-signature fails on an unsigned bundle, and on a signed one whose signature was removed', () => {
    const unsigned = flowc(['inspect', unsignedBundle, '--require-signature']);
    expect(unsigned.status).toBe(1);
    expect(problemLines(unsigned.stderr)).toEqual([expect.stringMatching(/not signed.*required/)]);

    const container = readContainer(signedBundle);
    delete container.signature;
    const stripped = writeBundle(container);
    expect(flowc(['inspect', stripped]).status).toBe(0);
    expect(flowc(['inspect', stripped, '--require-signature']).status).toBe(1);

    expect(flowc(['inspect', signedBundle, '--require-signature']).status).toBe(0);
  });

  it('--trust passes with the signer .pub and fails with another key .pub', () => {
    const trusted = flowc(['inspect', signedBundle, '--trust', `${alice}.pub`]);
    expect(trusted.status, trusted.stderr).toBe(0);
    expect(trusted.stdout).toContain('signature ok');

    const other = flowc(['inspect', signedBundle, '--trust', `${bob}.pub`]);
    expect(other.status).toBe(1);
    expect(problemLines(other.stderr)).toEqual([
      expect.stringContaining(`untrusted key (fingerprint ${fingerprint(`${alice}.pub`)})`),
    ]);

    // several keys: any of them will do; a key may also be given as base64 SPKI
    expect(flowc(['inspect', signedBundle, '--trust', `${bob}.pub`, `${alice}.pub`]).status).toBe(0);
    const base64 = createPublicKey(readFileSync(`${alice}.pub`, 'utf8'))
      .export({ format: 'der', type: 'spki' })
      .toString('base64');
    expect(flowc(['inspect', signedBundle, '--trust', base64]).status).toBe(0);
  });

  it('--trust rejects a bundle re-signed by another key after tampering', () => {
    const container = readContainer(signedBundle);
    const manifest = JSON.parse(container.files['manifest.json']!) as Manifest;
    manifest.version = '6.6.6';
    container.files['manifest.json'] = canonicalJson(manifest);
    container.manifestSha256 = sha256(container.files['manifest.json']);
    const mallory = generateKeyPairSync('ed25519');
    container.signature = {
      algorithm: 'ed25519',
      publicKey: mallory.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      signature: sign(null, Buffer.from(container.files['manifest.json']), mallory.privateKey).toString(
        'base64',
      ),
    };
    const resigned = writeBundle(container);
    // a valid signature by someone: only --trust tells that it is not the right someone
    expect(flowc(['inspect', resigned]).status).toBe(0);
    const run = flowc(['inspect', resigned, '--trust', `${alice}.pub`]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('untrusted key');
  });

  it('refuses to sign with a key file that is missing or not an Ed25519 private key', () => {
    const dir = writeCordapp(root, 'tiny-keys', tinyCordapp());
    const out = path.join(root, 'tiny-keys-out');
    expectOneLineError(
      flowc(['build', dir, '--out', out, '--sign', path.join(root, 'nobody.key')]),
      /nobody\.key/,
    );
    expectOneLineError(
      flowc(['build', dir, '--out', out, '--sign', `${alice}.pub`]),
      /alice\.pub.*not an Ed25519 private key/,
    );
    const rsa = path.join(root, 'rsa.key');
    writeFileSync(
      rsa,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
        format: 'pem',
        type: 'pkcs8',
      }),
    );
    expectOneLineError(flowc(['build', dir, '--out', out, '--sign', rsa]), /rsa\.key.*not an Ed25519/);
    expect(existsSync(out)).toBe(false);
  });
});
