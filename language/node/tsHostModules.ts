/**
 * The node implementation of `HostModules`: reads host TypeScript modules with ts-morph and maps their exported
 * functions and types to DSL types.
 *
 * Mapping rules, in short (see `mapTypeNode` and `mapTsType`):
 * - a written type reference whose last identifier is a DSL primitive name (`Int`, `host.Decimal`, …) is that
 *   primitive, whatever the alias expands to (TypeScript erases aliases of primitives, so the written node wins);
 * - `string` → String, `boolean` → Bool, `number` → Decimal, `bigint` → Int, `Date` → Instant,
 *   `void`/`undefined` → Unit, `never` → Nothing;
 * - `T[]`, `readonly T[]`, `Array<T>`, `ReadonlyArray<T>` → List<T>;
 * - interfaces and object type aliases (inherited members included, methods skipped) → host records, a type
 *   that refers to itself becomes an opaque type of that name at the recursion point;
 * - a type alias of a union of string literals → enum (an unnamed union of string literals is just String);
 * - classes, library types (`Map`, `Promise` outside a result, …), other unions (`T | undefined`), tuples,
 *   function types … → opaque, named by their text, with mapped type arguments; `any`/`unknown` → opaque.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import {
  Node,
  Project,
  SyntaxKind,
  ts,
  type InterfaceDeclaration,
  type ParameterDeclaration,
  type SourceFile,
  type Symbol as TsSymbol,
  type Type as TsType,
  type TypeAliasDeclaration,
  type TypeNode,
} from 'ts-morph';
import { LIBRARY_SPECIFIER } from '../checker/program.js';
import type { HostFunction, HostModule, HostModuleResult, HostModules } from '../hostModules.js';
import { packageRoot } from './process.js';
import {
  PRIMITIVE_TYPE_NAMES,
  T,
  typeToString,
  type PrimitiveName,
  type RecordFieldType,
  type Type,
} from '../types.js';

export interface TsHostModulesOptions {
  /** Directory that cwd-relative `.flow` paths are resolved against (default: `process.cwd()`). */
  baseDir?: string;
}

interface CacheEntry {
  /** The module file and every file whose declarations were read while mapping it, with their stamps. */
  stamps: Map<string, string>;
  result: HostModuleResult;
}

const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];

