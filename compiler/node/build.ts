/**
 * `flowc build`: one CorDapp directory to a bundle. Checks first and produces nothing when there is an error;
 * otherwise everything is computed in memory, then written (the unpacked view and `NAME-VERSION.cordapp`).
 * Paths inside the bundle are relative to the CorDapp directory, so where the sources live does not change a byte.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  compareDiagnostics,
  extractPrograms,
  groupIntoUnits,
  hasErrors,
  type FileCheckResult,
  type FileDiagnostic,
} from '../../language/index.js';
import {
  InputError,
  isHostSpecifier,
  libraryFiles,
  readSource,
  toPosix,
  workspaceFor,
} from '../../language/node/files.js';
import { libraryDir } from '../../language/node/tsHostModules.js';
import { LIBRARY_SPECIFIER } from '../../language/index.js';
import type { Type } from '../../language/types.js';
import { typeToString } from '../../language/types.js';
import type { FlowIR } from '../ir.js';
import { lowerFile } from '../lower.js';
import { foldPassThroughStates } from '../fold.js';
import { inlineSubflows } from '../inline.js';
import { generateMachine, type MachineArtifact } from '../machine.js';
import { protocolSkeleton } from '../fingerprint.js';
import {
  canonicalJson,
  packBundle,
  readPrivateKey,
  sha256,
  BUNDLE_FORMAT,
  type BundleManifest,
  type TypeDefinition,
} from './bundle.js';
import { bundleImplementations, clientApiSource, implementationsSource } from './emit.js';

export interface BuildOptions {
  /** Path of an Ed25519 private key (PEM) to sign the bundle with. */
  signKey?: string;
}

export type Phase = 'parse' | 'check' | 'lower' | 'machines' | 'emit' | 'bundle';

export type BuildResult =
  | { ok: false; diagnostics: FileDiagnostic[]; texts: Map<string, string> }
  | {
      ok: true;
      name: string;
      version: string;
      /** The unpacked view, by path inside the bundle. */
      files: Record<string, string>;
      bundleFile: string;
      bundle: string;
      timings: Record<Phase, number>;
    };

function listFlowFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    throw new InputError(`cannot read the CorDapp directory "${dir}"`);
  }
  const files = entries.filter((f) => f.endsWith('.flow')).sort();
  if (files.length === 0) throw new InputError(`"${dir}" holds no .flow files`);
  return files.map((f) => path.join(dir, f));
}

/** Collects the record and enum types the client API must declare, following fields into nested records. */
function collectTypes(results: FileCheckResult[], irs: FlowIR[]): Map<string, Type> {
  const types = new Map<string, Type>();
  const add = (type: Type | undefined): void => {
    if (!type) return;
    if (type.kind === 'list') return add(type.element);
    if ((type.kind === 'record' || type.kind === 'enum') && !types.has(type.name)) {
      types.set(type.name, type);
      if (type.kind === 'record') for (const f of type.fields) add(f.type);
    }
  };
  for (const result of results) {
    for (const symbol of result.unit.globals.values())
      if (symbol.kind === 'message' || symbol.kind === 'enum') add(symbol.type);
  }
  for (const ir of irs) {
    for (const p of ir.params) add(p.type);
    add(ir.returnType);
  }
  return types;
}

