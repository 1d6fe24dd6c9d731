/**
 * The semantic diff in the language server over real JSON-RPC: with no help from the client the
 * baseline is the text at open (any LSP client); `netpolLens/baseline` (what the VS Code client
 * sends from git's HEAD) replaces it. Code lens on each changed policy, the hover's diff block,
 * the `netpolLens/diff` detail, and a lens for policies the file no longer has.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeLens, CodeLensRequest, HoverRequest, MarkupContent } from 'vscode-languageserver-protocol';
import { repoRoot } from '../harness/files';
import { startServer, TestClient } from './client';

const seedDir = path.join(repoRoot(), 'test', 'e2e', 'workspace', 'seed');
const FILE = 'allow-frontend-to-backend.yaml';

async function poll<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await probe().catch((e) => ((last = e), undefined));
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${String(last ?? '')})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function lenses(c: TestClient, uri: string): Promise<CodeLens[]> {
  return c.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }) as Promise<CodeLens[]>;
}

async function diffLens(c: TestClient, uri: string, accept: (title: string) => boolean): Promise<CodeLens> {
  return poll(async () => (await lenses(c, uri)).find((l) => l.command && l.command.command === 'netpolLens.showDiff' && accept(l.command.title)), 'a semantic diff code lens');
}

function withSeed<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-lsp-diff-'));
  for (const f of fs.readdirSync(seedDir)) fs.copyFileSync(path.join(seedDir, f), path.join(dir, f));
  return body(dir).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

const widen = (text: string) => text.replace('    - podSelector:\n        matchLabels:\n          app: frontend\n', '    - podSelector: {}\n');

test('no client help: the baseline is the text at open; widening the guide policy shows +1 in a code lens, the hover and the detail', () =>
  withSeed(async (dir) => {
    const c = await startServer({ folder: dir });
    try {
      const uri = pathToFileURL(path.join(dir, FILE)).href;
      const text = fs.readFileSync(path.join(dir, FILE), 'utf8');
      c.open(uri, text);
      await c.diagnostics(uri);
      // Unchanged: the describe lens only.
      const first = await poll(async () => {
        const l = await lenses(c, uri);
        return l.length > 0 ? l : undefined;
      }, 'lenses');
      assert.deepEqual(first.map((l) => l.command?.command), ['netpolLens.describe']);
      const wide = widen(text);
      assert.notEqual(wide, text);
      c.change(uri, 2, wide);
      // database -> backend gains every port (backend -> backend stays blocked by backend's egress policy).
      const lens = await diffLens(c, uri, (t) => t.startsWith('vs the file as opened: '));
      assert.equal(lens.command!.title, 'vs the file as opened: +1 connections allowed, −0 blocked');
      assert.deepEqual(lens.command!.arguments, [uri, 'default', 'allow-frontend-to-backend']);
      assert.match(String((lens.command as { tooltip?: string }).tooltip), /Pairs \(source → destination\)/);
      assert.equal(lens.range.start.line, 1); // the policy starts after the comment line
      const hover = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 8 } });
      const md = (hover!.contents as MarkupContent).value;
      assert.match(md, /^\*\*vs the file as opened: \+1 connections allowed, −0 blocked\*\*\n- ⚠ added: default/);
      assert.ok(md.indexOf('default/database → default/backend') < md.indexOf('---'), md);
      const detail = await c.connection.sendRequest('netpolLens/diff', { uri, format: 'md', namespace: 'default', name: 'allow-frontend-to-backend' }) as string;
      assert.match(detail, /\| added \| default\/database \| default\/backend \| nothing \| all ports \| default\/allow-frontend-to-backend spec\.ingress\\\[0\\\] \(.*allow-frontend-to-backend\.yaml:12\) allows all ports \|/);
      // Back to the text at open: no diff lens again.
      c.change(uri, 3, text);
      await poll(async () => ((await lenses(c, uri)).some((l) => l.command?.command === 'netpolLens.showDiff') ? undefined : true), 'the diff lens to go away');
    } finally {
      await c.close();
    }
  }));

test('netpolLens/baseline replaces the text at open (as the VS Code client sends HEAD); a removed policy gets a lens at the top', () =>
  withSeed(async (dir) => {
    const c = await startServer({ folder: dir });
    try {
      const uri = pathToFileURL(path.join(dir, FILE)).href;
      const text = fs.readFileSync(path.join(dir, FILE), 'utf8');
      c.open(uri, text);
      await c.diagnostics(uri);
      // HEAD had the widened policy: the file on disk narrows it back.
      c.connection.sendNotification('netpolLens/baseline', { uri, text: widen(text), label: 'HEAD' });
      const lens = await diffLens(c, uri, (t) => t.startsWith('vs HEAD'));
      assert.equal(lens.command!.title, 'vs HEAD: +0 connections allowed, −1 blocked');
      // HEAD had a second policy in this file that is gone now.
      const extra = `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db-from-frontend, namespace: default}\nspec:\n  podSelector: {matchLabels: {app: database}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]\n`;
      c.connection.sendNotification('netpolLens/baseline', { uri, text: text + extra, label: 'HEAD' });
      const top = await diffLens(c, uri, (t) => t.includes('removed'));
      // Without it database is no longer isolated for ingress. frontend-pod was allowed already;
      // backend's egress only reaches 203.0.113.5; coredns and both outside ranges gain every port.
      assert.equal(top.command!.title, 'vs HEAD: removed default/db-from-frontend: +3 connections allowed, −0 blocked');
      assert.equal(top.range.start.line, 0);
      const detail = await c.connection.sendRequest('netpolLens/diff', { uri, format: 'text' }) as string;
      assert.match(detail, /^.* compared with HEAD\n3 pairs changed: 3 widening, 0 only narrowing\./);
      assert.match(detail, /\+ added: kube-system\/coredns -> default\/database\n {4}before: nothing\n {4}after: {2}all ports\n {4}why: default\/db-from-frontend \(.*allow-frontend-to-backend\.yaml:17\) no longer isolates default\/database for ingress/);
      assert.match(detail, /\+ added: 203\.0\.113\.5\/32 -> default\/database/);
      assert.doesNotMatch(detail, /default\/backend -> default\/database/);
    } finally {
      await c.close();
    }
  }));

test('a large workspace (over 300 pods): the diff is computed after a pause, then the lens appears', () =>
  withSeed(async (dir) => {
    // 400 pods in namespace other: a podSelector-only peer of a default policy never selects them.
    const pods = Array.from({ length: 400 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: other, labels: {app: filler}}\nspec: {containers: [{name: c, image: i}]}\n`).join('---\n');
    fs.writeFileSync(path.join(dir, 'many.yaml'), pods);
    const c = await startServer({ folder: dir });
    try {
      const uri = pathToFileURL(path.join(dir, FILE)).href;
      const text = fs.readFileSync(path.join(dir, FILE), 'utf8');
      c.open(uri, text);
      await c.diagnostics(uri);
      c.change(uri, 2, widen(text));
      const lens = await diffLens(c, uri, (t) => t.startsWith('vs the file as opened: '));
      assert.equal(lens.command!.title, 'vs the file as opened: +1 connections allowed, −0 blocked');
    } finally {
      await c.close();
    }
  }));

test('a workspace with many policies: a hover right after an edit does not wait for the diff, and never shows a diff of an older text', () =>
  withSeed(async (dir) => {
    // 250 policies in namespace other (over the 200 the server diffs inside a request).
    const policies = Array.from({ length: 250 }, (_, i) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: filler-${i}, namespace: other}\nspec: {podSelector: {matchLabels: {app: filler-${i}}}}\n`).join('---\n');
    fs.writeFileSync(path.join(dir, 'many-policies.yaml'), policies);
    const c = await startServer({ folder: dir });
    try {
      const uri = pathToFileURL(path.join(dir, FILE)).href;
      const text = fs.readFileSync(path.join(dir, FILE), 'utf8');
      const hoverText = async () => {
        const h = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 8 } });
        return (h!.contents as MarkupContent).value;
      };
      c.open(uri, text);
      await c.diagnostics(uri);
      c.change(uri, 2, widen(text));
      await c.diagnostics(uri, (p) => p.version === 2);
      // Right after the edit: the policy's hover, without a diff block (it is computed once typing pauses).
      const now = await hoverText();
      assert.match(now, /podSelector/);
      assert.doesNotMatch(now, /vs the file as opened/);
      // After the pause: the block is there.
      await poll(async () => ((await hoverText()).startsWith('**vs the file as opened: +1 connections allowed, −0 blocked**') ? true : undefined), 'the diff block in the hover');
      // Back to the policy as opened (plus a comment): the +1 of the older text must not be shown.
      c.change(uri, 3, text + '# reviewed\n');
      await c.diagnostics(uri, (p) => p.version === 3);
      assert.doesNotMatch(await hoverText(), /vs the file as opened: \+1/);
    } finally {
      await c.close();
    }
  }));