export function createTsHostModules(options: TsHostModulesOptions = {}): HostModules {
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  let project: Project | undefined;
  const cache = new Map<string, CacheEntry>();
  /** Stamps of the files as the project last read them, to refresh only the files that changed on disk. */
  const projectStamps = new Map<string, string>();

  function getProject(): Project {
    project ??= new Project({
      skipAddingFilesFromTsConfig: true,
      compilerOptions: {
        strict: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        allowImportingTsExtensions: true,
        noEmit: true,
        // Without DOM: the checker starts about three times faster, and host modules are server code.
        lib: ['lib.es2022.d.ts'],
        types: [],
      },
    });
    return project;
  }

  /** Re-reads every project file whose stamp changed since the project read it. */
  function refreshChangedFiles(p: Project): void {
    for (const sourceFile of p.getSourceFiles()) {
      if (sourceFile.isInNodeModules()) continue;
      const filePath = sourceFile.getFilePath();
      const stamp = fileStamp(filePath);
      if (stamp === projectStamps.get(filePath)) continue;
      if (stamp === undefined) {
        projectStamps.delete(filePath);
        p.removeSourceFile(sourceFile);
      } else {
        sourceFile.refreshFromFileSystemSync();
        projectStamps.set(filePath, stamp);
      }
    }
  }

  function loadResolved(specifier: string, filePath: string, stamp: string): HostModuleResult {
    const cached = cache.get(filePath);
    if (
      cached &&
      [...cached.stamps].every(([file, s]) => (file === filePath ? stamp : fileStamp(file)) === s)
    ) {
      return cached.result;
    }

    const p = getProject();
    refreshChangedFiles(p);
    let sourceFile = p.getSourceFile(filePath);
    if (!sourceFile) {
      sourceFile = p.addSourceFileAtPath(filePath);
      projectStamps.set(filePath, stamp);
      for (const dependency of p.resolveSourceFileDependencies()) {
        const dependencyStamp = fileStamp(dependency.getFilePath());
        if (dependencyStamp !== undefined) projectStamps.set(dependency.getFilePath(), dependencyStamp);
      }
    }

    const stamps = new Map<string, string>([[filePath, stamp]]);
    const syntaxError = firstSyntaxError(sourceFile);
    const result: HostModuleResult = syntaxError
      ? { ok: false, error: `Host module "${specifier}" (${filePath}) has a syntax error: ${syntaxError}` }
      : { ok: true, module: readModule(sourceFile, filePath, stamps) };
    cache.set(filePath, { stamps, result });
    return result;
  }

  return {
    load(fromFile, specifier) {
      try {
        // the flow library's files are named "flows:std/NAME.flow"; their host modules are beside them
        const fromDir = fromFile.startsWith(`${LIBRARY_SPECIFIER}/`)
          ? libraryDir()
          : path.dirname(path.resolve(baseDir, fromFile));
        // "flows:std/NAME.ts": a host module of the flow library (its transaction and cash functions)
        const library = specifier.startsWith(`${LIBRARY_SPECIFIER}/`);
        const candidates = candidatePaths(
          library
            ? path.join(libraryDir(), specifier.slice(LIBRARY_SPECIFIER.length + 1))
            : path.resolve(fromDir, specifier),
        );
        for (const candidate of candidates) {
          const stamp = fileStamp(candidate);
          if (stamp !== undefined) return loadResolved(specifier, candidate, stamp);
        }
        return { ok: false, error: `Cannot find host module "${specifier}": no file at ${candidates[0]}.` };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          error: `Cannot read host module "${specifier}": ${reason.trim().replace(/\.$/, '')}.`,
        };
      }
    },
  };
}

/** Where the flow library's `.flow` files and their host modules live. */
export function libraryDir(): string {
  return path.join(packageRoot(), 'runtime', 'library');
}

/** The files a specifier may name: itself if it has a TypeScript extension, else with `.ts` (or `.js` → `.ts`). */
function candidatePaths(resolved: string): string[] {
  const extension = path.extname(resolved);
  if (TS_EXTENSIONS.includes(extension)) return [resolved];
  if (extension === '.js' || extension === '.mjs' || extension === '.cjs') {
    return [resolved.slice(0, -extension.length) + extension.replace('js', 'ts')];
  }
  return [`${resolved}.ts`, path.join(resolved, 'index.ts')];
}

/** `mtime:size` of a regular file, or undefined when there is no such file. */
function fileStamp(filePath: string): string | undefined {
  const stats = statSync(filePath, { throwIfNoEntry: false });
  if (!stats || !stats.isFile()) return undefined;
  return `${stats.mtimeMs}:${stats.size}`;
}

function firstSyntaxError(sourceFile: SourceFile): string | undefined {
  const parseDiagnostics = (
    sourceFile.compilerNode as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }
  ).parseDiagnostics;
  const diagnostic = parseDiagnostics?.[0];
  if (!diagnostic) return undefined;
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  if (diagnostic.start === undefined) return `${message}.`;
  const { line, character } = sourceFile.compilerNode.getLineAndCharacterOfPosition(diagnostic.start);
  return `${message.replace(/\.$/, '')} (line ${line + 1}, column ${character + 1}).`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a module