export async function buildCordapp(dir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const timings: Record<Phase, number> = { parse: 0, check: 0, lower: 0, machines: 0, emit: 0, bundle: 0 };
  const time = <T>(phase: Phase, work: () => T): T => {
    const start = performance.now();
    try {
      return work();
    } finally {
      timings[phase] += performance.now() - start;
    }
  };
  const sourceDir = path.resolve(dir);
  const flowFiles = listFlowFiles(sourceDir);
  const sources = flowFiles.map(readSource);
  const parseStart = performance.now();
  const workspace = await workspaceFor(sources);
  timings.parse = performance.now() - parseStart;

  const units = groupIntoUnits(workspace.paths().map((p) => workspace.getFile(p)!));
  if (units.length > 1) {
    const names = units.map((u) => {
      const header = u.flatMap((f) => f.document.items).find((i) => i.kind === 'CordappDecl');
      const name = header?.kind === 'CordappDecl' ? header.name.parts.map((p) => p.name).join('.') : '(none)';
      return `${name} (${u.map((f) => path.basename(f.path)).join(', ')})`;
    });
    throw new InputError(
      `"${dir}" holds ${units.length} CorDapps: ${names.join(' and ')}; a bundle is one CorDapp, so give each its own directory`,
    );
  }
  const results = time('check', () => workspace.check());
  const diagnostics = results
    .flatMap((r) => r.diagnostics.map((d) => ({ ...d, file: r.path })))
    .sort(compareDiagnostics);
  if (hasErrors(diagnostics)) {
    return { ok: false, diagnostics, texts: new Map(sources.map((s) => [s.path, s.text])) };
  }
  const unit = results[0]!.unit;
  if (!unit.name || !unit.version) {
    throw new InputError(
      `"${dir}" has no cordapp header: start one of its files with "cordapp com.example.name version 1.0.0"`,
    );
  }
  const relative = (file: string): string => toPosix(path.relative(sourceDir, file));

  // a CorDapp that imports the flow library carries the library's flows in its bundle: its nodes run them
  const library = await libraryResults(results);
  const flows = time('lower', () => [
    ...results.flatMap((r) =>
      lowerFile(r, relative(r.path)).map((ir) => ({ ir, fileDir: path.dirname(r.path) })),
    ),
    ...library.flatMap((r) => lowerFile(r, r.path).map((ir) => ({ ir, fileDir: libraryDir() }))),
  ]);
  const own = new Set(
    flows.filter((f) => !f.ir.file.startsWith(`${LIBRARY_SPECIFIER}/`)).map((f) => f.ir.name),
  );
  const clash = flows.find((f) => f.ir.file.startsWith(`${LIBRARY_SPECIFIER}/`) && own.has(f.ir.name));
  if (clash)
    throw new InputError(
      `the flow ${clash.ir.name} is declared both in the CorDapp and in the flow library (${clash.ir.file}): rename the CorDapp's`,
    );
  const withMachines = time('machines', () => {
    const generated = flows.map((f) => ({ ...f, machine: generateMachine(f.ir) as MachineArtifact }));
    // calls of inline sub-flows become states of the caller's machine (compiler/inline.ts)
    const inlined = inlineSubflows(generated);
    // and states that only pass control on are skipped by the transitions into them (compiler/fold.ts)
    return generated.map((f, i) => ({ ...f, machine: foldPassThroughStates(inlined[i]!) }));
  });

  const emitStart = performance.now();
  const emitInput = {
    name: unit.name,
    version: unit.version,
    sourceDir,
    flows: withMachines,
    types: collectTypes(
      [...results, ...library],
      flows.map((f) => f.ir),
    ),
  };
  const implementations = implementationsSource(emitInput);
  let flowsJs: string;
  try {
    flowsJs = await bundleImplementations(implementations, sourceDir);
  } catch (error) {
    throw new InputError(`cannot bundle the host modules: ${(error as Error).message.split('\n')[0]}`);
  }
  const flowsDts = clientApiSource(emitInput);
  timings.emit = performance.now() - emitStart;

  return time('bundle', () => {
    const files: Record<string, string> = {};
    for (const { machine } of withMachines)
      files[`machines/${machine.name}.json`] = canonicalJson(machine.config);
    files['flows.js'] = flowsJs;
    files['flows.d.ts'] = flowsDts;
    files['protocol.json'] = canonicalJson(
      Object.fromEntries(
        [
          ...results.map((r) => ({ r, file: relative(r.path) })),
          ...library.map((r) => ({ r, file: r.path })),
        ].flatMap(({ r, file }) => extractPrograms(r.document, r.typeInfo, file).map((p) => [p.flow, p])),
      ),
    );
    // the record and enum definitions the runtime checks parameters, messages and answers against
    files['types.json'] = canonicalJson(
      Object.fromEntries(
        [...emitInput.types.values()].map((type) => [typeToString(type), typeDefinition(type)]),
      ),
    );
    files['trace.json'] = canonicalJson(
      Object.fromEntries(withMachines.map(({ machine }) => [machine.name, machine.trace])),
    );

    const irs = flows.map((f) => f.ir);
    const responderOf = new Map(irs.filter((f) => f.respondsTo).map((f) => [f.respondsTo!, f.name]));
    const sourceHashes: Record<string, string> = {};
    for (const source of sources) sourceHashes[relative(source.path)] = sha256(source.text);
    for (const result of library) {
      sourceHashes[result.path] = sha256(workspaceText(result));
      for (const item of result.document.items) {
        if (item.kind !== 'ImportDecl' || !isHostSpecifier(item.source)) continue;
        const file = path.resolve(libraryDir(), item.source);
        if (existsSync(file))
          sourceHashes[`${LIBRARY_SPECIFIER}/${item.source.replace(/^\.\//, '')}`] = sha256(
            readFileSync(file),
          );
      }
    }
    for (const result of results) {
      for (const item of result.document.items) {
        if (item.kind !== 'ImportDecl' || !isHostSpecifier(item.source)) continue;
        if (item.source.startsWith(`${LIBRARY_SPECIFIER}/`)) continue; // hashed with the library's sources
        const file = path.resolve(path.dirname(result.path), item.source);
        if (existsSync(file)) sourceHashes[relative(file)] = sha256(readFileSync(file));
      }
    }
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      name: unit.name!,
      version: unit.version!,
      flows: irs.map((ir) => {
        const flow: BundleManifest['flows'][number] = {
          name: ir.name,
          kind: ir.kind,
          startable: ir.startable,
          protocolVersion: ir.version,
          file: ir.file,
          params: ir.params.map((p) => ({ name: p.name, type: p.typeText })),
          progress: ir.progress,
          machine: `machines/${ir.name}.json`,
        };
        if (ir.returnType) flow.returns = typeToString(ir.returnType);
        if (ir.respondsTo) flow.respondsTo = ir.respondsTo;
        const responder = responderOf.get(ir.name);
        if (responder) flow.responder = responder;
        return flow;
      }),
      files: Object.fromEntries(Object.entries(files).map(([p, content]) => [p, sha256(content)])),
      sources: sourceHashes,
      protocol: Object.fromEntries(
        irs
          .filter((ir) => ir.kind === 'initiating')
          .map((ir) => [
            ir.name,
            sha256(
              protocolSkeleton(
                ir,
                irs.find((r) => r.respondsTo === ir.name),
              ),
            ),
          ]),
      ),
    };
    files['manifest.json'] = canonicalJson(manifest);
    const key = options.signKey ? loadKey(options.signKey) : undefined;
    const bundle = packBundle(sortKeys(files), key);
    return {
      ok: true as const,
      name: unit.name!,
      version: unit.version!,
      files,
      bundleFile: `${unit.name}-${unit.version}.cordapp`,
      bundle,
      timings,
    };
  });
}

