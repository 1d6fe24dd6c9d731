/**
 * Every quick fix the fixtures exercise (annotations with `fix`, single-file and workspace
 * fixtures alike) does what it says: with its edits applied, the YAML still parses, the
 * diagnostic it fixes is gone from its place, and no error appears that was not there before
 * (except, listed in UNCOVERS, errors the API server reaches only once the fixed one is gone).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText, LineIndex, loadWorkspace, parseYamlStream, withWorkspaceDiagnostics } from '../../server/src/core';
import type { Diagnostic, Fix, TextEdit } from '../../server/src/core';
import { fixtureRoot, listFiles } from '../harness/files';
import { Expectation, parseFixture } from '../harness/fixture';

// (Small copies of workspace-diagnostics.test.ts's helpers: a test file cannot import another
// without running its tests too.)
interface FixtureFile {
  readonly name: string;
  readonly text: string;
  readonly expectations: readonly Expectation[];
}

function workspaceFixtures(): { name: string; files: FixtureFile[] }[] {
  const root = path.join(fixtureRoot(), 'workspace-diagnostics');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => {
    const dir = path.join(root, e.name);
    return { name: e.name, files: listFiles(dir, /\.ya?ml$/).map((f) => ({ name: path.relative(dir, f).split(path.sep).join('/'), ...parseFixture(fs.readFileSync(f, 'utf8')) })) };
  });
}

function workspaceFileDiagnostics(files: readonly { name: string; text: string }[]): Map<string, Diagnostic[]> {
  const ws = loadWorkspace(files.map((f) => ({ file: f.name, text: f.text })));
  const out = new Map<string, Diagnostic[]>();
  for (const f of files) out.set(f.name, withWorkspaceDiagnostics(ws.files.find((x) => x.file === f.name)!.analysis.diagnostics, ws, f.name, { text: f.text }));
  return out;
}

function matches(d: Diagnostic, x: Expectation, lines: LineIndex): boolean {
  const s = lines.positionAt(d.span.start);
  return d.code === x.code && s.line === x.line && s.character === x.startCol && !!d.fix === x.fix;
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].span.end <= sorted[i - 1].span.start, 'edits overlap');
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** Where an offset lands after the edits (edits before it shift it). */
function mapOffset(offset: number, edits: readonly TextEdit[]): number {
  let shift = 0;
  for (const e of edits) if (e.span.end <= offset) shift += e.newText.length - (e.span.end - e.span.start);
  return offset + shift;
}

function yamlProblems(text: string): number {
  return parseYamlStream(text).reduce((n, d) => n + d.problems.filter((p) => p.kind !== 'too-complex').length, 0);
}

/**
 * Fixes that rightly uncover errors the API server reaches only once the fixed one is gone, with
 * the codes they may add. Keyed by fixture, 1-based line of the fixed diagnostic, and code.
 */
const usedUncovers = new Set<string>();
const UNCOVERS: Record<string, readonly string[]> = {
  // The except entries of an ipBlock are validated only once its cidr is valid (ValidateIPBlock).
  'diagnostics/NP209-invalid-cidr.yaml:35:NP209': ['NP209', 'NP210'],
};

/**
 * Errors in `after` that `before` does not have: same code, and the same message or the same
 * place (a fix may change the value an error quotes).
 */
function newErrors(before: readonly Diagnostic[], after: readonly Diagnostic[], edits: readonly TextEdit[]): Diagnostic[] {
  const left = before.filter((d) => d.severity === 'error');
  return after.filter((d) => {
    if (d.severity !== 'error') return false;
    const i = left.findIndex((b) => b.code === d.code && (b.message === d.message || mapOffset(b.span.start, edits) === d.span.start));
    if (i >= 0) {
      left.splice(i, 1);
      return false;
    }
    return true;
  });
}

function checkFixed(label: string, text: string, d: Diagnostic, before: readonly Diagnostic[], after: readonly Diagnostic[], fixed: string, fix: Fix = d.fix!): void {
  d = { ...d, fix };
  const edits = d.fix!.edits;
  assert.ok(yamlProblems(fixed) <= yamlProblems(text), `${label}: the YAML no longer parses after "${d.fix!.title}":\n${fixed}`);
  const at = mapOffset(d.span.start, edits);
  assert.ok(!after.some((n) => n.code === d.code && n.span.start === at), `${label}: ${d.code} still reported after "${d.fix!.title}":\n${fixed}`);
  const allowed = UNCOVERS[label] ?? [];
  if (UNCOVERS[label]) usedUncovers.add(label);
  for (const e of newErrors(before, after, edits)) {
    assert.ok(allowed.includes(e.code), `${label}: "${d.fix!.title}" added an error ${e.code}: ${e.message}\n${fixed}`);
  }
}

const single = listFiles(path.join(fixtureRoot(), 'diagnostics'), /\.ya?ml$/);

test('every fix annotation in the diagnostics fixtures fixes its diagnostic without adding an error', () => {
  let checked = 0;
  for (const file of single) {
    const name = path.relative(fixtureRoot(), file);
    const { text, expectations } = parseFixture(fs.readFileSync(file, 'utf8'));
    const lines = new LineIndex(text);
    const before = analyzeText(text).diagnostics;
    for (const x of expectations.filter((e) => e.fix)) {
      const d = before.find((b) => matches(b, x, lines));
      assert.ok(d?.fix, `${name}:${x.line + 1}: no ${x.code} with a fix`);
      // The preferred fix and every other fix offered for the same finding (NP310 offers two).
      for (const fix of [d.fix, ...(d.moreFixes ?? [])]) {
        const fixed = applyEdits(text, fix.edits);
        checkFixed(`${name}:${x.line + 1}:${x.code}`, text, d, before, analyzeText(fixed).diagnostics, fixed, fix);
        checked++;
      }
    }
  }
  assert.ok(checked > 0);
  for (const k of Object.keys(UNCOVERS)) assert.ok(usedUncovers.has(k), `UNCOVERS names ${k}, which no fix annotation reaches`);
});

test('every fix annotation in the workspace fixtures fixes its diagnostic without adding an error', () => {
  let checked = 0;
  for (const c of workspaceFixtures()) {
    const all = workspaceFileDiagnostics(c.files);
    for (const f of c.files) {
      const lines = new LineIndex(f.text);
      const before = all.get(f.name)!;
      for (const x of f.expectations.filter((e) => e.fix)) {
        const d = before.find((b) => matches(b, x, lines));
        assert.ok(d?.fix, `${c.name}/${f.name}:${x.line + 1}: no ${x.code} with a fix`);
        const fixed = applyEdits(f.text, d.fix.edits);
        const after = workspaceFileDiagnostics(c.files.map((g) => (g === f ? { name: g.name, text: fixed } : g)));
        checkFixed(`${c.name}/${f.name}:${x.line + 1}:${x.code}`, f.text, d, before, after.get(f.name)!, fixed);
        checked++;
      }
    }
  }
  assert.ok(checked > 0);
});
