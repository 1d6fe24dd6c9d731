/**
 * Hostile inputs for the server's workspace scan and for open documents: a folder with symlink
 * loops, a binary .yaml, a 50 MB .yaml (over the scan limit: skipped with a log line, never
 * read), invalid UTF-8, deeply nested YAML and a FIFO named .yaml, next to one valid policy and
 * its pods. The scan must finish, hovers must still name the pods, and the server must keep
 * answering. A 50 MB document opened in the editor gets one bounded answer.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeLensRequest, DidChangeWatchedFilesNotification, FileChangeType, HoverRequest, MessageType } from 'vscode-languageserver-protocol';
import { escapeRegExp as escape, repoRoot } from '../harness/files';
import { aliasFolder, makeSpecialFolder, manyFiles } from '../harness/hostile';
import { startServer, TestClient } from './client';

const MB = 1024 * 1024;
const seedFolder = path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'lsp-seed');
const broken = fs.readFileSync(path.join(repoRoot(), 'examples', 'broken.yaml'), 'utf8');

/**
 * FIXME: known server bugs these tests catch, to be fixed in server/src and then removed from
 * this list (the test then asserts the correct behaviour again). Each id names a check below.
 */
// Server bugs this file found stay listed here (with a FIXME) until fixed; none are open now.
const KNOWN_BUGS: ReadonlySet<string> = new Set<string>([]);

function policyDoc(i: number): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p-${i}\n  namespace: default\nspec:\n  podSelector:\n    matchLabels:\n      app: a${i}\n  ingress:\n  - from:\n    - podSelector: {}\n`;
}

/** About `bytes` of valid NetworkPolicy YAML (so a scan that read it would find it relevant). */
function policies(bytes: number): string {
  const chunk: string[] = [];
  let size = 0;
  for (let i = 0; size < MB; i++) {
    const d = policyDoc(i) + '---\n';
    chunk.push(d);
    size += d.length;
  }
  const one = chunk.join('');
  return one.repeat(Math.ceil(bytes / one.length));
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function hoverText(h: unknown): string {
  const c = (h as { contents?: unknown } | null)?.contents;
  return c && typeof c === 'object' && 'value' in c ? String((c as { value: string }).value) : '';
}

/** The server still answers: a broken policy opened now gets its NP204. */
async function stillServing(c: TestClient, name: string): Promise<void> {
  const uri = `file:///w/${name}.yaml`;
  c.open(uri, broken);
  const p = await c.diagnostics(uri, (x) => x.diagnostics.length > 0, 15_000);
  assert.ok(p.diagnostics.some((d) => d.code === 'NP204'), 'NP204 for the broken example');
  const line = broken.split('\n').findIndex((l) => l.includes('name: Broken_Policy'));
  await withDeadline(c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 10 } }), 10_000, 'hover');
  assert.equal(c.process.exitCode, null, `server exited: ${c.stderr.join('')}`);
  assert.equal(c.process.signalCode, null, 'server was killed');
}

/** Opens root/ok/allow-frontend-to-backend.yaml (copied from the seed) and waits for its diagnostics; where its name is, for a hover. */
async function openSeedPolicy(c: TestClient, root: string): Promise<{ uri: string; position: { line: number; character: number } }> {
  const file = path.join(root, 'ok', 'allow-frontend-to-backend.yaml');
  const uri = pathToFileURL(file).href;
  const text = fs.readFileSync(file, 'utf8');
  c.open(uri, text);
  await c.diagnostics(uri);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('name: allow-frontend-to-backend'));
  return { uri, position: { line, character: lines[line].indexOf('allow') + 3 } };
}

