/**
 * Bad input never crashes the core: every fixture and example, and every prefix of them (as if
 * being typed), analyses without throwing, with every span inside the text. Hostile inputs
 * (binary, huge, deeply nested, alias bombs) end with a diagnostic or nothing, in bounded time.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../server/src/core';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';
import { parseFixture } from '../harness/fixture';

function assertSane(text: string, label: string): readonly { code: string }[] {
  let result;
  try {
    result = analyzeText(text);
  } catch (err) {
    assert.fail(`${label}: analyzeText threw ${(err as Error).stack}`);
  }
  for (const d of result.diagnostics) {
    assert.ok(d.span.start >= 0 && d.span.end <= text.length && d.span.start <= d.span.end, `${label}: span ${d.span.start}-${d.span.end} outside 0-${text.length} (${d.code})`);
    for (const e of d.fix?.edits ?? []) assert.ok(e.span.start >= 0 && e.span.end <= text.length, `${label}: fix edit outside the text`);
  }
  return result.diagnostics;
}

const corpus = [
  // Policy and workload files (the semantics tables are test data about manifests, not manifests).
  ...['diagnostics', 'hover', 'workspaces'].flatMap((d) => listFiles(path.join(fixtureRoot(), d), /\.ya?ml$/)).map((f) => ({ name: path.relative(fixtureRoot(), f), text: parseFixture(fs.readFileSync(f, 'utf8').replace('$0', '')).text })),
  ...listFiles(path.join(repoRoot(), 'examples'), /\.ya?ml$/).map((f) => ({ name: path.relative(repoRoot(), f), text: fs.readFileSync(f, 'utf8') })),
];

test('every prefix of every fixture and example analyses without throwing', { timeout: 300_000 }, () => {
  assert.ok(corpus.length > 0);
  for (const { name, text } of corpus) {
    // Every prefix of small files; for larger ones about 400 evenly spread prefixes plus every
    // line end, so the suite stays linear in the corpus size.
    const cuts = new Set<number>([text.length]);
    const step = text.length > 1200 ? Math.ceil(text.length / 400) : 1;
    for (let i = 0; i < text.length; i += step) cuts.add(i);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) cuts.add(i);
    for (const i of [...cuts].sort((a, b) => a - b)) assertSane(text.slice(0, i), `${name}[0:${i}]`);
  }
});

test('empty, whitespace, comments only, BOM, CRLF, tabs', () => {
  for (const t of ['', ' ', '\n\n', '# only a comment\n', '---\n---\n', '\uFEFFkind: NetworkPolicy\n', 'kind: NetworkPolicy\r\napiVersion: networking.k8s.io/v1\r\n', 'kind: NetworkPolicy\n\tapiVersion: x\n']) assertSane(t, JSON.stringify(t));
});

test('a BOM and CRLF line endings do not shift spans', () => {
  const text = '\uFEFFapiVersion: networking.k8s.io/v1\r\nkind: NetworkPolicy\r\nmetadata:\r\n  name: x\r\n  namespace: default\r\nspec:\r\n  podSelector: {}\r\n  ingress:\r\n  - ports:\r\n    - port: 8080\r\n      endPort: 80\r\n';
  const d = assertSane(text, 'bom+crlf') as readonly { code: string; span: { start: number; end: number } }[];
  const end = d.find((x) => x.code === 'NP204');
  assert.ok(end);
  assert.equal(text.slice(end.span.start, end.span.end), '80');
});

test('binary garbage and invalid UTF-8 decoded as text', () => {
  let seed = 7;
  const bytes = Buffer.alloc(64 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  assertSane(bytes.toString('utf8'), 'garbage');
  assertSane('kind: NetworkPolicy\nmetadata:\n  name: ' + bytes.subarray(0, 512).toString('latin1'), 'garbage in a policy');
});

test('deep nesting (10,000 levels) ends with NP003 or nothing', () => {
  for (const t of ['kind: NetworkPolicy\nspec: ' + '['.repeat(10000) + ']'.repeat(10000), 'kind: NetworkPolicy\nspec:\n' + Array.from({ length: 3000 }, (_, i) => ' '.repeat(i + 1) + 'a:').join('\n')]) {
    const d = assertSane(t, 'deep');
    assert.ok(d.every((x) => ['NP001', 'NP003'].includes(x.code)), JSON.stringify(d.map((x) => x.code)));
  }
});

test('alias bomb (billion laughs) stops at the alias budget with NP003', () => {
  const lines = ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: bomb', '  labels:', '    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`    ${cur}: &${cur} [${Array(10).fill('*' + prev).join(',')}]`);
  }
  const before = process.memoryUsage().heapUsed;
  const d = assertSane(lines.join('\n') + '\n', 'bomb');
  assert.ok(d.some((x) => x.code === 'NP003'));
  assert.ok(process.memoryUsage().heapUsed - before < 512 * 1024 * 1024, 'bounded memory');
});

test('a 10 MB file of policies is analysed, not refused, and its one broken policy is found', { timeout: 120_000 }, () => {
  const doc = (i: number) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p-${i}\n  namespace: ns-${i % 50}\nspec:\n  podSelector:\n    matchLabels:\n      app: a${i}\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: b${i}\n    ports:\n    - port: ${i === 777 ? 0 : 8080}\n`;
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 10 * 1024 * 1024; i++) {
    const d = doc(i);
    parts.push(d);
    size += d.length + 4;
  }
  const text = parts.join('---\n');
  const d = assertSane(text, '10MB');
  assert.deepEqual(d.map((x) => x.code), ['NP205']);
});

test('a very long line and half-typed documents', () => {
  assertSane('kind: NetworkPolicy\nmetadata:\n  name: ' + 'a'.repeat(2_000_000) + '\n', 'long line');
  const halfTyped = ['kind: NetworkPolicy\nspec:\n  ingress:\n  - from:\n    - ', 'kind: NetworkPolicy\nspec:\n  podSelector:\n    matchLabels:\n      app', 'kind: NetworkPolicy\nspec:\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.', 'kind: NetworkPolicy\nspec:\n  ingress:\n  - ports:\n    - port: "'];
  for (const t of halfTyped) assertSane(t, JSON.stringify(t));
});