function readModule(sourceFile: SourceFile, filePath: string, stamps: Map<string, string>): HostModule {
  const mapper = new TypeMapper(sourceFile, stamps);
  const functions = new Map<string, HostFunction>();
  const types = new Map<string, Type>();

  for (const [name, declarations] of sourceFile.getExportedDeclarations()) {
    for (const declaration of declarations) {
      mapper.noteFile(declaration.getSourceFile());
      if (Node.isFunctionDeclaration(declaration)) {
        if (!functions.has(name)) functions.set(name, mapper.functionFrom(name, declaration));
      } else if (Node.isVariableDeclaration(declaration)) {
        const fn = functionLikeOfVariable(declaration);
        if (fn && !functions.has(name)) functions.set(name, mapper.functionFrom(name, fn));
      } else if (Node.isInterfaceDeclaration(declaration) || Node.isTypeAliasDeclaration(declaration)) {
        if (!types.has(name)) types.set(name, mapper.declaredType(name, declaration));
      } else if (Node.isClassDeclaration(declaration)) {
        if (!types.has(name))
          types.set(name, { kind: 'opaque', name: declaration.getName() ?? name, args: [] });
      }
    }
  }
  return { path: filePath, functions, types };
}

type FunctionLike = Node & {
  getParameters(): ParameterDeclaration[];
  getReturnTypeNode(): TypeNode | undefined;
  getReturnType(): TsType;
};

function isFunctionLike(node: Node | undefined): node is FunctionLike {
  return (
    node !== undefined &&
    (Node.isFunctionDeclaration(node) ||
      Node.isArrowFunction(node) ||
      Node.isFunctionExpression(node) ||
      Node.isFunctionTypeNode(node) ||
      Node.isMethodDeclaration(node) ||
      Node.isMethodSignature(node) ||
      Node.isCallSignatureDeclaration(node))
  );
}