function makeHostileFolder(): { root: string; huge: string; binary: string; made: string[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-hostile-'));
  const made: string[] = [];
  // Symlink loops: a link to the folder itself, a link cycle a/b -> ../a, a file link to itself,
  // and a dangling link.
  fs.symlinkSync('.', path.join(root, 'loop'));
  fs.mkdirSync(path.join(root, 'a'));
  fs.symlinkSync('../a', path.join(root, 'a', 'b'));
  fs.symlinkSync('self.yaml', path.join(root, 'self.yaml'));
  fs.symlinkSync('nowhere.yaml', path.join(root, 'dangling.yaml'));
  made.push('symlink loops');
  // Binary: a policy header, then bytes with NULs.
  const bytes = Buffer.alloc(256 * 1024);
  let s = 11;
  for (let i = 0; i < bytes.length; i++) bytes[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  const binary = path.join(root, 'binary.yaml');
  fs.writeFileSync(binary, Buffer.concat([Buffer.from('kind: NetworkPolicy\n'), bytes]));
  made.push('binary');
  // 50 MB of valid policies: over the scan limit, so it must be skipped without reading it.
  const huge = path.join(root, 'huge.yaml');
  const fd = fs.openSync(huge, 'w');
  const chunk = Buffer.from(policies(MB));
  for (let written = 0; written < 50 * MB; written += chunk.length) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  made.push(`huge (${fs.statSync(huge).size} bytes)`);
  // Invalid UTF-8 (overlong, lone continuation, truncated sequences, 0xFF) inside a policy.
  fs.writeFileSync(path.join(root, 'invalid-utf8.yaml'), Buffer.concat([
    Buffer.from('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: bad-'),
    Buffer.from([0xc0, 0xaf, 0x80, 0xff, 0xfe, 0xe2, 0x82]),
    Buffer.from('\n  namespace: default\n  labels:\n    x: "'),
    Buffer.from([0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]),
    Buffer.from('"\nspec:\n  podSelector: {}\n'),
  ]));
  made.push('invalid UTF-8');
  // Deeply nested YAML, flow and block, in a workload the scan finds relevant.
  fs.writeFileSync(path.join(root, 'deep-flow.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\nspec: ' + '['.repeat(20000) + ']'.repeat(20000) + '\n');
  fs.writeFileSync(path.join(root, 'deep-block.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: deeper\nspec:\n' + Array.from({ length: 3000 }, (_, i) => ' '.repeat(i + 1) + 'a:').join('\n') + '\n');
  made.push('deep nesting');
  // A FIFO named .yaml: reading it would block the scan forever.
  try {
    execFileSync('mkfifo', [path.join(root, 'fifo.yaml')]);
    made.push('fifo');
  } catch {
    // No mkfifo here: the rest still runs.
  }
  // The one valid policy and the pods it selects.
  fs.mkdirSync(path.join(root, 'ok'));
  for (const f of ['allow-frontend-to-backend.yaml', 'workloads.yaml']) fs.copyFileSync(path.join(seedFolder, f), path.join(root, 'ok', f));
  return { root, huge, binary, made };
}

test('the workspace scan survives symlink loops, binary, huge, invalid UTF-8, deep and FIFO files', { timeout: 120_000 }, async (t) => {
  const { root, huge, binary, made } = makeHostileFolder();
  t.diagnostic(`hostile folder ${root}: ${made.join(', ')}`);
  const c = await startServer({ folder: root });
  try {
    const started = Date.now();
    const scanned = await until('the scan to finish ("scanned N YAML files" log line)', 60_000, () => c.logs.find((l) => /scanned \d+ YAML files/.test(l.message)));
    t.diagnostic(`${scanned.message} (seen after ${Date.now() - started} ms)`);
    const logText = c.logs.map((l) => l.message).join('\n');
    assert.match(logText, new RegExp(`skipping ${escape(huge)}: \\d+ bytes is over the \\d+-byte limit`), 'the 50 MB file is skipped by its size, with a log line');
    assert.match(logText, new RegExp(`skipping ${escape(binary)}: binary content`), 'the binary file is skipped with a log line');
    assert.deepEqual(c.logs.filter((l) => l.type === MessageType.Error).map((l) => l.message), [], 'no handler failed');

    const { uri, position } = await openSeedPolicy(c, root);
    const value = await until('a hover naming default/frontend-pod', 20_000, async () => {
      const v = hoverText(await withDeadline(c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), 10_000, 'hover'));
      return v.includes('default/frontend-pod') ? v : undefined;
    });
    assert.match(value, /allow-frontend-to-backend/);
    await stillServing(c, 'after-scan');
  } finally {
    await c.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a 50 MB document opened in the editor gets one bounded info diagnostic, and the server keeps serving', { timeout: 180_000 }, async (t) => {
  const c = await startServer();
  try {
    const uri = 'file:///w/huge-open.yaml';
    const text = policies(50 * MB);
    assert.ok(text.length > 32 * MB, 'over MAX_DOCUMENT_CHARS');
    const started = Date.now();
    c.open(uri, text);
    const p = await c.diagnostics(uri, () => true, 30_000);
    t.diagnostic(`${text.length} characters: diagnostics after ${Date.now() - started} ms`);
    assert.equal(p.diagnostics.length, 1, JSON.stringify(p.diagnostics).slice(0, 500));
    assert.equal(p.diagnostics[0].severity, 3, 'an information diagnostic');
    assert.match(String(p.diagnostics[0].message), /characters, over the/);
    await stillServing(c, 'after-huge-open');

    // An editor asks for hovers and code lenses on the big file too: they must answer quickly
    // (with nothing), not analyse 50 MB on the server's only thread.
    const bug = 'hover-and-codelens-on-huge-document';
    if (KNOWN_BUGS.has(bug)) {
      t.diagnostic(`KNOWN BUG ${bug} (see KNOWN_BUGS): not asking for hover/code lens on the 50 MB document`);
    } else {
      const asked = Date.now();
      await withDeadline(c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 9 } }), 5_000, 'hover on the 50 MB document');
      await withDeadline(c.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }), 5_000, 'code lens on the 50 MB document');
      t.diagnostic(`hover and code lens on the 50 MB document answered in ${Date.now() - asked} ms`);
      await stillServing(c, 'after-huge-hover');
    }
  } finally {
    await c.close();
  }
});

