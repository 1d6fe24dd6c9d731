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
  if (e.line === x.line ? e.character !== x.endCol : false) return false;
  if (x.severity && d.severity !== x.severity) return false;
  if (x.fix !== !!d.fix) return false;
  if (x.path !== undefined && d.path !== x.path) return false;
  return true;
}

export function checkDiagnostics(name: string, source: string): void {
  const { text, expectations } = parseFixture(source);
  const lines = new LineIndex(text);
  const diagnostics = [...analyzeText(text).diagnostics];
  const missing: Expectation[] = [];
  for (const x of expectations) {
    const i = diagnostics.findIndex((d) => matches(d, x, lines));
    if (i < 0) missing.push(x);
    else diagnostics.splice(i, 1);
  }
  const all = analyzeText(text).diagnostics.map((d) => describe(d, lines)).join('\n  ');
  assert.ok(
    missing.length === 0 && diagnostics.length === 0,
    `${name}:\n` +
      missing.map((x) => `  missing (fixture line ${x.fixtureLine}): ${x.code} at ${x.line + 1}:${x.startCol}-${x.endCol}${x.fix ? ' fix' : ''}${x.path ? ` path=${x.path}` : ''}\n`).join('') +
      diagnostics.map((d) => `  unexpected: ${describe(d, lines)}\n`).join('') +
      `  all diagnostics:\n  ${all}`,
  );
}
