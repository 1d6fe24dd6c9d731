/**
 * The English messages passed to the l10n functions in source files, found with the TypeScript
 * parser: string literals in the first argument of `t(…)`, `tPair(…)`, `l10n.t(…)` (through
 * `cond ? 'a' : 'b'` and parentheses), or of `vscode.l10n.t(…)` for the client.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export interface KeyUse {
  readonly key: string;
  readonly file: string;
}

function literals(e: ts.Expression, out: string[], dynamic: { count: number }): void {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) out.push(e.text);
  else if (ts.isParenthesizedExpression(e)) literals(e.expression, out, dynamic);
  else if (ts.isConditionalExpression(e)) {
    literals(e.whenTrue, out, dynamic);
    literals(e.whenFalse, out, dynamic);
  } else dynamic.count++;
}

function calleeName(c: ts.CallExpression): string {
  const e = c.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return `${e.expression.getText()}.${e.name.text}`;
  return '';
}

/** Every key used in `files`, and the calls whose first argument is not a literal (should be none). */
export function keysIn(files: readonly string[], callees: readonly string[]): { uses: KeyUse[]; dynamic: string[] } {
  const uses: KeyUse[] = [];
  const dynamic: string[] = [];
  for (const file of files) {
    const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && callees.includes(calleeName(n)) && n.arguments.length > 0) {
        const found: string[] = [];
        const d = { count: 0 };
        literals(n.arguments[0], found, d);
        for (const key of found) uses.push({ key, file });
        if (d.count) dynamic.push(`${file}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${n.getText().slice(0, 80)}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return { uses, dynamic };
}

export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** `{0}`, `{1}`, … in a message. */
export function placeholders(s: string): string[] {
  return [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();
}

export const SERVER_CALLEES = ['t', 'tPair', 'l10n.t'];
export const CLIENT_CALLEES = ['vscode.l10n.t'];
