/**
 * Quick fixes and templates over real JSON-RPC, as an editor uses them, on files the fixes were
 * not written against: for every file of test/fixtures/diagnostics and examples/, open it, wait for
 * its diagnostics (both phases), ask for the code actions of each diagnostic (context.diagnostics
 * = [that diagnostic], as VS Code does), apply each quick fix's WorkspaceEdit, send it as a
 * didChange, and check: that diagnostic (same code at the edited place) is gone, no new error
 * appeared, the YAML parses no worse, and every other YAML document of the file is byte-identical.
 * And every template action, on an empty file and on two-document files, inserts a document that
 * parses (with the `yaml` package) to exactly the seed's manifest (examples/), the other
 * documents untouched.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  CodeAction,
  CodeActionRequest,
  CodeActionTriggerKind,
  Diagnostic,
  DidCloseTextDocumentNotification,
  Range,
  TextEdit,
} from 'vscode-languageserver-protocol';
import { analyzeText, documentRegions, renderTemplate, TEMPLATES } from '../../server/src/core';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';
import { parseFixture } from '../harness/fixture';
import { startServer, TestClient } from './client';

/** Errors a fix uncovers on purpose (the API server reports them only once the fixed one is gone); as in test/core/fixes.test.ts. */
const UNCOVERS: Record<string, readonly string[]> = {
  'diagnostics/NP209-invalid-cidr.yaml:35:NP209': ['NP209', 'NP210'],
};