/** `export const f = (…) => …`, `= function (…) {…}`, `const f: (…) => R = …`, or `const f = g`. */
function functionLikeOfVariable(declaration: Node): FunctionLike | undefined {
  if (!Node.isVariableDeclaration(declaration)) return undefined;
  let initializer = declaration.getInitializer();
  while (
    initializer &&
    (Node.isParenthesizedExpression(initializer) ||
      Node.isAsExpression(initializer) ||
      Node.isSatisfiesExpression(initializer))
  ) {
    initializer = initializer.getExpression();
  }
  if (isFunctionLike(initializer)) return initializer;
  const typeNode = declaration.getTypeNode();
  if (isFunctionLike(typeNode)) return typeNode;
  const signatures = declaration.getType().getCallSignatures();
  const signatureDeclaration = signatures.length === 1 ? signatures[0]!.getDeclaration() : undefined;
  return isFunctionLike(signatureDeclaration) ? signatureDeclaration : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Mapping types

type Environment = ReadonlyMap<string, Type>;
const EMPTY_ENVIRONMENT: Environment = new Map();

function isPrimitiveName(name: string): name is PrimitiveName {
  return (PRIMITIVE_TYPE_NAMES as readonly string[]).includes(name);
}

function primitive(name: PrimitiveName): Type {
  return { kind: 'primitive', name };
}

function opaque(name: string, args: Type[] = []): Type {
  return { kind: 'opaque', name, args };
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The last identifier of a type reference's name: `Int` for `Int` and for `host.Int`. */
function referenceName(node: TypeNode): string | undefined {
  if (!Node.isTypeReference(node)) return undefined;
  const typeName = node.getTypeName();
  return Node.isQualifiedName(typeName) ? typeName.getRight().getText() : typeName.getText();
}

function isFlowContextParameter(parameter: ParameterDeclaration): boolean {
  const typeNode = parameter.getTypeNode();
  return typeNode !== undefined && referenceName(typeNode) === 'FlowContext';
}

function isLibraryFile(sourceFile: SourceFile): boolean {
  return (
    sourceFile.isInNodeModules() ||
    sourceFile.isFromExternalLibrary() ||
    sourceFile.getProject().getProgram().compilerObject.isSourceFileDefaultLibrary(sourceFile.compilerNode)
  );
}

function propertyName(node: Node): string {
  const nameNode = (node as Node & { getNameNode?(): Node }).getNameNode?.();
  if (nameNode && (Node.isStringLiteral(nameNode) || Node.isNoSubstitutionTemplateLiteral(nameNode))) {
    return nameNode.getLiteralText();
  }
  return nameNode?.getText() ?? node.getText();
}

type NamedDeclaration = InterfaceDeclaration | TypeAliasDeclaration;

class TypeMapper {
  /** Named declarations being mapped, to stop at a type that refers to itself. */
  private readonly inProgress = new Set<Node>();

  constructor(
    private readonly sourceFile: SourceFile,
    private readonly stamps: Map<string, string>,
  ) {}

  /** Remembers a file read while mapping, so a change to it invalidates the cached module. */
  noteFile(sourceFile: SourceFile): void {
    const filePath = sourceFile.getFilePath();
    if (this.stamps.has(filePath) || isLibraryFile(sourceFile)) return;
    const stamp = fileStamp(filePath);
    if (stamp !== undefined) this.stamps.set(filePath, stamp);
  }

  functionFrom(name: string, fn: FunctionLike): HostFunction {
    let parameters = fn.getParameters();
    const context = parameters[0] !== undefined && isFlowContextParameter(parameters[0]);
    if (context) parameters = parameters.slice(1);
    const params = parameters.map((parameter, index) => ({
      name: Node.isIdentifier(parameter.getNameNode()) ? parameter.getName() : `arg${index + 1}`,
      type: this.parameterType(parameter),
      optional: parameter.hasQuestionToken() || parameter.hasInitializer() || parameter.isRestParameter(),
    }));
    const { result, async } = this.resultOf(fn);
    return context ? { name, params, result, async, context } : { name, params, result, async };
  }

  private parameterType(parameter: ParameterDeclaration): Type {
    const typeNode = parameter.getTypeNode();
    if (typeNode) return this.mapTypeNode(typeNode, EMPTY_ENVIRONMENT);
    return this.mapTsType(parameter.getType(), parameter);
  }

  private resultOf(fn: FunctionLike): { result: Type; async: boolean } {
    const typeNode = fn.getReturnTypeNode();
    if (typeNode) {
      if (referenceName(typeNode) === 'Promise' && Node.isTypeReference(typeNode)) {
        const [argument] = typeNode.getTypeArguments();
        return { async: true, result: argument ? this.resultType(argument) : T.unit };
      }
      return { async: false, result: this.resultType(typeNode) };
    }
    const type = fn.getReturnType();
    const symbol = type.getSymbol();
    if (symbol?.getName() === 'Promise' && type.getTypeArguments().length === 1) {
      return { async: true, result: this.mapTsType(type.getTypeArguments()[0]!, fn) };
    }
    return { async: false, result: this.mapTsType(type, fn) };
  }

  private resultType(typeNode: TypeNode): Type {
    return this.mapTypeNode(typeNode, EMPTY_ENVIRONMENT);
  }

  /** An exported interface or type alias as the module's `types` entry. */
  declaredType(name: string, declaration: NamedDeclaration): Type {
    if (isPrimitiveName(name)) return primitive(name);
    return this.mapDeclaration(declaration, EMPTY_ENVIRONMENT, []);
  }

  // --- from written type nodes -------------------------------------------------------------------------------

  mapTypeNode(node: TypeNode, env: Environment): Type {
    switch (node.getKind()) {
      case SyntaxKind.StringKeyword:
        return T.String;
      case SyntaxKind.BooleanKeyword:
        return T.Bool;
      case SyntaxKind.NumberKeyword:
        return T.Decimal;
      case SyntaxKind.BigIntKeyword:
        return T.Int;
      case SyntaxKind.VoidKeyword:
      case SyntaxKind.UndefinedKeyword:
        return T.unit;
      case SyntaxKind.NeverKeyword:
        return T.nothing;
      case SyntaxKind.AnyKeyword:
        return opaque('any');
      case SyntaxKind.UnknownKeyword:
        return opaque('unknown');
    }
    if (Node.isParenthesizedTypeNode(node)) return this.mapTypeNode(node.getTypeNode(), env);
    if (Node.isArrayTypeNode(node)) return T.list(this.mapTypeNode(node.getElementTypeNode(), env));
    if (Node.isTypeOperatorTypeNode(node) && node.getOperator() === SyntaxKind.ReadonlyKeyword) {
      const inner = node.getTypeNode();
      if (Node.isArrayTypeNode(inner) || Node.isTupleTypeNode(inner)) return this.mapTypeNode(inner, env);
    }
    if (Node.isLiteralTypeNode(node)) {
      const literal = node.getLiteral();
      if (Node.isStringLiteral(literal) || Node.isNoSubstitutionTemplateLiteral(literal)) return T.String;
      if (Node.isNumericLiteral(literal) || Node.isPrefixUnaryExpression(literal)) return T.Decimal;
      if (Node.isTrueLiteral(literal) || Node.isFalseLiteral(literal)) return T.Bool;
      if (literal.getKind() === SyntaxKind.NullKeyword) return opaque('null');
    }
    if (Node.isUnionTypeNode(node)) {
      const members = node.getTypeNodes();
      if (members.every((member) => stringLiteralOf(member) !== undefined)) return T.String;
      return this.fallbackFromNode(node);
    }
    if (Node.isTypeLiteral(node)) {
      return {
        kind: 'record',
        name: collapse(node.getText()),
        origin: 'host',
        fields: this.membersOf(node, env),
      };
    }
    if (Node.isTypeReference(node)) return this.mapTypeReference(node, env);
    return this.fallbackFromNode(node);
  }

  private mapTypeReference(node: TypeNode & { getTypeArguments(): TypeNode[] }, env: Environment): Type {
    const name = referenceName(node)!;
    const typeArguments = node.getTypeArguments();
    if (isPrimitiveName(name)) return primitive(name);
    if (typeArguments.length === 0 && env.has(name)) return env.get(name)!;

    if ((name === 'Array' || name === 'ReadonlyArray') && typeArguments.length === 1) {
      return T.list(this.mapTypeNode(typeArguments[0]!, env));
    }
    if (name === 'Date' && typeArguments.length === 0) return T.Instant;

    const args = typeArguments.map((argument) => this.mapTypeNode(argument, env));
    const declaration = this.declarationOf(
      Node.isTypeReference(node) ? node.getTypeName().getSymbol() : undefined,
    );
    if (!declaration) return opaque(name, args);
    if (Node.isTypeParameterDeclaration(declaration)) return opaque(name);
    const declarationFile = declaration.getSourceFile();
    if (isLibraryFile(declarationFile)) return opaque(name, args);
    this.noteFile(declarationFile);
    if (Node.isInterfaceDeclaration(declaration) || Node.isTypeAliasDeclaration(declaration)) {
      return this.mapDeclaration(declaration, this.bind(declaration, args), args);
    }
    return opaque(declarationName(declaration) ?? name, args);
  }

  /** The environment for a generic declaration: its type parameters bound to the mapped arguments. */
  private bind(declaration: NamedDeclaration, args: Type[]): Environment {
    const parameters = declaration.getTypeParameters();
    if (parameters.length === 0) return EMPTY_ENVIRONMENT;
    const env = new Map<string, Type>();
    parameters.forEach((parameter, index) => {
      const fallback = parameter.getDefault();
      const bound = args[index] ?? (fallback ? this.mapTypeNode(fallback, env) : opaque(parameter.getName()));
      env.set(parameter.getName(), bound);
    });
    return env;
  }

  /**
   * An interface or type alias with its type parameters bound in `env`. `args` only serve to name the record of a
   * generic instantiation (`Page<Order>`, `Page<Decimal>`), so that different instantiations are different records.
   */
  mapDeclaration(declaration: NamedDeclaration, env: Environment, args: Type[]): Type {
    const baseName = declaration.getName();
    if (isPrimitiveName(baseName)) return primitive(baseName);
    const name = args.length === 0 ? baseName : `${baseName}<${args.map(typeToString).join(', ')}>`;
    if (this.inProgress.has(declaration)) return opaque(name);
    this.inProgress.add(declaration);
    try {
      if (Node.isInterfaceDeclaration(declaration)) {
        return { kind: 'record', name, origin: 'host', fields: this.interfaceFields(declaration, env) };
      }
      const aliased = declaration.getTypeNode();
      if (!aliased) return opaque(name);
      if (Node.isUnionTypeNode(aliased)) {
        const members = aliased.getTypeNodes().map(stringLiteralOf);
        if (members.every((member) => member !== undefined)) {
          return { kind: 'enum', name, members: [...new Set(members as string[])] };
        }
      }
      const single = stringLiteralOf(aliased);
      if (single !== undefined) return { kind: 'enum', name, members: [single] };
      if (Node.isTypeLiteral(aliased)) {
        return { kind: 'record', name, origin: 'host', fields: this.membersOf(aliased, env) };
      }
      const mapped = this.mapTypeNode(aliased, env);
      // An alias of something with no DSL equivalent keeps the alias's name, which is what the user wrote.
      if (mapped.kind === 'opaque' && !Node.isTypeReference(aliased)) {
        return opaque(baseName, args);
      }
      return mapped;
    } finally {
      this.inProgress.delete(declaration);
    }
  }

  /** Own and inherited (`extends`) property fields of an interface; own ones win. */
  private interfaceFields(declaration: InterfaceDeclaration, env: Environment): RecordFieldType[] {
    const fields = new Map<string, Type>();
    for (const heritage of declaration.getExtends()) {
      const base = this.declarationOf(heritage.getExpression().getSymbol());
      if (!base || !Node.isInterfaceDeclaration(base) || isLibraryFile(base.getSourceFile())) continue;
      if (this.inProgress.has(base)) continue;
      this.noteFile(base.getSourceFile());
      const args = heritage.getTypeArguments().map((argument) => this.mapTypeNode(argument, env));
      this.inProgress.add(base);
      try {
        for (const field of this.interfaceFields(base, this.bind(base, args)))
          fields.set(field.name, field.type);
      } finally {
        this.inProgress.delete(base);
      }
    }
    for (const field of this.membersOf(declaration, env)) fields.set(field.name, field.type);
    return [...fields].map(([name, type]) => ({ name, type }));
  }

  /** Property members of an interface or a type literal (methods, index and call signatures are skipped). */
  private membersOf(node: Node, env: Environment): RecordFieldType[] {
    const fields: RecordFieldType[] = [];
    const members = Node.isInterfaceDeclaration(node) || Node.isTypeLiteral(node) ? node.getMembers() : [];
    for (const member of members) {
      if (!Node.isPropertySignature(member)) continue;
      const typeNode = member.getTypeNode();
      const type = typeNode ? this.mapTypeNode(typeNode, env) : opaque('any');
      fields.push({ name: propertyName(member), type });
    }
    return fields;
  }

  private declarationOf(symbol: TsSymbol | undefined): Node | undefined {
    if (!symbol) return undefined;
    const target = symbol.isAlias() ? symbol.getAliasedSymbol() : symbol;
    const declarations = (target ?? symbol).getDeclarations();
    return (
      declarations.find((d) => Node.isInterfaceDeclaration(d) || Node.isTypeAliasDeclaration(d)) ??
      declarations[0]
    );
  }

  /** A written type with no direct rule (tuples, function types, `keyof`, other unions …): through the checker. */
  private fallbackFromNode(node: TypeNode): Type {
    const type = node.getType();
    if (type.isBoolean()) return T.Bool;
    if (type.isUnion() && type.getUnionTypes().every((member) => member.isStringLiteral())) return T.String;
    if (type.isUnion() || type.isTuple() || type.getCallSignatures().length > 0 || type.isIntersection()) {
      return opaque(collapse(node.getText()));
    }
    return this.mapTsType(type, node);
  }

  // --- from checker types (inferred results, parameters without a written type) --------------------------------

  mapTsType(type: TsType, at: Node): Type {
    if (type.isEnum()) return opaque(type.getSymbol()?.getName() ?? this.textOf(type, at));
    if (type.isEnumLiteral()) return opaque(this.textOf(type, at));
    if (type.isString() || type.isStringLiteral() || type.isTemplateLiteral()) return T.String;
    if (type.isBoolean() || type.isBooleanLiteral()) return T.Bool;
    if (type.isNumber() || type.isNumberLiteral()) return T.Decimal;
    if (type.isBigInt() || type.isBigIntLiteral()) return T.Int;
    if (type.isVoid() || type.isUndefined()) return T.unit;
    if (type.isNever()) return T.nothing;
    if (type.isAny()) return opaque('any');
    if (type.isUnknown()) return opaque('unknown');
    if (type.isNull()) return opaque('null');

    const aliasSymbol = type.getAliasSymbol();
    if (aliasSymbol) {
      if (isPrimitiveName(aliasSymbol.getName())) return primitive(aliasSymbol.getName() as PrimitiveName);
      const alias = aliasSymbol.getDeclarations().find((d) => Node.isTypeAliasDeclaration(d));
      if (alias && Node.isTypeAliasDeclaration(alias) && !isLibraryFile(alias.getSourceFile())) {
        this.noteFile(alias.getSourceFile());
        const args = type.getAliasTypeArguments().map((argument) => this.mapTsType(argument, at));
        return this.mapDeclaration(alias, this.bind(alias, args), args);
      }
    }

    if (type.isUnion()) {
      if (type.getUnionTypes().every((member) => member.isStringLiteral())) return T.String;
      return opaque(this.textOf(type, at));
    }
    if (type.isArray() || type.isReadonlyArray()) {
      const element = type.getArrayElementType() ?? type.getTypeArguments()[0];
      return T.list(element ? this.mapTsType(element, at) : opaque('unknown'));
    }

    const symbol = type.getSymbol();
    const typeArguments = type.getTypeArguments().map((argument) => this.mapTsType(argument, at));
    if (symbol) {
      const name = symbol.getName();
      if (name === 'Date' && typeArguments.length === 0) return T.Instant;
      const declaration = this.declarationOf(symbol);
      if (declaration && !isLibraryFile(declaration.getSourceFile())) {
        this.noteFile(declaration.getSourceFile());
        if (Node.isInterfaceDeclaration(declaration)) {
          return this.mapDeclaration(declaration, this.bind(declaration, typeArguments), typeArguments);
        }
        if (Node.isClassDeclaration(declaration)) return opaque(declaration.getName() ?? name, typeArguments);
        if (Node.isTypeLiteral(declaration) || Node.isObjectLiteralExpression(declaration)) {
          return this.anonymousRecord(type, at);
        }
      }
      if (type.isAnonymous() && !type.getCallSignatures().length && type.getProperties().length > 0) {
        return this.anonymousRecord(type, at);
      }
      if (!type.isAnonymous()) return opaque(name, typeArguments);
    }
    return opaque(this.textOf(type, at));
  }

  private anonymousRecord(type: TsType, at: Node): Type {
    const name = this.textOf(type, at);
    const fields = type.getProperties().map((property) => {
      const declaration = property.getDeclarations()[0];
      const typeNode =
        declaration && Node.isPropertySignature(declaration) ? declaration.getTypeNode() : undefined;
      return {
        name: property.getName(),
        type: typeNode
          ? this.mapTypeNode(typeNode, EMPTY_ENVIRONMENT)
          : this.mapTsType(property.getTypeAtLocation(at), at),
      };
    });
    return { kind: 'record', name, origin: 'host', fields };
  }

  private textOf(type: TsType, at: Node): string {
    return collapse(type.getText(at.getSourceFile() === this.sourceFile ? at : undefined));
  }
}

function declarationName(declaration: Node): string | undefined {
  const named = declaration as Node & { getName?(): string | undefined };
  return typeof named.getName === 'function' ? named.getName() : undefined;
}

function stringLiteralOf(node: TypeNode): string | undefined {
  if (!Node.isLiteralTypeNode(node)) return undefined;
  const literal = node.getLiteral();
  return Node.isStringLiteral(literal) || Node.isNoSubstitutionTemplateLiteral(literal)
    ? literal.getLiteralText()
    : undefined;
}
