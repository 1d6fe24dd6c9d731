/** Language-server tests over real JSON-RPC: the built server, spawned over stdio. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeActionRequest, CodeLensRequest, Diagnostic, DidChangeWatchedFilesNotification, FileChangeType, HoverRequest } from 'vscode-languageserver-protocol';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../harness/files';
import { startServer } from './client';
import { analyzeText, LineIndex } from '../../server/src/core';

const broken = fs.readFileSync(path.join(repoRoot(), 'examples', 'broken.yaml'), 'utf8');
const seed = fs.readFileSync(path.join(repoRoot(), 'examples', 'allow-frontend-to-backend.yaml'), 'utf8');

function netpol(ds: Diagnostic[]): Diagnostic[] {
  return ds.filter((d) => d.source === 'netpol');
}

test('publishes diagnostics with code, source, docs link, field path and range on open', async () => {
  const c = await startServer();
  try {
    c.open('file:///w/broken.yaml', broken);
    const p = await c.diagnostics('file:///w/broken.yaml', (x) => x.diagnostics.length > 0);
    const end = p.diagnostics.find((d) => d.code === 'NP204');
    assert.ok(end, 'NP204 published');
    assert.equal(end.source, 'netpol');
    assert.match(String(end.message), /^spec\.ingress\[0\]\.ports\[0\]\.endPort: Invalid value: 80: must be greater than or equal to `port`/);
    assert.match(end.codeDescription!.href, /NP204-invalid-end-port\.md$/);
    const line = broken.split('\n')[end.range.start.line];
    assert.equal(line.slice(end.range.start.character, end.range.end.character), '80');
    assert.equal(p.version, 1);
  } finally {
    await c.close();
  }
});

test('a valid policy publishes an empty list, and fixing the text clears diagnostics', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///w/p.yaml';
    c.open(uri, seed.replace('app: backend', 'app: Back_End!'));
    const first = await c.diagnostics(uri);
    assert.deepEqual(netpol(first.diagnostics).map((d) => d.code), ['NP203']);
    c.change(uri, 2, seed);
    const second = await c.diagnostics(uri, (x) => x.version === 2);
    // Alone in the workspace the seed policy is valid: only information-level notes remain.
    assert.deepEqual(second.diagnostics.filter((d) => d.severity !== undefined && d.severity <= 2), []);
  } finally {
    await c.close();
  }
});

test('only the latest of rapid edits is answered, and non-NetworkPolicy YAML stays silent', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///w/d.yaml';
    c.open(uri, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: yes}\n');
    const first = await c.diagnostics(uri);
    assert.deepEqual(first.diagnostics, []);
    for (let v = 2; v <= 20; v++) c.change(uri, v, broken.slice(0, Math.floor((broken.length * v) / 20)));
    const last = await c.diagnostics(uri, (x) => x.version === 20);
    assert.ok(netpol(last.diagnostics).some((d) => d.code === 'NP204'));
  } finally {
    await c.close();
  }
});

test('severity settings from workspace/configuration apply per code', async () => {
  const c = await startServer({ settings: { severity: { NP204: 'warning', NP205: 'off' } } });
  try {
    const uri = 'file:///w/s.yaml';
    // Give the server time to pull the configuration: it re-publishes after reading it.
    c.open(uri, broken);
    const p = await c.diagnostics(uri, (x) => x.diagnostics.some((d) => d.code === 'NP204' && d.severity === 2));
    assert.ok(!p.diagnostics.some((d) => d.code === 'NP205'));
  } finally {
    await c.close();
  }
});

test('code actions come from the diagnostics data: quoting a YAML 1.1 boolean', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///w/q.yaml';
    const text = seed.replace('app: frontend', 'app: yes');
    c.open(uri, text);
    const p = await c.diagnostics(uri, (x) => x.diagnostics.length > 0);
    const d = p.diagnostics.find((x) => x.code === 'NP103');
    assert.ok(d, 'NP103 for app: yes');
    const actions = await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
    assert.ok(Array.isArray(actions) && actions.length === 1);
    const action = actions[0] as { title: string; edit: { changes: Record<string, { newText: string }[]> } };
    assert.equal(action.edit.changes[uri][0].newText, '"yes"');

    // A client that does not send `data` back gets the same fix, found in what was published.
    const { data: _dropped, ...bare } = d;
    const again = await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [bare], only: ['quickfix'] } });
    const strip = (xs: unknown) => (xs as { title: string; edit: unknown }[]).map((a) => ({ title: a.title, edit: a.edit }));
    assert.deepEqual(strip(again), strip(actions));
    // A diagnostic the server never published (another message) gets none.
    const foreign = await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [{ ...bare, message: 'something else' }], only: ['quickfix'] } });
    assert.deepEqual(foreign, []);

    // After an edit the old fix's ranges point at other text: it is not offered until the new
    // version's diagnostics are published, and then it is offered with the new ranges.
    c.change(uri, 2, `# a line above\n${text}`);
    const stale = await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
    assert.deepEqual(stale, []);
    const p2 = await c.diagnostics(uri, (x) => x.version === 2 && x.diagnostics.some((y) => y.code === 'NP103'));
    const d2 = p2.diagnostics.find((x) => x.code === 'NP103')!;
    assert.equal(d2.range.start.line, d.range.start.line + 1);
    const fresh = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d2.range, context: { diagnostics: [d2], only: ['quickfix'] } })) as { edit: { changes: Record<string, { range: { start: { line: number } }; newText: string }[]> } }[];
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0].edit.changes[uri][0].range.start.line, d.range.start.line + 1);
  } finally {
    await c.close();
  }
});

test('the server survives hostile input and keeps serving', async () => {
  const c = await startServer();
  try {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    const hostile = [
      '\u0000\u0001\u0002garbage\uFFFD\n\t:::\n',
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  labels:\n    ' + bomb.join('\n    ') + '\n',
      'kind: NetworkPolicy\n' + '['.repeat(5000) + ']'.repeat(5000) + '\n',
      'kind: NetworkPolicy\nspec:\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {a: ',
    ];
    hostile.forEach((t, i) => c.open(`file:///w/h${i}.yaml`, t));
    for (let i = 0; i < hostile.length; i++) await c.diagnostics(`file:///w/h${i}.yaml`, () => true, 30000);
    c.open('file:///w/after.yaml', broken);
    const after = await c.diagnostics('file:///w/after.yaml', (x) => x.diagnostics.length > 0);
    assert.ok(after.diagnostics.some((d) => d.code === 'NP204'));
    assert.equal(c.process.exitCode, null, 'server still running');
  } finally {
    await c.close();
  }
});

test('hover on a policy names the pods it selects and who can reach them, from the scanned workspace', async () => {
  const folder = path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'lsp-seed');
  const c = await startServer({ folder });
  try {
    const uri = pathToFileURL(path.join(folder, 'allow-frontend-to-backend.yaml')).href;
    const text = fs.readFileSync(path.join(folder, 'allow-frontend-to-backend.yaml'), 'utf8');
    c.open(uri, text);
    await c.diagnostics(uri);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('name: allow-frontend-to-backend'));
    const position = { line, character: lines[line].indexOf('allow') + 3 };
    // The workspace scan runs in the background: poll until the workloads are known.
    let value = '';
    for (const deadline = Date.now() + 10000; Date.now() < deadline; ) {
      const h = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
      value = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
      if (value.includes('default/frontend-pod')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(value, /NetworkPolicy `default\/allow-frontend-to-backend`/);
    assert.match(value, /default\/backend \(Deployment\)/);
    assert.match(value, /^- ✔ from `default\/frontend-pod` — any port$/m);
    assert.match(value, /^- ✘ from `default\/database`, `kube-system\/coredns`/m);
    assert.match(value, /`default\/frontend-pod` can still connect to .*`default\/database`/);
    const lenses = await c.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.equal(lenses?.length, 1);
    assert.equal(lenses?.[0].command?.command, 'netpolLens.describe');
  } finally {
    await c.close();
  }
});

test('a client that opens at version 0 gets its first edit (version 1) analysed', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///w/v0.yaml';
    c.open(uri, broken, 0);
    const first = await c.diagnostics(uri, (x) => x.version === 0);
    assert.ok(first.diagnostics.some((d) => d.code === 'NP204'));
    c.change(uri, 1, seed);
    const second = await c.diagnostics(uri, (x) => x.version === 1);
    assert.deepEqual(second.diagnostics.filter((d) => d.severity !== undefined && d.severity <= 2), []);
  } finally {
    await c.close();
  }
});

test('a workload file changed on disk updates the answers without a restart (didChangeWatchedFiles)', async () => {
  const folder = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'netpol-ws-'));
  try {
    const seedDir = path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'lsp-seed');
    fs.copyFileSync(path.join(seedDir, 'allow-frontend-to-backend.yaml'), path.join(folder, 'policy.yaml'));
    fs.mkdirSync(path.join(folder, 'node_modules'));
    fs.copyFileSync(path.join(seedDir, 'workloads.yaml'), path.join(folder, 'node_modules', 'ignored.yaml'));
    fs.writeFileSync(path.join(folder, 'frontend.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: frontend-pod, namespace: default, labels: {app: frontend}}\nspec: {containers: [{name: web, image: nginx}]}\n');
    const c = await startServer({ folder });
    try {
      const uri = pathToFileURL(path.join(folder, 'policy.yaml')).href;
      const text = fs.readFileSync(path.join(folder, 'policy.yaml'), 'utf8');
      c.open(uri, text);
      await c.diagnostics(uri);
      const line = text.split('\n').findIndex((l) => l.includes('name: allow'));
      const hover = async () => {
        const h = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 10 } });
        return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
      };
      // Once the scan has found the frontend pod, node_modules' backend must still be unknown.
      let first = '';
      for (const deadline = Date.now() + 5000; Date.now() < deadline && !first.includes('default/frontend-pod'); ) first = await hover();
      assert.match(first, /default\/frontend-pod/);
      assert.match(first, /\*\*Selects\*\* .* in the workspace: none/);
      fs.copyFileSync(path.join(seedDir, 'workloads.yaml'), path.join(folder, 'workloads.yaml'));
      c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path.join(folder, 'workloads.yaml')).href, type: FileChangeType.Created }] });
      let value = '';
      for (const deadline = Date.now() + 5000; Date.now() < deadline && !value.includes('default/backend (Deployment)'); ) value = await hover();
      assert.match(value, /default\/backend \(Deployment\)/);
      fs.rmSync(path.join(folder, 'workloads.yaml'));
      c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path.join(folder, 'workloads.yaml')).href, type: FileChangeType.Deleted }] });
      for (const deadline = Date.now() + 5000; Date.now() < deadline && value.includes('default/backend (Deployment)'); ) value = await hover();
      assert.match(value, /\*\*Selects\*\* .* in the workspace: none/);
    } finally {
      await c.close();
    }
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('the describe and plan requests behind the editor commands answer kubectl-style text', async () => {
  const folder = path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'lsp-seed');
  const c = await startServer({ folder });
  try {
    const uri = pathToFileURL(path.join(folder, 'allow-frontend-to-backend.yaml')).href;
    c.open(uri, fs.readFileSync(path.join(folder, 'allow-frontend-to-backend.yaml'), 'utf8'));
    await c.diagnostics(uri);
    const text = await c.connection.sendRequest<string>('netpolLens/describe', { uri, index: 0 });
    assert.match(text, /^Name: {9}allow-frontend-to-backend$/m);
    assert.match(text, /^ {2}PodSelector: {5}app=backend$/m);
    assert.match(text, /^ {6}PodSelector: app=frontend$/m);
    let plan = '';
    for (const deadline = Date.now() + 5000; Date.now() < deadline && !plan.includes('frontend-pod'); ) plan = await c.connection.sendRequest<string>('netpolLens/plan', { uri });
    assert.match(plan, /kubectl exec -n default frontend-pod/);
  } finally {
    await c.close();
  }
});

test('editing one open file refreshes the workspace findings of the other open files', async () => {
  const c = await startServer();
  try {
    const pods = (a: string, b: string) =>
      [a, b].map((app) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${app}-pod\n  namespace: default\n  labels:\n    app: ${app}\nspec:\n  containers:\n  - name: c\n    image: x\n`).join('---\n');
    const policyUri = 'file:///w/policy.yaml';
    const podsUri = 'file:///w/pods.yaml';
    c.open(podsUri, pods('web', 'db'));
    c.open(policyUri, seed);
    // No pod has app=backend or app=frontend: NP401 on the policy.
    await c.diagnostics(policyUri, (p) => p.diagnostics.some((d) => d.code === 'NP401'), 15_000);
    // The pods file gets the right labels; only the pods file is edited.
    c.change(podsUri, 2, pods('backend', 'frontend'));
    const after = await c.diagnostics(policyUri, (p) => !p.diagnostics.some((d) => d.code === 'NP401'), 15_000);
    assert.deepEqual(netpol(after.diagnostics).filter((d) => d.severity === 1 || d.severity === 2), []);
  } finally {
    await c.close();
  }
});

test('a large file opened in the editor gets exactly the diagnostics of a whole-file analysis', async () => {
  const gen = (await import(pathToFileURL(path.join(repoRoot(), 'scripts', 'gen-policies.mjs')).href)) as { generatePolicyStream: (n: number, seed?: number) => { text: string } };
  const text = gen.generatePolicyStream(400, 7).text;
  const uri = 'file:///w/many.yaml';
  const expected = analyzeText(text).diagnostics;
  assert.ok(expected.length > 20, 'the generated stream has findings');
  const c = await startServer();
  try {
    c.open(uri, text);
    const got = await c.diagnostics(uri, (p) => p.diagnostics.length > 0, 60_000);
    const lines = new LineIndex(text);
    const key = (code: unknown, message: string, offset: number) => `${String(code)} ${lines.positionAt(offset).line}:${lines.positionAt(offset).character} ${message}`;
    assert.deepEqual(
      got.diagnostics.map((d) => `${String(d.code)} ${d.range.start.line}:${d.range.start.character} ${d.message}`).sort(),
      expected.map((d) => key(d.code, d.path ? `${d.path}: ${d.message}` : d.message, d.span.start)).sort(),
    );
  } finally {
    await c.close();
  }
});