/** Line starts of `text`, for LSP positions (UTF-16 columns) ↔ offsets. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetAt(text: string, starts: readonly number[], p: { line: number; character: number }): number {
  if (p.line >= starts.length) return text.length;
  const lineEnd = p.line + 1 < starts.length ? starts[p.line + 1] : text.length;
  return Math.min(starts[p.line] + p.character, lineEnd);
}

/** Applies LSP text edits (non-overlapping, ranges in the original text) as an editor does. */
export function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; spans: { start: number; end: number; newText: string }[] } {
  const starts = lineStarts(text);
  const spans = edits.map((e) => ({ start: offsetAt(text, starts, e.range.start), end: offsetAt(text, starts, e.range.end), newText: e.newText }));
  const sorted = spans.map((s, i) => ({ ...s, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  for (let k = 1; k < sorted.length; k++) assert.ok(sorted[k].end <= sorted[k - 1].start, 'edits overlap');
  let out = text;
  for (const s of sorted) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return { text: out, spans };
}

/** Where an offset of the original text lands after the edits. */
function mapOffset(offset: number, spans: readonly { start: number; end: number; newText: string }[]): number {
  let shift = 0;
  for (const s of spans) if (s.end <= offset && !(s.start === s.end && s.start === offset)) shift += s.newText.length - (s.end - s.start);
  return offset + shift;
}

function yamlErrors(text: string): number {
  return parseAllDocuments(text).reduce((n, d) => n + d.errors.length, 0);
}

/** The diagnostics of `version` once both phases (the file's own, then the workspace's) are published. */
async function settled(c: TestClient, uri: string, version: number, timeoutMs = 15000): Promise<Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mine = c.history.filter((p) => p.uri === uri && p.version === version);
    if (mine.length >= 2) return mine[mine.length - 1].diagnostics;
    if (Date.now() > deadline) throw new Error(`diagnostics of ${uri} v${version} did not settle (${mine.length} publishes); stderr: ${c.stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

interface Checked {
  fixes: number;
  failures: string[];
}

async function checkFile(c: TestClient, file: string, n: number): Promise<Checked> {
  const rel = path.relative(fixtureRoot(), file).startsWith('..') ? path.relative(repoRoot(), file) : path.relative(fixtureRoot(), file);
  const label = rel.split(path.sep).join('/');
  const { text } = parseFixture(fs.readFileSync(file, 'utf8'));
  const uri = `file:///lsp-fixes/${n}/${path.basename(file)}`;
  const out: Checked = { fixes: 0, failures: [] };
  c.open(uri, text, 1);
  const before = await settled(c, uri, 1);
  const starts = lineStarts(text);
  const regions = documentRegions(text);
  // The diagnostics that carry a fix, as the core says (the server publishes without `data`).
  const withFix = new Set(analyzeText(text).diagnostics.filter((x) => x.fix).map((x) => `${x.code}@${x.span.start}`));
  assert.ok(before.every((d) => d.data === undefined), `${label}: the server publishes without data`);
  let version = 1;
  // Each fix is applied to the original text; the file is then restored (a new version, as an
  // undo is) and the next diagnostic is taken from that version's publish: the server offers a fix
  // only for the version its ranges were computed on.
  let current = before;
  try {
    for (let i = 0; i < before.length; i++) {
      const d = current[i];
      const actions = (await c.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: d.range,
        context: { diagnostics: [d], triggerKind: CodeActionTriggerKind.Automatic },
      })) as CodeAction[] | null;
      const quickFixes = (actions ?? []).filter((x) => x.kind === 'quickfix');
      if (withFix.has(`${d.code}@${offsetAt(text, starts, d.range.start)}`) && quickFixes.length === 0) out.failures.push(`${label}:${d.range.start.line + 1}:${d.code}: carries a fix but no quick fix came`);
      for (const a of quickFixes) {
        const where = `${label}:${d.range.start.line + 1}:${d.code}`;
        const fail = (msg: string, fixed?: string) => out.failures.push(`${where} "${a.title}": ${msg}${fixed !== undefined ? `\n--- text after the fix:\n${fixed}` : ''}`);
        if (!a.edit?.changes || Object.keys(a.edit.changes).some((u) => u !== uri)) {
          fail('no WorkspaceEdit for this file alone');
          continue;
        }
        if (!a.diagnostics?.some((x) => x.code === d.code)) fail('the action does not name the diagnostic it fixes');
        const { text: fixed, spans } = applyEdits(text, a.edit.changes[uri]);
        out.fixes++;
        c.change(uri, ++version, fixed);
        const after = await settled(c, uri, version);
        if (yamlErrors(fixed) > yamlErrors(text)) fail('the YAML parses worse', fixed);
        const fstarts = lineStarts(fixed);
        const at = mapOffset(offsetAt(text, starts, d.range.start), spans);
        if (after.some((x) => x.code === d.code && offsetAt(fixed, fstarts, x.range.start) === at)) fail(`${d.code} is still reported at the edited place`, fixed);
        // New errors: not matched by an error of the same code with the same message or place.
        const left = before.filter((x) => x.severity === 1);
        for (const e of after.filter((x) => x.severity === 1)) {
          const i = left.findIndex((b) => b.code === e.code && (b.message === e.message || mapOffset(offsetAt(text, starts, b.range.start), spans) === offsetAt(fixed, fstarts, e.range.start)));
          if (i >= 0) left.splice(i, 1);
          else if (!(UNCOVERS[where] ?? []).includes(String(e.code))) fail(`added an error ${e.code}: ${e.message}`, fixed);
        }
        // Every other YAML document byte-identical, in order (a fix may add a new document).
        const fregions = documentRegions(fixed).map((r) => fixed.slice(r.start, r.end));
        const home = offsetAt(text, starts, d.range.start);
        let j = 0;
        regions.forEach((r, i) => {
          const holds = r.start <= home && (home < r.end || i === regions.length - 1);
          if (holds) return;
          const doc = text.slice(r.start, r.end);
          while (j < fregions.length && fregions[j] !== doc) j++;
          if (j === fregions.length) fail(`document ${i + 1} changed`, fixed);
          else j++;
        });
        if (fregions.length < regions.length) fail(`the file has ${fregions.length} documents instead of ${regions.length}`, fixed);
        c.change(uri, ++version, text);
        current = await settled(c, uri, version);
        if (current.length !== before.length) fail(`restoring the original text gave ${current.length} diagnostics instead of ${before.length}`);
      }
    }
  } finally {
    c.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }
  return out;
}

test('every quick fix over LSP, on every diagnostics fixture and example: its diagnostic gone, no new error, other documents untouched', async (t) => {
  const files = [...listFiles(path.join(fixtureRoot(), 'diagnostics'), /\.ya?ml$/), ...listFiles(path.join(repoRoot(), 'examples'), /\.ya?ml$/)];
  // Three servers, each with one file open at a time (workspace findings see only that file).
  const lanes = 3;
  const clients = await Promise.all(Array.from({ length: lanes }, () => startServer()));
  try {
    const results = await Promise.all(
      clients.map(async (c, lane) => {
        const mine: Checked[] = [];
        for (let i = lane; i < files.length; i += lanes) mine.push(await checkFile(c, files[i], i));
        return mine;
      }),
    );
    const all = results.flat();
    const fixes = all.reduce((n, r) => n + r.fixes, 0);
    const failures = all.flatMap((r) => r.failures);
    if (failures.length) fs.writeFileSync(path.join(repoRoot(), 'out', 'lsp-fix-failures.txt'), failures.join('\n\n'));
    assert.deepEqual(failures.map((f) => f.split('\n')[0]), []);
    t.diagnostic(`${fixes} quick fixes checked in ${files.length} files`);
    assert.ok(fixes >= 100, `${fixes} quick fixes checked`);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
});

function js(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    assert.deepEqual(d.errors, [], text);
    return d.toJS();
  });
}

