/** `flowc build DIR --out OUT [--sign KEY]`, `flowc inspect BUNDLE`, `flowc keygen --out NAME`. */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatDiagnosticsText } from '../../../language/index.js';
import { InputError } from '../../../language/node/files.js';
import { buildCordapp, writeBuild } from '../build.js';
import { generateSigningKey, verifyBundle } from '../bundle.js';
import { displayPath, summary } from './check.js';

export async function buildCommand(
  dir: string,
  options: { out: string; sign?: string; timings?: boolean },
): Promise<number> {
  const result = await buildCordapp(dir, options.sign ? { signKey: options.sign } : {});
  if (!result.ok) {
    const shown = result.diagnostics.map((d) => ({ ...d, file: displayPath(d.file) }));
    const texts = new Map([...result.texts].map(([file, text]) => [displayPath(file), text]));
    process.stdout.write(formatDiagnosticsText(shown, { textOf: (f) => texts.get(f) }) + '\n\n');
    process.stdout.write(`${summary(result.diagnostics, result.texts.size)} Nothing was written.\n`);
    return 1;
  }
  const written = writeBuild(options.out, result);
  process.stdout.write(
    `built ${result.name} ${result.version}: ${displayPath(`${options.out}/${result.bundleFile}`)} (${written.length - 1} files in the unpacked view)\n`,
  );
  if (options.timings) {
    for (const [phase, ms] of Object.entries(result.timings))
      process.stdout.write(`  ${phase.padEnd(9)}${ms.toFixed(1).padStart(9)} ms\n`);
  }
  return 0;
}

export function inspectCommand(
  file: string,
  options: { requireSignature?: boolean; trust?: string[]; json?: boolean },
): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`cannot read "${file}": no such file`);
  }
  const trusted = options.trust?.map((t) => (existsSync(t) ? publicKeyFromPem(readFileSync(t, 'utf8')) : t));
  const result = verifyBundle(text, {
    requireSignature: options.requireSignature ?? false,
    ...(trusted ? { trusted } : {}),
  });
  const manifest = result.manifest;
  if (options.json) {
    process.stdout.write(
      JSON.stringify(
        { ok: result.ok, problems: result.problems, signed: result.signed, signer: result.signer, manifest },
        null,
        2,
      ) + '\n',
    );
    return result.ok ? 0 : 1;
  }
  if (manifest) {
    const out = [`${manifest.name} ${manifest.version} (${manifest.format})`];
    for (const flow of manifest.flows) {
      const pair = flow.responder
        ? ` ⇄ ${flow.responder}`
        : flow.respondsTo
          ? ` answers ${flow.respondsTo}`
          : '';
      const params = flow.params.map((p) => `${p.name}: ${p.type}`).join(', ');
      out.push(
        `  ${flow.startable ? '@startable ' : ''}${flow.kind} ${flow.name}(${params})${flow.returns ? ` -> ${flow.returns}` : ''} v${flow.protocolVersion}${pair}`,
      );
      if (flow.progress.length) out.push(`    progress: ${flow.progress.map((p) => p.name).join(' → ')}`);
    }
    out.push(
      `  ${Object.keys(manifest.files).length + 1} files, ${Object.keys(manifest.sources).length} sources`,
    );
    process.stdout.write(out.join('\n') + '\n');
  }
  if (result.ok) {
    process.stdout.write(
      result.signed ? `hashes ok; signature ok (key ${result.signer})\n` : 'hashes ok; not signed\n',
    );
    return 0;
  }
  for (const problem of result.problems) process.stderr.write(`flowc: ${displayPath(file)}: ${problem}\n`);
  return 1;
}

function publicKeyFromPem(pem: string): string {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return body;
}

export function keygenCommand(options: { out: string; force?: boolean }): number {
  const keyFile = `${options.out}.key`;
  const pubFile = `${options.out}.pub`;
  if (!options.force && (existsSync(keyFile) || existsSync(pubFile))) {
    throw new InputError(`"${keyFile}" or "${pubFile}" exists already; use --force to replace them`);
  }
  const key = generateSigningKey();
  writeFileSync(keyFile, key.privateKeyPem, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(pubFile, key.publicKeyPem);
  process.stdout.write(`wrote ${keyFile} (private, keep it secret) and ${pubFile}\n`);
  return 0;
}
