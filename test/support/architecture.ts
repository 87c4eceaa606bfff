// The architecture checker behind test/architecture.test.ts (ARCHITECTURE.md, "Rules"): a
// static reading of every file's imports and string literals with the TypeScript compiler's
// parser (no type-checking, no execution), checked against rules given as plain data, so the
// test can run it over the project and over small in-memory fixtures alike.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export type Rule = 'pure-core-io' | 'pure-core-missing' | 'foreign-store' | 'sql-outside-store' | 'foreign-table' | 'unowned-table' | 'web-imports-server';

export interface Violation {
  rule: Rule;
  /** Repository-relative path, '/' separated. */
  file: string;
  line: number;
  detail: string;
}

export interface PureCore {
  file: string;
  /** Not written yet: checked once it exists (a listed file that is not planned must exist). */
  planned?: boolean;
}

export interface Architecture {
  /** Files that take plain data and do no I/O, not even through what they import. Files named *.pure.ts are pure cores too. */
  pureCores: PureCore[];
  /** Node built-ins that are I/O (with or without the node: prefix). */
  ioBuiltins: string[];
  /** npm packages that are I/O (a database, a server, a process). */
  ioPackages: RegExp[];
  /** Project files that are I/O whatever they import (the database, stores, the ledger's writer, the HTTP app). */
  ioFiles: RegExp[];
  /** Modules a pure core may import though they read a file: constant reference data shipped with the code, read once. */
  referenceData: string[];
  /** Files besides *store.ts where SQL may be written (the db and ledger layers). */
  sqlAllowed: RegExp[];
  /** Each table's owner: a capability folder under src/ (or 'ledger', 'db'); only its stores name it in SQL. */
  tables: Record<string, string[]>;
  /** Where SQL may name any table (migrations, the migration runner). */
  anyTable: RegExp[];
  /** Files outside web/ that web/src may import (the API's contract: types and constants); each must be a pure core. */
  webShared: string[];
  /** Packages web/src must never import (server code). */
  serverPackages: RegExp[];
}

export interface ProjectFile {
  path: string;
  text: string;
}

interface Import {
  spec: string;
  typeOnly: boolean;
  line: number;
}

interface Parsed {
  imports: Import[];
  /** Every string and template literal (template holes as ` ? `), with its line. */
  literals: { text: string; line: number }[];
  /** Lines where the file names the process's globals a pure core must not touch. */
  ambient: { name: string; line: number }[];
}

const AMBIENT = new Set(['process', 'fetch']);