test('a document that grows past the limit does not keep its old diagnostics', { timeout: 60_000 }, async (t) => {
  const bug = 'stale-diagnostics-past-limit';
  if (KNOWN_BUGS.has(bug)) {
    t.diagnostic(`KNOWN BUG ${bug} (see KNOWN_BUGS): not checked`);
    return;
  }
  const c = await startServer();
  try {
    const uri = 'file:///w/grows.yaml';
    c.open(uri, broken, 1);
    await c.diagnostics(uri, (x) => x.diagnostics.some((d) => d.code === 'NP204'));
    // Pasting 34 MB of something else (not a policy) over it.
    c.change(uri, 2, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  k: ' + 'x'.repeat(34 * MB) + '\n');
    const p = await c.diagnostics(uri, (x) => x.version === 2, 15_000);
    assert.ok(!p.diagnostics.some((d) => d.code === 'NP204'), 'the old NP204 is gone');
    await stillServing(c, 'after-growing');
  } finally {
    await c.close();
  }
});

test('the CLI suite\'s hostile folder as a workspace: hover answers within 1 s while the scan runs, nothing outside the folder is read', { timeout: 180_000 }, async (t) => {
  const f = makeSpecialFolder();
  // Enough small files that the scan is still running when the hover is asked.
  manyFiles(path.join(f.root, 'many'), 3000);
  const c = await startServer({ folder: f.root });
  try {
    const text = fs.readFileSync(f.policy, 'utf8');
    const uri = pathToFileURL(f.policy).href;
    c.open(uri, text);
    await c.diagnostics(uri);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('name: allow-frontend'));
    const scanDone = () => c.logs.some((l) => /scanned \d+ YAML files/.test(l.message));
    const asked = Date.now();
    const during = !scanDone();
    await withDeadline(c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line].indexOf('allow') + 2 } }), 1_000, 'hover while scanning');
    t.diagnostic(`hover answered in ${Date.now() - asked} ms (${during ? 'while scanning' : 'after the scan'})`);
    await until('the scan to finish', 150_000, () => (scanDone() ? true : undefined));
    const logText = c.logs.map((l) => l.message).join('\n');
    for (const name of ['link', 'secret-link.yaml', ...(f.made.includes('z.yaml') ? ['z.yaml'] : []), ...(f.made.includes('r.yml') ? ['r.yml'] : [])]) {
      assert.match(logText, new RegExp(`skipping ${escape(path.join(f.root, name))}: symbolic link to .*, outside the workspace folders`), `${name} is not followed`);
    }
    if (f.made.includes('x.yaml')) assert.match(logText, new RegExp(`skipping ${escape(path.join(f.root, 'x.yaml'))}: not a regular file`));
    assert.doesNotMatch(logText, /outside-secret/);
    // The hover after the scan names the pods inside, and no policy from outside.
    const value = await until('a hover naming default/frontend', 20_000, async () => {
      const v = hoverText(await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line].indexOf('allow') + 2 } }));
      return v.includes('default/frontend') ? v : undefined;
    });
    assert.doesNotMatch(value, /outside-secret/);
    await stillServing(c, 'after-special-folder');
  } finally {
    await c.close();
    fs.rmSync(path.dirname(f.root), { recursive: true, force: true });
  }
});

