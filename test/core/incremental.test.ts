/**
 * Incremental analysis must give exactly what a whole-file analysis gives, after any edit, while
 * reusing the documents that did not change.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, analyzeIncremental, documentStarts, getHover, loadWorkspace, newChunkCache } from '../../server/src/core';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';
import { parseFixture } from '../harness/fixture';

/**
 * Where the whole stream parses without YAML errors, the results must be identical. With a YAML
 * error (an unclosed quote running past a `---`), the per-document reading keeps the error inside
 * its document instead of letting it swallow the next ones: there we check sanity only.
 */
function same(text: string, cache = newChunkCache()): void {
  const whole = analyzeFile({ file: 'f.yaml', text });
  const inc = analyzeIncremental('f.yaml', text, {}, cache);
  if (whole.analysis.diagnostics.some((d) => d.code === 'NP001')) {
    for (const d of inc.analysis.diagnostics) assert.ok(d.span.start >= 0 && d.span.end <= text.length);
    return;
  }
  // A YAML error at the very end of a document may point one character further (into the next
  // `---`) when the whole stream is parsed: compare those by their start.
  const norm = (ds: typeof whole.analysis.diagnostics) => ds.map((d) => `${d.code} ${d.span.start}-${d.code === 'NP001' ? '' : d.span.end} ${d.path ?? ''} ${d.message} ${JSON.stringify(d.fix ?? null)}`);
  assert.deepEqual(norm(inc.analysis.diagnostics), norm(whole.analysis.diagnostics));
  assert.deepEqual(inc.analysis.policies.map((p) => [p.base + p.doc.node.span.start, p.valid]), whole.analysis.policies.map((p) => [p.doc.node.span.start, p.valid]));
  assert.deepEqual(inc.inventory.pods.map((p) => [p.name, p.source.span.start]), whole.inventory.pods.map((p) => [p.name, p.source.span.start]));
}

const corpus = [
  ...listFiles(path.join(fixtureRoot(), 'diagnostics'), /\.ya?ml$/).map((f) => parseFixture(fs.readFileSync(f, 'utf8')).text),
  ...listFiles(path.join(repoRoot(), 'examples'), /\.ya?ml$/).map((f) => fs.readFileSync(f, 'utf8')),
  fs.readFileSync(path.join(fixtureRoot(), 'workspaces', 'lsp-seed', 'workloads.yaml'), 'utf8'),
];

test('document starts: markers at line start only', () => {
  assert.deepEqual(documentStarts('a: 1\n---\nb: 2\n--- # c\nc: 3\n...\n'), [0, 5, 14, 27]);
  assert.deepEqual(documentStarts('a: "---"\nb: |\n  ---\n'), [0]);
});

test('incremental equals whole-file analysis on every fixture, as multi-document streams', () => {
  for (const t of corpus) same(t);
  same(corpus.join('\n---\n'));
});

test('after random edits the incremental result still equals a fresh whole-file analysis, and unchanged documents are reused', () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let text = corpus.slice(0, 20).join('\n---\n');
  const cache = newChunkCache();
  analyzeIncremental('f.yaml', text, {}, cache);
  for (let i = 0; i < 150; i++) {
    const at = Math.floor(rnd() * text.length);
    const del = Math.floor(rnd() * 4);
    const ins = ['', '-', ' ', 'x', ':', '\n', '---\n', '"', '80'][Math.floor(rnd() * 9)];
    const before = new Map(cache.chunks);
    text = text.slice(0, at) + ins + text.slice(at + del);
    same(text, cache);
    // Most documents are untouched by one small edit: their cached results are the same objects.
    const reused = [...cache.chunks.values()].filter((r) => [...before.values()].includes(r)).length;
    assert.ok(reused >= cache.chunks.size - 3, `only ${reused} of ${cache.chunks.size} documents reused`);
  }
});

test('hover and provenance use file offsets in later documents', () => {
  const ws = fs.readFileSync(path.join(fixtureRoot(), 'workspaces', 'lsp-seed', 'workloads.yaml'), 'utf8');
  const policies = ['allow-egress-to-external-api', 'allow-frontend-to-backend'].map((n) => fs.readFileSync(path.join(fixtureRoot(), 'workspaces', 'lsp-seed', `${n}.yaml`), 'utf8'));
  const text = policies.join('---\n');
  const inc = analyzeIncremental('p.yaml', text, {}, newChunkCache());
  const world = loadWorkspace([{ file: 'w.yaml', text: ws }]).world;
  const offset = text.indexOf('name: allow-frontend-to-backend') + 8;
  const h = getHover(world, inc.analysis.policies, 'p.yaml', offset);
  assert.ok(h);
  assert.equal(text.slice(h.span.start, h.span.end), 'allow-frontend-to-backend');
});