function parse(file: ProjectFile): Parsed {
  const sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Parsed = { imports: [], literals: [], ambient: [] };
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const specifiers = new Set<ts.Node>();
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      specifiers.add(n.moduleSpecifier);
      // `import type` is erased; `import { type A }` is not (verbatimModuleSyntax keeps the import)
      out.imports.push({ spec: n.moduleSpecifier.text, typeOnly: n.importClause?.isTypeOnly === true, line: line(n) });
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      specifiers.add(n.moduleSpecifier);
      out.imports.push({ spec: n.moduleSpecifier.text, typeOnly: n.isTypeOnly, line: line(n) });
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) {
      specifiers.add(n.arguments[0]);
      out.imports.push({ spec: n.arguments[0].text, typeOnly: false, line: line(n) });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      specifiers.add(n.argument.literal);
      out.imports.push({ spec: n.argument.literal.text, typeOnly: true, line: line(n) });
    } else if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && !specifiers.has(n)) {
      out.literals.push({ text: n.text, line: line(n) });
    } else if (ts.isTemplateExpression(n)) {
      out.literals.push({ text: n.head.text + n.templateSpans.map((s) => ` ? ${s.literal.text}`).join(''), line: line(n) });
    } else if (ts.isIdentifier(n) && AMBIENT.has(n.text)) {
      const p = n.parent;
      const isName = (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p);
      if (!isName) out.ambient.push({ name: n.text, line: line(n) });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** SQL as this project writes it: upper-case keywords. A statement's start, or a query's shape anywhere in the text. */
const SQL_START =
  /^\s*\(?\s*(SELECT\s|INSERT\s+INTO\s|UPDATE\s+\w+(\s+AS\s+\w+)?\s+SET\s|DELETE\s+FROM\s|WITH\s+(RECURSIVE\s+)?\w+\s+AS\s*\(|SET\s+(TRANSACTION|LOCAL|SESSION)\s|(ANALYZE|VACUUM)\s*;?\s*$|(LISTEN|UNLISTEN|NOTIFY)\s+\w+|CREATE\s+(TABLE|INDEX|UNIQUE|EXTENSION|FUNCTION|OR\s+REPLACE|TEMP)\s|ALTER\s+TABLE\s|DROP\s+(TABLE|INDEX|FUNCTION)\s|TRUNCATE\s|COPY\s+\w+|LOCK\s+TABLE\s|EXISTS\s*\(\s*SELECT\s)/;
const SQL_ANYWHERE = /\bSELECT\s[\s\S]*\bFROM\s+[a-z_(]|\bINSERT\s+INTO\s+[a-z_]|\bDELETE\s+FROM\s+[a-z_]|\bUPDATE\s+[a-z_][a-z0-9_]*\s+SET\s/;
export const looksLikeSql = (text: string): boolean => SQL_START.test(text) || SQL_ANYWHERE.test(text);

const TABLE_REF = /\b(?:FROM|JOIN|UPDATE|INTO|TABLE)\s+(?:ONLY\s+|IF\s+(?:NOT\s+)?EXISTS\s+)?([a-z_][a-z0-9_]*)/gi;
const CREATE_TABLE = /\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)/gi;

const isTest = (p: string) => /\.test\.ts$/.test(p) || p.startsWith('test/');
const isStore = (p: string) => path.posix.basename(p).endsWith('store.ts');
/** The first folder under src/ ('' for src/*.ts); null outside src/. */
const folderOf = (p: string): string | null => (p.startsWith('src/') ? (p.slice(4).includes('/') ? p.slice(4).split('/')[0] : '') : null);
const bare = (spec: string) => !spec.startsWith('.') && !spec.startsWith('/');
const builtin = (spec: string) => (spec.startsWith('node:') ? spec.slice(5) : spec);

export function check(files: ProjectFile[], a: Architecture): Violation[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const parsed = new Map<string, Parsed>();
  const parsedOf = (p: string) => {
    let r = parsed.get(p);
    if (!r) parsed.set(p, (r = parse(byPath.get(p)!)));
    return r;
  };
  const resolve = (from: string, spec: string): string => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
    for (const c of [base, `${base}.ts`, `${base}/index.ts`]) if (byPath.has(c)) return c;
    return base;
  };
  const out: Violation[] = [];
  const owner = new Map<string, string>();
  for (const [o, ts_] of Object.entries(a.tables)) for (const t of ts_) owner.set(t, o);
  const code = files.filter((f) => f.path.endsWith('.ts') && !isTest(f.path));

  // Tables: every table a migration creates has an owner.
  const known = new Set(owner.keys());
  for (const f of files.filter((x) => x.path.endsWith('.sql'))) {
    for (const m of f.text.matchAll(CREATE_TABLE)) {
      const t = m[1].toLowerCase();
      known.add(t);
      if (!owner.has(t)) out.push({ rule: 'unowned-table', file: f.path, line: f.text.slice(0, m.index).split('\n').length, detail: `table ${t} has no owner: add it to the tables of the capability whose store writes it` });
    }
  }

  // Pure cores: no I/O, not even through what they import.
  const listed = new Set(a.pureCores.map((p) => p.file));
  for (const p of a.pureCores) {
    if (!p.planned && !byPath.has(p.file)) out.push({ rule: 'pure-core-missing', file: p.file, line: 0, detail: 'listed as a pure core but not found (renamed? update the list)' });
  }
  const pure = code.filter((f) => listed.has(f.path) || f.path.endsWith('.pure.ts')).map((f) => f.path);
  const ioFile = (p: string) => a.ioFiles.some((r) => r.test(p));
  for (const core of pure) {
    const seen = new Set<string>([core]);
    const walk = (file: string, chain: string[]) => {
      const info = parsedOf(file);
      for (const x of info.ambient) out.push({ rule: 'pure-core-io', file: core, line: file === core ? x.line : 0, detail: `${[...chain, `${file}:${x.line}`].join(' → ')} uses ${x.name}` });
      for (const imp of info.imports) {
        if (imp.typeOnly) continue;
        const via = [...chain, file].join(' → ');
        const report = (what: string) => out.push({ rule: 'pure-core-io', file: core, line: file === core ? imp.line : 0, detail: `${via} imports ${what}` });
        if (bare(imp.spec)) {
          if (a.ioBuiltins.includes(builtin(imp.spec))) report(`${imp.spec} (I/O)`);
          else if (a.ioPackages.some((r) => r.test(imp.spec))) report(`${imp.spec} (I/O)`);
          continue;
        }
        const target = resolve(file, imp.spec);
        if (a.referenceData.includes(target)) continue;
        if (ioFile(target)) report(`${target} (I/O)`);
        else if (byPath.has(target) && !seen.has(target)) {
          seen.add(target);
          walk(target, [...chain, file]);
        }
      }
    };
    walk(core, []);
  }

  for (const f of code) {
    const info = parsedOf(f.path);
    const inSrc = f.path.startsWith('src/');
    const inWeb = f.path.startsWith('web/src/');
    for (const imp of info.imports) {
      const target = bare(imp.spec) ? null : resolve(f.path, imp.spec);
      // Another capability's store: read it through its lookup.ts instead.
      if (target && isStore(target) && target.startsWith('src/') && (!inSrc || folderOf(target) !== folderOf(f.path))) {
        out.push({ rule: 'foreign-store', file: f.path, line: imp.line, detail: `imports ${target}: read another capability through its lookup.ts` });
      }
      if (inWeb) {
        if (target && !target.startsWith('web/')) {
          if (!a.webShared.includes(target)) out.push({ rule: 'web-imports-server', file: f.path, line: imp.line, detail: `imports ${target}, outside web/` });
          else if (!pure.includes(target)) out.push({ rule: 'web-imports-server', file: f.path, line: imp.line, detail: `imports ${target}, shared with the web but not a pure core` });
        } else if (!target && (imp.spec.startsWith('node:') || a.ioBuiltins.includes(imp.spec) || a.serverPackages.some((r) => r.test(imp.spec)))) {
          out.push({ rule: 'web-imports-server', file: f.path, line: imp.line, detail: `imports ${imp.spec}, server-side code` });
        }
      }
    }
    if (!inSrc) continue;
    const sqlHere = isStore(f.path) || a.sqlAllowed.some((r) => r.test(f.path));
    const mayName = a.anyTable.some((r) => r.test(f.path)) ? null : isStore(f.path) ? folderOf(f.path) : a.sqlAllowed.some((r) => r.test(f.path)) ? folderOf(f.path) : null;
    for (const lit of info.literals) {
      if (!sqlHere && looksLikeSql(lit.text)) {
        out.push({ rule: 'sql-outside-store', file: f.path, line: lit.line, detail: `SQL outside a store: ${lit.text.trim().slice(0, 60)}` });
      }
      if (sqlHere && mayName !== null) {
        for (const m of lit.text.matchAll(TABLE_REF)) {
          const t = m[1].toLowerCase();
          if (known.has(t) && owner.get(t) !== mayName) {
            out.push({ rule: 'foreign-table', file: f.path, line: lit.line, detail: `names ${t}, a table of ${owner.get(t)}: ask its lookup.ts` });
          }
        }
      }
    }
  }
  return out;
}

/** The files the rules read: source under src/ and web/src, and the migrations; tests too (the checker leaves them out). */
export function loadProject(root: string): ProjectFile[] {
  const out: ProjectFile[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (/\.(ts|sql)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push({ path: rel, text: fs.readFileSync(path.join(root, rel), 'utf8') });
    }
  };
  walk('src');
  walk('web/src');
  return out;
}