test('200 files each just under the per-file alias budget as a workspace: the scan stops at the workspace budget, NP003 names the file, the server keeps answering', { timeout: 180_000 }, async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-alias-ws-'));
  const files = aliasFolder(path.join(root, 'aliases'), 200);
  fs.mkdirSync(path.join(root, 'ok'));
  for (const f of ['allow-frontend-to-backend.yaml', 'workloads.yaml']) fs.copyFileSync(path.join(seedFolder, f), path.join(root, 'ok', f));
  const c = await startServer({ folder: root });
  try {
    const started = Date.now();
    // While the scan runs: a hover on an open document is answered.
    const { uri, position } = await openSeedPolicy(c, root);
    const scanDone = () => c.logs.some((l) => /scanned \d+ YAML files/.test(l.message));
    const during = !scanDone();
    const asked = Date.now();
    await withDeadline(c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), 5_000, 'hover while scanning');
    t.diagnostic(`hover answered in ${Date.now() - asked} ms (${during ? 'while scanning' : 'after the scan'})`);
    const scanned = await until('the scan to finish', 150_000, () => c.logs.find((l) => /scanned \d+ YAML files/.test(l.message)));
    t.diagnostic(`${scanned.message} (seen after ${Date.now() - started} ms)`);
    // The log says where the budget ran out: 3,000,000 / 995,760 per file, the fourth file.
    const spent = c.logs.filter((l) => /aliases expand to more than 3000000 nodes in all the files read/.test(l.message));
    assert.equal(spent.length, 1, c.logs.map((l) => l.message).join('\n').slice(0, 2000));
    assert.match(spent[0].message, new RegExp(`the budget ran out in ${escape(pathToFileURL(files[3]).href)};`));
    // The Problems panel gets NP003 for that file (not open), and for a later one naming it.
    const at = await c.diagnostics(pathToFileURL(files[3]).href, (p) => p.diagnostics.some((d) => d.code === 'NP003'), 60_000);
    assert.match(String(at.diagnostics.find((d) => d.code === 'NP003')?.message), /aliases in all the files read expand to more than 3000000 nodes \(the budget of one run or workspace\)/);
    const later = await c.diagnostics(pathToFileURL(files[150]).href, (p) => p.diagnostics.some((d) => d.code === 'NP003'), 60_000);
    assert.match(String(later.diagnostics.find((d) => d.code === 'NP003')?.message), new RegExp(`spent by ${escape(pathToFileURL(files[3]).href)}`));
    const first = c.history.filter((p) => p.uri === pathToFileURL(files[0]).href).at(-1);
    assert.ok(!first?.diagnostics.some((d) => d.code === 'NP003'), 'the first file is under the budget');
    // The pods and policy of ok/ still answer the hover.
    const value = await until('a hover naming default/frontend-pod', 20_000, async () => {
      const v = hoverText(await withDeadline(c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), 10_000, 'hover'));
      return v.includes('default/frontend-pod') ? v : undefined;
    });
    assert.match(value, /allow-frontend-to-backend/);
    // A file deleted gives back what it spent: with a0000.yaml gone, a0003.yaml read again fits (2,987,280 nodes in all).
    fs.rmSync(files[0]);
    c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(files[0]).href, type: FileChangeType.Deleted }, { uri: pathToFileURL(files[3]).href, type: FileChangeType.Changed }] });
    await c.diagnostics(pathToFileURL(files[3]).href, (p) => !p.diagnostics.some((d) => d.code === 'NP003') && p.diagnostics.length > 0, 60_000);
    await stillServing(c, 'after-alias-folder');
  } finally {
    await c.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
