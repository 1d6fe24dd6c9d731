/** The one place the diagnostics tests call the core: analyse a fixture and compare. */
import * as assert from 'node:assert/strict';
import { analyzeText, LineIndex } from '../../server/src/core';
import type { Diagnostic } from '../../server/src/core';
import { Expectation, parseFixture } from './fixture';

function describe(d: Diagnostic, lines: LineIndex): string {
  const s = lines.positionAt(d.span.start);
  const e = lines.positionAt(d.span.end);
  return `${d.code} ${d.severity} ${s.line + 1}:${s.character}-${e.line + 1}:${e.character}${d.fix ? ' fix' : ''}${d.path ? ` path=${d.path}` : ''} — ${d.message}`;
}

function matches(d: Diagnostic, x: Expectation, lines: LineIndex): boolean {
  const s = lines.positionAt(d.span.start);
  const e = lines.positionAt(d.span.end);
  if (d.code !== x.code || s.line !== x.line || s.character !== x.startCol) return false;
  if (e.line === x.line && e.character !== x.endCol) return false;
  if (x.severity && d.severity !== x.severity) return false;
  if (x.fix !== !!d.fix) return false;
  if (x.path !== undefined && d.path !== x.path) return false;
  return true;
}

/**
 * Compares diagnostics with caret expectations: every expectation must match one diagnostic and
 * every diagnostic one expectation. Returns the problems (empty when they agree), for messages.
 */
export function compareDiagnostics(text: string, expectations: readonly Expectation[], diagnostics: readonly Diagnostic[]): string[] {
  const lines = new LineIndex(text);
  const left = [...diagnostics];
  const problems: string[] = [];
  for (const x of expectations) {
    const i = left.findIndex((d) => matches(d, x, lines));
    if (i < 0) problems.push(`missing (fixture line ${x.fixtureLine}): ${x.code} at ${x.line + 1}:${x.startCol}-${x.endCol}${x.fix ? ' fix' : ''}${x.path ? ` path=${x.path}` : ''}`);
    else left.splice(i, 1);
  }
  for (const d of left) problems.push(`unexpected: ${describe(d, lines)}`);
  if (problems.length) problems.push(`all diagnostics:\n    ${diagnostics.map((d) => describe(d, lines)).join('\n    ')}`);
  return problems;
}

export function checkDiagnostics(name: string, source: string): void {
  const { text, expectations } = parseFixture(source);
  const problems = compareDiagnostics(text, expectations, analyzeText(text).diagnostics);
  assert.ok(problems.length === 0, `${name}:\n  ${problems.join('\n  ')}`);
}
