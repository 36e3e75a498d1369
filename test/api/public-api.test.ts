// The public API, pinned: every export of `faultline` (index.ts) and `faultline/testing`
// (testing.ts) with its type, as the TypeScript checker sees it, in test/api/public-api.txt.
// A change to the surface (an export added, removed or retyped, a field of a public
// interface changed) fails here and shows as a diff of that file in review. After a
// deliberate change: UPDATE_API=1 npx vitest run test/api/public-api.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const snapshotPath = join(import.meta.dirname, 'public-api.txt');
const ENTRY_POINTS = [
  ['faultline', 'index.ts'],
  ['faultline/testing', 'testing.ts'],
] as const;

function compilerOptions(): ts.CompilerOptions {
  const configFile = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(configFile.config, ts.sys, root).options;
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
const FLAGS = ts.TypeFormatFlags.NoTruncation;

/** One export as text: a type's declaration (printed without comments), a value's type. */
function describeExport(checker: ts.TypeChecker, exported: ts.Symbol, within: ts.SourceFile): { text: string; internal: string[] } {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const parts: string[] = [];
  for (const decl of symbol.declarations ?? []) {
    const source = decl.getSourceFile();
    const file = source.fileName.slice(root.length + 1);
    if (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl) || ts.isEnumDeclaration(decl)) {
      parts.push(`${printer.printNode(ts.EmitHint.Unspecified, decl, source).replace(/^export /, '')}  // ${file}`);
    } else if (ts.isClassDeclaration(decl)) {
      const instance = checker.getDeclaredTypeOfSymbol(symbol);
      const members = checker
        .getPropertiesOfType(instance)
        .filter((p) => !p.name.startsWith('__') && !(ts.getCombinedModifierFlags(p.valueDeclaration ?? decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)))
        .map((p) => `  ${p.name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(p, decl), undefined, FLAGS)};`);
      const ctor = checker.getTypeOfSymbolAtLocation(symbol, decl).getConstructSignatures().map((s) => `  new ${checker.signatureToString(s, undefined, FLAGS)};`);
      const heritage = (decl.heritageClauses ?? []).map((h) => ` ${h.getText(source)}`).join('');
      parts.push(`class ${exported.name}${heritage} {\n${[...ctor, ...members].join('\n')}\n}  // ${file}`);
    } else if (ts.isFunctionDeclaration(decl)) {
      const signature = checker.getSignatureFromDeclaration(decl)!;
      parts.push(`function ${exported.name}${checker.signatureToString(signature, undefined, FLAGS)}  // ${file}`);
    } else if (ts.isVariableDeclaration(decl)) {
      parts.push(`const ${exported.name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, decl), undefined, FLAGS)}  // ${file}`);
    } else {
      parts.push(`${ts.SyntaxKind[decl.kind]} ${exported.name}  // ${file}`);
    }
  }
  void within;
  return { text: parts.join('\n'), internal: [] };
}

function publicSurface(): string {
  const program = ts.createProgram(ENTRY_POINTS.map(([, file]) => join(root, file)), compilerOptions());
  const checker = program.getTypeChecker();
  const out: string[] = [];
  for (const [specifier, file] of ENTRY_POINTS) {
    const source = program.getSourceFile(join(root, file))!;
    const moduleSymbol = checker.getSymbolAtLocation(source)!;
    const exports = checker.getExportsOfModule(moduleSymbol).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    out.push(`// ---- ${specifier} (${file}): ${exports.length} exports`);
    for (const exported of exports) out.push(describeExport(checker, exported, source).text, '');
  }
  return `${out.join('\n').trimEnd()}\n`.replaceAll(root, '<root>');
}

/**
 * Types of ours that an exported declaration names but neither entry point exports: a user
 * project's `tsc` sees them, but cannot name them. Each should be exported.
 */
function unexportedReferences(): string[] {
  const program = ts.createProgram(ENTRY_POINTS.map(([, file]) => join(root, file)), compilerOptions());
  const checker = program.getTypeChecker();
  const exported = new Set<ts.Symbol>();
  const declarations: ts.Declaration[] = [];
  for (const [, file] of ENTRY_POINTS) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(join(root, file))!)!;
    for (const e of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      exported.add(symbol);
      declarations.push(...(symbol.declarations ?? []));
    }
  }
  const missing = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node)) {
      // Signatures only: a body's local types are not part of the surface.
      for (const p of node.parameters) visit(p);
      if (node.type) visit(node.type);
      for (const t of node.typeParameters ?? []) visit(t);
      return;
    }
    if (ts.isVariableDeclaration(node)) {
      if (node.type) visit(node.type);
      return;
    }
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      let symbol = checker.getSymbolAtLocation(name);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      const decl = symbol?.declarations?.[0];
      if (symbol && decl && !(symbol.flags & ts.SymbolFlags.TypeParameter)) {
        const file = decl.getSourceFile().fileName;
        if (file.startsWith(root) && !file.includes('node_modules') && !exported.has(symbol)) missing.add(`${symbol.name} (${file.slice(root.length + 1)})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const decl of declarations) visit(decl);
  return [...missing].sort();
}

describe('the public API', () => {
  it('is the pinned surface (test/api/public-api.txt)', () => {
    const surface = publicSurface();
    if (process.env.UPDATE_API === '1') writeFileSync(snapshotPath, surface);
    const pinned = readFileSync(snapshotPath, 'utf8');
    expect(surface).toBe(pinned);
  }, 60_000);

  it('names no type of ours that it does not export', () => {
    // Built-in models' state types (a user checks with the model, never builds its state),
    // and the runner's local alias of the checker's LinearizabilityResult (exported).
    const internal = ['Elements', 'KvMap', 'KvValue', 'Members', 'Possible', 'Registers', 'LinearizabilityResult (scenario/runner.ts)'];
    expect(unexportedReferences().filter((name) => !internal.some((i) => name === i || name.startsWith(`${i} (`)))).toEqual([]);
  }, 60_000);
});
