/**
 * Workspace fixtures: each folder under test/fixtures/workspace-diagnostics is one workspace of
 * several YAML files with caret annotations (test/harness/fixture.ts). Every file's diagnostics
 * are what the editor and the CLI show: its own analysis, less the NP302 warnings the workspace
 * answers, plus the workspace rules' findings (NP4xx). A file without annotations expects none.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadWorkspace, withWorkspaceDiagnostics, withWorkspaceDiagnosticsSteps } from '../../server/src/core';
import type { Diagnostic } from '../../server/src/core';
import { fixtureRoot, listFiles } from '../harness/files';
import { Expectation, parseFixture } from '../harness/fixture';
import { compareDiagnostics } from '../harness/check';

interface WorkspaceFixtureFile {
  readonly name: string;
  readonly text: string;
  readonly expectations: readonly Expectation[];
}

function workspaceFixtures(): { name: string; files: WorkspaceFixtureFile[] }[] {
  const root = path.join(fixtureRoot(), 'workspace-diagnostics');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name)).map((e) => {
    const dir = path.join(root, e.name);
    const files = listFiles(dir, /\.ya?ml$/).map((f) => ({ name: path.relative(dir, f).split(path.sep).join('/'), ...parseFixture(fs.readFileSync(f, 'utf8')) }));
    return { name: e.name, files };
  });
}

/** Every file's diagnostics as the editor shows them, for a workspace of (name, text) files. */
function workspaceFileDiagnostics(files: readonly { name: string; text: string }[]): Map<string, Diagnostic[]> {
  const ws = loadWorkspace(files.map((f) => ({ file: f.name, text: f.text })));
  const out = new Map<string, Diagnostic[]>();
  for (const f of files) {
    const fa = ws.files.find((x) => x.file === f.name)!;
    out.set(f.name, withWorkspaceDiagnostics(fa.analysis.diagnostics, ws, f.name, { text: f.text }));
  }
  return out;
}

const cases = workspaceFixtures();

test('workspace fixtures exist', () => assert.ok(cases.length > 0));

for (const c of cases) {
  test(`workspace diagnostics: ${c.name}`, () => {
    const all = workspaceFileDiagnostics(c.files);
    const problems: string[] = [];
    for (const f of c.files) {
      for (const p of compareDiagnostics(f.text, f.expectations, all.get(f.name)!)) problems.push(`  ${f.name}: ${p}`);
    }
    assert.ok(problems.length === 0, `${c.name}:\n${problems.join('\n')}`);
  });
}

test('the workspace pass never throws nor reports an internal error, whatever line a workspace file is cut at', () => {
  for (const c of cases) {
    for (const f of c.files) {
      const cuts = [f.text.length];
      for (let i = f.text.indexOf('\n'); i >= 0; i = f.text.indexOf('\n', i + 1)) cuts.push(i, i + 1);
      for (const cut of cuts) {
        const text = f.text.slice(0, cut);
        const all = workspaceFileDiagnostics(c.files.map((g) => (g === f ? { name: g.name, text } : g)));
        for (const d of all.get(f.name)!) {
          assert.ok(d.span.start >= 0 && d.span.end <= text.length, `${c.name}/${f.name}[0:${cut}]: ${d.code} span outside the text`);
          assert.ok(!d.message.includes('internal error'), `${c.name}/${f.name}[0:${cut}]: ${d.message}`);
          for (const e of d.fix?.edits ?? []) assert.ok(e.span.start >= 0 && e.span.end <= text.length, `${c.name}/${f.name}[0:${cut}]: fix edit outside the text`);
        }
      }
    }
  }
});

test('the workspace pass in steps (as the language server runs it, a few policies per step) gives exactly the findings of the pass in one go', () => {
  let files = 0;
  let stepped = 0;
  for (const c of cases) {
    // Every fixture file, and all of the workspace's policies in one file (many policies per file).
    const joined = { name: 'joined.yaml', text: c.files.map((f) => f.text).join('\n---\n') };
    for (const set of [c.files, [...c.files, joined]]) {
      const ws = loadWorkspace(set.map((f) => ({ file: f.name, text: f.text })));
      for (const f of set) {
        const fa = ws.files.find((x) => x.file === f.name)!;
        const want = withWorkspaceDiagnostics(fa.analysis.diagnostics, ws, f.name, { text: f.text });
        for (const chunk of [1, 2, 3]) {
          const steps = withWorkspaceDiagnosticsSteps(fa.analysis.diagnostics, ws, f.name, { text: f.text }, chunk);
          let n = 0;
          let r = steps.next();
          for (; !r.done; r = steps.next()) n++;
          assert.deepEqual(r.value, want, `${c.name}/${f.name}, ${chunk} per step`);
          if (fa.analysis.policies.length > chunk) {
            assert.ok(n > 6, `${c.name}/${f.name}: ${n} steps for ${fa.analysis.policies.length} policies`);
            stepped++;
          }
        }
        files++;
      }
    }
  }
  assert.ok(files > 20 && stepped > 10, `${files} files, ${stepped} run in several steps`);
});