/** The manifest each template stands for: the guide's own file for the seed's three. */
function expected(id: string): unknown {
  const example = path.join(repoRoot(), 'examples', `${id}.yaml`);
  return fs.existsSync(example) ? js(fs.readFileSync(example, 'utf8'))[0] : js(renderTemplate(id as never))[0];
}

test('every template action over LSP: on an empty file and on two-document files, exactly the seed\'s manifest as a new document', async () => {
  const c = await startServer();
  try {
    assert.ok(['allow-frontend-to-backend', 'allow-egress-to-external-api', 'deny-ingress-from-external'].every((id) => fs.existsSync(path.join(repoRoot(), 'examples', `${id}.yaml`))));
    assert.deepEqual(expected('default-deny-all'), { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny-all', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: backend\nspec:\n  template:\n    metadata:\n      labels:\n        app: backend\n';
    const policy4 = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n    name: x\nspec:\n    podSelector: {}\n    policyTypes:\n        -   Ingress\n';
    const files: { name: string; text: string; cursors: { line: number; character: number }[] }[] = [
      { name: 'empty', text: '', cursors: [{ line: 0, character: 0 }] },
      { name: 'two', text: `${deployment}---\n${fs.readFileSync(path.join(repoRoot(), 'examples', 'deny-ingress-from-external.yaml'), 'utf8')}`, cursors: [{ line: 1, character: 2 }, { line: 12, character: 0 }] },
      { name: 'two-crlf-4', text: `${deployment}...\n---\n${policy4}`.replace(/\n/g, '\r\n'), cursors: [{ line: 0, character: 0 }, { line: 13, character: 3 }] },
      { name: 'two-no-final-newline', text: `a: 1\n---\n${policy4.trimEnd()}`, cursors: [{ line: 0, character: 0 }, { line: 9, character: 4 }] },
    ];
    let checked = 0;
    // A template whose name an open file's policy has already gets a fresh one (`-2`).
    const openTexts: string[] = [];
    const nameOf = (id: string): string => (openTexts.some((t) => new RegExp(`name: ${id}\\r?\\n`).test(t)) ? `${id}-2` : id);
    const titleOf = (t: (typeof TEMPLATES)[number]): string => (nameOf(t.id) === t.id ? `Insert ${t.label}` : `Insert ${t.label} as ${nameOf(t.id)}`);
    const expectedNamed = (id: string): unknown => {
      const e = expected(id) as { metadata: Record<string, unknown> };
      return { ...e, metadata: { ...e.metadata, name: nameOf(id) } };
    };
    for (const f of files) {
      const uri = `file:///lsp-templates/${f.name}.yaml`;
      c.open(uri, f.text, 1);
      openTexts.push(f.text);
      await settled(c, uri, 1);
      const before = js(f.text);
      for (const cursor of f.cursors) {
        const actions = ((await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: Range.create(cursor, cursor), context: { diagnostics: [], only: ['source'], triggerKind: CodeActionTriggerKind.Invoked } })) ?? []) as CodeAction[];
        assert.deepEqual(actions.map((a) => a.title), TEMPLATES.map(titleOf));
        actions.forEach((a, k) => {
          const edits = a.edit?.changes?.[uri] ?? [];
          assert.equal(edits.length, 1, `${f.name}: one edit`);
          assert.deepEqual(edits[0].range.start, edits[0].range.end, `${f.name}: a pure insertion`);
          const { text: result, spans } = applyEdits(f.text, edits);
          const where = `${f.name} at ${cursor.line}:${cursor.character}, ${a.title}`;
          assert.equal(result.slice(0, spans[0].start), f.text.slice(0, spans[0].start), where);
          assert.equal(result.slice(spans[0].start + spans[0].newText.length), f.text.slice(spans[0].start), where);
          const docs = js(result);
          assert.equal(docs.length, before.length + 1, where);
          const i = docs.findIndex((d, j) => j >= before.length || JSON.stringify(d) !== JSON.stringify(before[j]));
          assert.deepEqual(docs[i], expectedNamed(TEMPLATES[k].id), where);
          assert.deepEqual([...docs.slice(0, i), ...docs.slice(i + 1)], before, where);
          if (f.text.includes('\r\n')) assert.ok(!/(^|[^\r])\n/.test(spans[0].newText), `${where}: CRLF`);
          checked++;
        });
      }
    }
    assert.equal(checked, 7 * TEMPLATES.length);
  } finally {
    await c.close();
  }
});