/** A record's fields or an enum's members, with field types written as in `.flow` (`List<Offer>`). */
function typeDefinition(type: Type): TypeDefinition {
  if (type.kind === 'enum') return { kind: 'enum', members: type.members };
  if (type.kind === 'record')
    return { kind: 'record', fields: type.fields.map((f) => ({ name: f.name, type: typeToString(f.type) })) };
  return { kind: 'opaque' };
}

/** The flow library's files, checked, when a file of the CorDapp imports it; a library with errors is refused. */
async function libraryResults(results: readonly FileCheckResult[]): Promise<FileCheckResult[]> {
  const imports = results.some((r) =>
    r.document.items.some((i) => i.kind === 'ImportDecl' && i.source === LIBRARY_SPECIFIER),
  );
  if (!imports) return [];
  const workspace = await workspaceFor(libraryFiles());
  const checked = workspace.check();
  const error = checked
    .flatMap((r) => r.diagnostics.map((d) => ({ ...d, file: r.path })))
    .find((d) => d.severity === 'error');
  if (error)
    throw new InputError(
      `the flow library does not check: ${error.file}:${error.range.line}:${error.range.column}: ${error.message}`,
    );
  return checked;
}

function workspaceText(result: FileCheckResult): string {
  return libraryFiles().find((f) => f.path === result.path)?.text ?? '';
}

function sortKeys(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((k) => [k, files[k]!]),
  );
}

function loadKey(file: string) {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`cannot read the signing key "${file}"`);
  }
  try {
    return readPrivateKey(pem);
  } catch (error) {
    throw new InputError(`"${file}" is not an Ed25519 private key: ${(error as Error).message}`);
  }
}

/**
 * Writes the unpacked view and the `.cordapp` into `out`: first into a fresh sibling directory, then swapped in,
 * so a crash never leaves a half-written bundle where a good one was.
 */
export function writeBuild(out: string, result: Extract<BuildResult, { ok: true }>): string[] {
  const target = path.resolve(out);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new InputError(`refusing to replace "${out}": it is a file, not a directory`);
  }
  if (
    existsSync(target) &&
    readdirSync(target).length > 0 &&
    !existsSync(path.join(target, 'manifest.json'))
  ) {
    throw new InputError(
      `refusing to replace "${out}": it is not empty and holds no earlier bundle (no manifest.json)`,
    );
  }
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const written: string[] = [];
  for (const [file, content] of Object.entries({ ...result.files, [result.bundleFile]: result.bundle })) {
    const full = path.join(staging, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
    written.push(file);
  }
  const previous = `${target}.previous-${process.pid}`;
  if (existsSync(target)) renameSync(target, previous);
  renameSync(staging, target);
  rmSync(previous, { recursive: true, force: true });
  return written.sort();
}
