/**
 * Connectivity assertions in the editor, over real JSON-RPC (the built server): the failing
 * assertion's NP501 on exactly its comment line with links to the deciding policies, cleared when
 * a policy that makes it hold is added; the quick fix that flips the outcome word; the "✓ holds"
 * code lenses (and the setting that hides them); completion inside an assertion.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeAction, CodeActionRequest, CodeLens, CodeLensRequest, CompletionItem, CompletionList, CompletionRequest, Diagnostic } from 'vscode-languageserver-protocol';
import { repoRoot } from '../harness/files';
import { startServer, until } from './client';
import { DATABASE_DENY_INGRESS } from '../harness/policies';

const guide = path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'assertions');

function copyGuide(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-lsp-assert-'));
  for (const f of fs.readdirSync(guide)) fs.copyFileSync(path.join(guide, f), path.join(dir, f));
  return dir;
}

const np = (ds: Diagnostic[], code: string) => ds.filter((d) => d.source === 'netpol' && d.code === code);

const DB_DENY = DATABASE_DENY_INGRESS;

test('a failing assertion is an error on exactly its line, linked to the deciding policy; adding a policy that makes it hold clears it', async () => {
  const dir = copyGuide();
  const c = await startServer({ folder: dir });
  try {
    const file = path.join(dir, 'expectations.yaml');
    const uri = pathToFileURL(file).href;
    const text = fs.readFileSync(file, 'utf8');
    const claimLine = text.split('\n').findIndex((l) => l.includes('default/frontend-pod -> default/database:5432/TCP blocked'));
    c.open(uri, text);
    // The workspace scan runs in the background: wait for the workspace pass that knows the pods.
    const failing = await c.diagnostics(uri, (p) => np(p.diagnostics, 'NP501').length > 0, 20_000);
    assert.deepEqual(np(failing.diagnostics, 'NP501').map((d) => d.range.start.line), [claimLine]);
    assert.deepEqual(failing.diagnostics.filter((d) => d.source === 'netpol' && d.code !== 'NP501'), [], 'every other assertion holds');
    const d = np(failing.diagnostics, 'NP501')[0];
    assert.equal(d.severity, 1);
    assert.equal(d.range.end.line, claimLine);
    assert.equal(d.range.start.character, text.split('\n')[claimLine].indexOf('default/frontend-pod'));
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    assert.match(message, /^expected blocked, but it is allowed\nfor example: allowed: default\/frontend-pod -> default\/database 5432\/TCP\n/);
    assert.match(message, /ingress: default\/database is not isolated for ingress/);
    assert.match(String(d.codeDescription?.href), /NP501-expectation-fails\.md$/);

    // The quick fix flips exactly the outcome word.
    const actions = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const flip = actions.find((a) => a.title === 'Change the expectation to "allowed"');
    assert.ok(flip, JSON.stringify(actions.map((a) => a.title)));
    const edits = flip.edit!.changes![uri];
    assert.equal(edits.length, 1);
    const col = text.split('\n')[claimLine].indexOf(' blocked') + 1;
    assert.deepEqual(edits[0].range, { start: { line: claimLine, character: col }, end: { line: claimLine, character: col + 'blocked'.length } });
    assert.equal(edits[0].newText, 'allowed');

    // An assertion that a policy blocks links to the policies isolating that end, in their files.
    const extra = pathToFileURL(path.join(dir, 'extra.yaml')).href;
    c.open(extra, '# netpol-lens expect: default/database -> default/backend:8080 allowed\n');
    const linked = await c.diagnostics(extra, (p) => np(p.diagnostics, 'NP501').length > 0, 20_000);
    const related = np(linked.diagnostics, 'NP501')[0].relatedInformation ?? [];
    assert.deepEqual(related.map((r) => path.basename(new URL(r.location.uri).pathname)).sort(), ['allow-egress-to-external-api.yaml', 'allow-frontend-to-backend.yaml', 'deny-ingress-from-external.yaml']);
    for (const r of related) {
      const lines = fs.readFileSync(new URL(r.location.uri), 'utf8').split('\n');
      assert.match(lines[r.location.range.start.line], /^apiVersion: networking\.k8s\.io\/v1/);
      assert.match(r.message, /isolates the receiving end for ingress/);
    }

    // Fix the policies: a new policy isolating the database for ingress makes the claim true.
    const fixUri = pathToFileURL(path.join(dir, 'database-deny.yaml')).href;
    c.open(fixUri, DB_DENY);
    const fixed = await c.diagnostics(uri, (p) => np(p.diagnostics, 'NP501').length === 0, 20_000);
    assert.deepEqual(fixed.diagnostics.filter((x) => x.source === 'netpol' && /^NP5/.test(String(x.code))), []);
  } finally {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('"✓ holds" code lenses over passing assertions; netpolLens.assertions.showPassing false hides them', async () => {
  for (const showPassing of [true, false]) {
    const dir = copyGuide();
    const c = await startServer({ folder: dir, settings: { assertions: { showPassing } } });
    try {
      const file = path.join(dir, 'expectations.yaml');
      const uri = pathToFileURL(file).href;
      c.open(uri, fs.readFileSync(file, 'utf8'));
      await c.diagnostics(uri, (p) => np(p.diagnostics, 'NP501').length > 0, 20_000);
      const lenses = ((await c.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? []) as CodeLens[];
      const holds = lenses.filter((l) => l.command?.title.startsWith('✓ holds'));
      if (showPassing) {
        assert.equal(holds.length, 9);
        assert.ok(holds.some((l) => l.command!.title === '✓ holds (2 pod pairs)'));
        const lines = fs.readFileSync(file, 'utf8').split('\n');
        for (const l of holds) assert.match(lines[l.range.start.line], /^# netpol-lens expect: /);
        assert.ok(!holds.some((l) => lines[l.range.start.line].includes('database:5432/TCP blocked')), 'no lens on the failing assertion');
      } else assert.equal(holds.length, 0);
    } finally {
      await c.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('completion inside an assertion: endpoints, then ports of the destination, then outcomes', async () => {
  const dir = copyGuide();
  const c = await startServer({ folder: dir });
  try {
    const uri = pathToFileURL(path.join(dir, 'new.yaml')).href;
    const lines = ['# netpol-lens expect: ', '# netpol-lens expect: default/frontend-pod -> default/backend:', '# netpol-lens expect: default/frontend-pod -> default/backend:8080 '];
    c.open(uri, lines.join('\n'));
    await c.diagnostics(uri);
    const items = async (line: number): Promise<string[]> => {
      let got: string[] = [];
      // The scan is in the background: poll until the workspace's pods are known.
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
        const r = (await c.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character: lines[line].length } })) as CompletionItem[] | CompletionList | null;
        got = (Array.isArray(r) ? r : r?.items ?? []).map((i) => i.label);
        if (got.length > 1 || line === 2) break;
      }
      return got;
    };
    const ends = await items(0);
    assert.ok(ends.includes('default/frontend-pod') && ends.includes('default/backend') && ends.includes('default/*'), ends.join());
    assert.deepEqual(await items(1), ['8080', 'http', 'any']);
    assert.deepEqual(await items(2), ['allowed', 'blocked', 'partially']);
  } finally {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an edit in another file that makes an assertion hold asks the client to refresh the "✓ holds" lenses', async () => {
  const dir = copyGuide();
  const c = await startServer({ folder: dir, codeLensRefresh: true });
  let refreshes = 0;
  c.connection.onRequest('workspace/codeLens/refresh', () => {
    refreshes++;
    return null;
  });
  try {
    const file = path.join(dir, 'expectations.yaml');
    const uri = pathToFileURL(file).href;
    c.open(uri, fs.readFileSync(file, 'utf8'));
    await c.diagnostics(uri, (p) => np(p.diagnostics, 'NP501').length > 0, 20_000);
    const holds = async () => (((await c.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? []) as CodeLens[]).filter((l) => l.command?.title.startsWith('✓ holds')).length;
    assert.equal(await holds(), 9);
    const before = refreshes;
    c.open(pathToFileURL(path.join(dir, 'database-deny.yaml')).href, DB_DENY);
    await c.diagnostics(uri, (p) => np(p.diagnostics, 'NP501').length === 0, 20_000);
    for (const deadline = Date.now() + 10_000; refreshes === before && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    assert.ok(refreshes > before, 'workspace/codeLens/refresh was sent');
    assert.equal(await holds(), 10);
  } finally {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("files that are not open: the plan lists their assertions, and a failing one is a problem", async () => {
  const dir = copyGuide();
  const c = await startServer({ folder: dir });
  try {
    // Nothing opened: the assertions file is only on disk, read by the workspace scan; its failing
    // assertion reaches the Problems panel all the same.
    const expectations = pathToFileURL(path.join(dir, 'expectations.yaml')).href;
    const d = await c.diagnostics(expectations, (p) => np(p.diagnostics, 'NP501').length > 0, 20_000);
    assert.equal(np(d.diagnostics, 'NP501').length, 1);
    const policy = pathToFileURL(path.join(dir, 'allow-frontend-to-backend.yaml')).href;
    const plan = await until(async () => {
      const p = await c.connection.sendRequest<string>('netpolLens/plan', { uri: policy });
      return p.includes('Assertions (11 checks)') ? p : undefined;
    }, 'the plan to list the 11 checks of expectations.yaml', 20_000);
    assert.match(plan, /  A\d+ default\/frontend-pod -> default\/database:5432\/TCP blocked \(expectations\.yaml:\d+\)\n/);
  } finally {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the plan request behind the editor's command adds the open files' assertions with their kubectl checks", async () => {
  const dir = copyGuide();
  const c = await startServer({ folder: dir });
  try {
    const file = path.join(dir, 'expectations.yaml');
    const uri = pathToFileURL(file).href;
    c.open(uri, fs.readFileSync(file, 'utf8'));
    await c.diagnostics(uri, (p) => np(p.diagnostics, 'NP501').length > 0, 20_000);
    const plan = await c.connection.sendRequest<string>('netpolLens/plan', { uri });
    assert.match(plan, /\nAssertions \(11 checks\): each expectation written in the files, tried in the cluster\n/);
    assert.match(plan, /  A\d+ default\/frontend-pod -> default\/database:5432\/TCP blocked \(expectations\.yaml:\d+\)\n     default\/frontend-pod -> default\/database 5432\/TCP: expect times out \(dropped by NetworkPolicy\)\n     kubectl exec -n default frontend-pod -- curl -sS -m 5 http:\/\/.*:5432\n/);
  } finally {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
