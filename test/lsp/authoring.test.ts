/**
 * Authoring over real JSON-RPC (the built server, spawned over stdio): the template code actions
 * on empty, multi-document and non-NetworkPolicy YAML, the edit they carry (applied here as an
 * editor would) giving the guide's manifest as a new document without touching existing text,
 * the netpolLens/templates and netpolLens/insertTemplate requests behind the client's command,
 * and snippet completions whose tab stops offer the workspace's namespaces and labels.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import {
  CodeAction,
  CodeActionRequest,
  CodeActionTriggerKind,
  CompletionItem,
  CompletionItemKind,
  CompletionList,
  CompletionRequest,
  InsertTextFormat,
  Position,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { repoRoot } from '../harness/files';
import { startServer, TestClient, until } from './client';

const TITLES = [
  'Insert allow-frontend-to-backend',
  'Insert allow-egress-to-external-api',
  'Insert deny-ingress-from-external',
  'Insert default-deny-all',
  'Insert allow-DNS egress',
];

function example(name: string): string {
  return fs.readFileSync(path.join(repoRoot(), 'examples', `${name}.yaml`), 'utf8');
}

function js(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    assert.deepEqual(d.errors, [], text);
    return d.toJS();
  });
}

const SEED = js(example('allow-frontend-to-backend'))[0];

async function codeActions(c: TestClient, uri: string, position: Position, context: Partial<{ only: string[]; triggerKind: CodeActionTriggerKind; diagnostics: never[] }> = {}): Promise<CodeAction[]> {
  const r = await c.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: position, end: position },
    context: { diagnostics: [], triggerKind: CodeActionTriggerKind.Invoked, ...context },
  });
  return (r ?? []) as CodeAction[];
}

/** The single TextEdit of `edit` for `uri`, checked to be a pure insertion. */
function insertionOf(edit: WorkspaceEdit | undefined, uri: string): TextEdit {
  assert.ok(edit?.changes, 'the action carries a WorkspaceEdit with changes');
  assert.deepEqual(Object.keys(edit.changes), [uri]);
  const edits = edit.changes[uri];
  assert.equal(edits.length, 1);
  assert.deepEqual(edits[0].range.start, edits[0].range.end, 'the range is empty: nothing is replaced');
  return edits[0];
}

function apply(text: string, edit: TextEdit): { result: string; offset: number } {
  const doc = TextDocument.create('file:///x.yaml', 'yaml', 1, text);
  const result = TextDocument.applyEdits(doc, [edit]);
  return { result, offset: doc.offsetAt(edit.range.start) };
}

async function opened(c: TestClient, uri: string, text: string): Promise<void> {
  c.open(uri, text);
  await c.diagnostics(uri);
}

test('template actions on an empty file: the five, as source actions; the first inserts the guide\'s manifest', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///w/empty.yaml';
    await opened(c, uri, '');
    const actions = await codeActions(c, uri, { line: 0, character: 0 }, { only: ['source'] });
    assert.deepEqual(actions.map((a) => a.title), TITLES);
    assert.ok(actions.every((a) => a.kind === 'source'));
    const edit = insertionOf(actions[0].edit, uri);
    assert.deepEqual(edit.range, Range.create(0, 0, 0, 0));
    const { result } = apply('', edit);
    // Exactly the guide's text (its Korean comment is in the egress template, checked below).
    assert.equal(result, example('allow-frontend-to-backend').split('\n').slice(1).join('\n'));
    assert.deepEqual(js(result), [SEED]);
    const egress = apply('', insertionOf(actions[1].edit, uri)).result;
    assert.match(egress, /cidr: 203\.0\.113\.5\/32 # external-api\.com의 IP 주소\n/);
    assert.deepEqual(js(egress), js(example('allow-egress-to-external-api')));
    assert.deepEqual(js(apply('', insertionOf(actions[2].edit, uri)).result), js(example('deny-ingress-from-external')));
  } finally {
    await c.close();
  }
});

test('template actions on a file with two documents: a new document after the cursor\'s, nothing else changed', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///w/two.yaml';
    const first = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: backend\nspec:\n  template:\n    metadata:\n      labels:\n        app: backend\n';
    const second = example('deny-ingress-from-external');
    const text = `${first}---\n${second}`;
    await opened(c, uri, text);
    const before = js(text);
    // Cursor in the first document: the new one goes between the two.
    const a1 = (await codeActions(c, uri, { line: 2, character: 3 })).find((a) => a.title === TITLES[0]);
    assert.ok(a1, 'offered without an `only` filter too');
    const e1 = insertionOf(a1.edit, uri);
    const r1 = apply(text, e1);
    assert.equal(r1.offset, first.length, 'at the end of the first document');
    assert.equal(r1.result.slice(0, r1.offset), text.slice(0, r1.offset));
    assert.equal(r1.result.slice(r1.offset + e1.newText.length), text.slice(r1.offset));
    assert.ok(e1.newText.startsWith('---\n'));
    assert.deepEqual(js(r1.result), [before[0], SEED, before[1]]);
    // Cursor in the second document: at the end of the file.
    const a2 = (await codeActions(c, uri, { line: 12, character: 0 }, { only: ['source'] })).find((a) => a.title === TITLES[0]);
    const e2 = insertionOf(a2?.edit, uri);
    const r2 = apply(text, e2);
    assert.equal(r2.offset, text.length);
    assert.ok(r2.result.startsWith(text));
    assert.deepEqual(js(r2.result), [...before, SEED]);
  } finally {
    await c.close();
  }
});

test('template actions: CRLF files and non-NetworkPolicy YAML; quick fixes kept; filtered by `only` and trigger', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///w/svc.yaml';
    const text = 'apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: web\r\nspec:\r\n  ports:\r\n    - port: 80\r\n';
    await opened(c, uri, text);
    const actions = await codeActions(c, uri, { line: 0, character: 0 }, { only: ['source'] });
    assert.deepEqual(actions.map((a) => a.title), TITLES);
    const edit = insertionOf(actions[3].edit, uri);
    const { result } = apply(text, edit);
    assert.ok(result.startsWith(text));
    assert.ok(!/[^\r]\n/.test(result), 'CRLF throughout');
    assert.match(edit.newText, /^---\r\n[^]*\r\n {2}policyTypes:\r\n {4}- Ingress\r\n {4}- Egress\r\n$/, 'the file\'s indented sequences');
    assert.deepEqual(js(result)[1], { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny-all', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });

    assert.deepEqual(await codeActions(c, uri, { line: 0, character: 0 }, { only: ['quickfix'] }), []);
    assert.deepEqual(await codeActions(c, uri, { line: 0, character: 0 }, { only: ['source.organizeImports'] }), []);
    assert.deepEqual(await codeActions(c, uri, { line: 0, character: 0 }, { triggerKind: CodeActionTriggerKind.Automatic }), []);

    // A quick fix and the templates in one answer.
    const q = 'file:///w/q.yaml';
    const seed = example('allow-frontend-to-backend').replace('app: frontend', 'app: yes');
    c.open(q, seed);
    const p = await c.diagnostics(q, (x) => x.diagnostics.length > 0);
    const d = p.diagnostics.find((x) => x.code === 'NP103');
    assert.ok(d);
    const r = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: q }, range: d.range, context: { diagnostics: [d], triggerKind: CodeActionTriggerKind.Invoked } })) as CodeAction[];
    assert.deepEqual(r.map((a) => a.kind), ['quickfix', 'source', 'source', 'source', 'source', 'source']);
    // A client that sends neither `only` nor a trigger kind (Neovim 0.7, Eglot) gets the quick fix
    // and the templates, once each.
    const old = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: q }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.deepEqual(old.map((a) => a.kind), ['quickfix', 'source', 'source', 'source', 'source', 'source']);
  } finally {
    await c.close();
  }
});

test('netpolLens/templates and netpolLens/insertTemplate answer the client\'s command', async () => {
  const c = await startServer();
  try {
    const list = (await c.connection.sendRequest('netpolLens/templates', {})) as { id: string; label: string }[];
    assert.deepEqual(list.map((t) => t.label), TITLES.map((t) => t.slice('Insert '.length)));
    assert.deepEqual(list.map((t) => t.id), ['allow-frontend-to-backend', 'allow-egress-to-external-api', 'deny-ingress-from-external', 'default-deny-all', 'allow-dns-egress']);
    const uri = 'file:///w/cmd.yaml';
    const text = 'a: 1\n---\nb: 2';
    await opened(c, uri, text);
    // From the server's copy of the open document.
    const e1 = (await c.connection.sendRequest('netpolLens/insertTemplate', { uri, position: { line: 2, character: 1 }, template: 'allow-frontend-to-backend' })) as WorkspaceEdit;
    const r1 = apply(text, insertionOf(e1, uri)).result;
    assert.deepEqual(js(r1), [{ a: 1 }, { b: 2 }, SEED]);
    assert.ok(r1.startsWith(text + '\n---\n'));
    // From the text the client sends (an editor the server does not have open).
    const other = 'file:///w/not-open.yaml';
    const e2 = (await c.connection.sendRequest('netpolLens/insertTemplate', { uri: other, position: { line: 0, character: 0 }, template: 'allow-dns-egress', text: '' })) as WorkspaceEdit;
    const dns = js(apply('', insertionOf(e2, other)).result)[0] as { metadata: { name: string }; spec: { egress: { ports: unknown[] }[] } };
    assert.equal(dns.metadata.name, 'allow-dns-egress');
    assert.deepEqual(dns.spec.egress[0].ports, [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    assert.equal(await c.connection.sendRequest('netpolLens/insertTemplate', { uri, position: { line: 0, character: 0 }, template: 'nope' }), null);
  } finally {
    await c.close();
  }
});

/** The snippet with every tab stop at its choice `k` (or its default). */
function expand(snippet: string, k = 0): string {
  return snippet
    .replace(/\$\{\d+\|((?:[^|\\]|\\.)*)\|\}/g, (_, body: string) => {
      const choices = body.split(/(?<!\\),/).map((x) => x.replace(/\\([\\,|$}])/g, '$1'));
      return choices[Math.min(k, choices.length - 1)];
    })
    .replace(/\$\{\d+:((?:[^}\\]|\\.)*)\}/g, (_, t: string) => t)
    .replace(/\$0$/, '')
    .replace(/\\([\\$}])/g, '$1');
}

test('completion: typing netpol in an empty document offers the templates with the workspace\'s namespaces and labels as choices', async () => {
  const folder = path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'lsp-seed');
  const c = await startServer({ folder });
  try {
    const uri = 'file:///w/new.yaml';
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: prod\n  labels: {app: web, tier: "true"}\n---\nnetpol';
    await opened(c, uri, text);
    const position = { line: 7, character: 6 };
    const items = (await completionItems(c, uri, position));
    assert.deepEqual(items.map((i) => i.label), ['netpol-allow-frontend-to-backend', 'netpol-allow-egress-to-external-api', 'netpol-deny-ingress-from-external', 'netpol-default-deny-all', 'netpol-allow-dns-egress']);
    const item = items[0];
    assert.equal(item.kind, CompletionItemKind.Snippet);
    assert.equal(item.insertTextFormat, InsertTextFormat.Snippet);
    const edit = item.textEdit as TextEdit;
    assert.deepEqual(edit.range, Range.create(7, 0, 7, 6), 'replaces the typed word');
    // This file's namespace and labels, and the scanned workspace's (kube-system, app=frontend).
    const ns = /namespace: \$\{2\|([^|]*)\|\}/.exec(edit.newText);
    assert.ok(ns, edit.newText);
    assert.deepEqual(ns[1].split(','), ['default', 'kube-system', 'prod']);
    const labels = /\$\{3\|([^|]*)\|\}/.exec(edit.newText);
    assert.ok(labels);
    const choices = labels[1].split(',');
    assert.equal(choices[0], 'app: backend');
    for (const want of ['app: web', 'tier: "true"', 'app: frontend']) assert.ok(choices.includes(want), `${want} in ${choices.join(', ')}`);
    // Expanded with its defaults it is the guide's manifest; with other choices still a valid policy.
    const replaced = (k: number) => text.slice(0, text.length - 'netpol'.length) + expand(edit.newText, k);
    // The scanned folder has allow-frontend-to-backend in default already: the snippet's name is fresh.
    assert.deepEqual(js(replaced(0))[1], { ...(SEED as object), metadata: { name: 'allow-frontend-to-backend-2', namespace: 'default' } });
    c.change(uri, 2, replaced(2));
    const diags = await c.diagnostics(uri, (x) => x.version === 2);
    // Nothing the API server would reject (workspace hints, such as a selector matching no pod, may come).
    assert.deepEqual(diags.diagnostics.filter((d) => d.severity === 1), [], replaced(2));

    // Not inside a document's content, not for other words after content, not mid-line.
    const notHere = async (t: string, line: number, character: number) => {
      c.change(uri, 3, t);
      return completionItems(c, uri, { line, character });
    };
    assert.deepEqual(await notHere('a: 1\nspec', 1, 4), []);
    assert.deepEqual(await notHere('a: netpol', 0, 9), []);
    assert.deepEqual(await notHere('netpol\na: 1\n', 0, 6), []);
    // After a document's content, a netpol word brings its own `---`.
    const after = await notHere('kind: Pod\nmetadata: {name: p, labels: {app: p}}\nnetp', 2, 4);
    assert.equal(after.length, 5);
    assert.ok((after[0].textEdit as TextEdit).newText.startsWith('---\n'));
  } finally {
    await c.close();
  }
});

test('completion: the templates once each, also when the workspace knows no namespace or label (no static snippets)', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///w/bare.yaml';
    await opened(c, uri, 'netpol');
    const items = await completionItems(c, uri, { line: 0, character: 6 });
    assert.deepEqual(items.map((i) => i.label), ['netpol-allow-frontend-to-backend', 'netpol-allow-egress-to-external-api', 'netpol-deny-ingress-from-external', 'netpol-default-deny-all', 'netpol-allow-dns-egress']);
    // Without choices the tab stops hold the template's own values: expanded, the guide's manifest.
    assert.deepEqual(js(expand((items[0].textEdit as TextEdit).newText))[0], SEED);
    // Never inside a policy: on an indented line under spec:, nor after `app: `.
    const inside = example('allow-frontend-to-backend');
    const lines = inside.split('\n');
    const specLine = lines.findIndex((l) => l.startsWith('spec:'));
    const inPolicy = [...lines.slice(0, specLine + 1), '  netp', ...lines.slice(specLine + 1)].join('\n');
    c.change(uri, 2, inPolicy);
    assert.deepEqual(labelsOf(await completionItems(c, uri, { line: specLine + 1, character: 6 })).filter((l) => l.startsWith('netpol')), []);
    const appLine = lines.findIndex((l) => l.includes('app: frontend'));
    const afterApp = lines.map((l, i) => (i === appLine ? l.replace('frontend', 'netp') : l)).join('\n');
    c.change(uri, 3, afterApp);
    const after = await completionItems(c, uri, { line: appLine, character: lines[appLine].indexOf('frontend') + 4 });
    assert.deepEqual(labelsOf(after).filter((l) => l.startsWith('netpol')), []);
  } finally {
    await c.close();
  }
});

function labelsOf(items: CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

async function completionItems(c: TestClient, uri: string, position: Position): Promise<CompletionItem[]> {
  const r = (await c.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionList | CompletionItem[] | null;
  return Array.isArray(r) ? r : (r?.items ?? []);
}

test('code actions without `only` (Neovim, Helix, Emacs): the templates once; as refactor.insert where a new document can go (VS Code\'s Ctrl+. and lightbulb)', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///w/ctrl-dot.yaml';
    await opened(c, uri, '');
    // Ctrl+. / vim.lsp.buf.code_action(): invoked, no `only`.
    const invoked = await codeActions(c, uri, { line: 0, character: 0 });
    assert.deepEqual(invoked.map((a) => a.title), TITLES);
    assert.ok(invoked.every((a) => a.kind === 'refactor.insert'), JSON.stringify(invoked.map((a) => a.kind)));
    assert.deepEqual(js(apply('', insertionOf(invoked[0].edit, uri)).result), [SEED]);
    // The lightbulb's automatic request in an empty file: the same.
    const automatic = await codeActions(c, uri, { line: 0, character: 0 }, { triggerKind: CodeActionTriggerKind.Automatic });
    assert.deepEqual(automatic.map((a) => a.kind), Array(5).fill('refactor.insert'));
    // A refactor menu asks for `refactor`; the Source Action menu for `source`.
    assert.deepEqual((await codeActions(c, uri, { line: 0, character: 0 }, { only: ['refactor'] })).map((a) => a.kind), Array(5).fill('refactor.insert'));
    assert.deepEqual((await codeActions(c, uri, { line: 0, character: 0 }, { only: ['source'] })).map((a) => a.kind), Array(5).fill('source'));
    assert.deepEqual(await codeActions(c, uri, { line: 0, character: 0 }, { only: ['quickfix'] }), []);

    // Inside a document's content: source actions only (VS Code lists them under Source Action…),
    // and nothing for the automatic request (no lightbulb on every line).
    const text = example('deny-ingress-from-external');
    c.change(uri, 2, text);
    await c.diagnostics(uri, (p) => p.version === 2);
    const inside = await codeActions(c, uri, { line: 2, character: 2 });
    assert.deepEqual(inside.map((a) => a.kind), Array(5).fill('source'));
    assert.deepEqual(await codeActions(c, uri, { line: 2, character: 2 }, { triggerKind: CodeActionTriggerKind.Automatic }), []);
    assert.deepEqual(await codeActions(c, uri, { line: 2, character: 2 }, { only: ['refactor'] }), []);
    // After a final `---`: a new document can go there.
    c.change(uri, 3, text + '---\n');
    await c.diagnostics(uri, (p) => p.version === 3);
    const afterMarker = await codeActions(c, uri, { line: text.split('\n').length, character: 0 });
    assert.deepEqual(afterMarker.map((a) => a.kind), Array(5).fill('refactor.insert'));
    const r = apply(text + '---\n', insertionOf(afterMarker[0].edit, uri)).result;
    assert.deepEqual(js(r), [...js(text), SEED]);
  } finally {
    await c.close();
  }
});

test('a template whose name the namespace already has gets a fresh name (-2), selected by the client\'s command when it runs one', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-fresh-'));
  fs.writeFileSync(path.join(folder, 'existing.yaml'), example('allow-frontend-to-backend'));
  const c = await startServer({ folder, initializationOptions: { clientCommands: ['netpolLens.selectRange'] } });
  try {
    const uri = pathToFileURL(path.join(folder, 'new.yaml')).href;
    await opened(c, uri, '');
    // The scan sees existing.yaml: wait for its diagnostics pass (the workspace is known then).
    const actions = await until(async () => {
      const a = await codeActions(c, uri, { line: 0, character: 0 });
      return a[0]?.title.includes('-2') ? a : undefined;
    }, 'the scan to see allow-frontend-to-backend');
    assert.equal(actions[0].title, 'Insert allow-frontend-to-backend as allow-frontend-to-backend-2');
    const edit = insertionOf(actions[0].edit, uri);
    const result = apply('', edit).result;
    assert.equal((js(result)[0] as { metadata: { name: string } }).metadata.name, 'allow-frontend-to-backend-2');
    assert.equal(result, example('allow-frontend-to-backend').split('\n').slice(1).join('\n').replace('name: allow-frontend-to-backend', 'name: allow-frontend-to-backend-2'));
    // The command selects the name in the document as it is after the edit.
    assert.equal(actions[0].command?.command, 'netpolLens.selectRange');
    const [target, range] = actions[0].command!.arguments as [string, Range];
    assert.equal(target, uri);
    const lines = result.split('\n');
    assert.equal(lines[range.start.line].slice(range.start.character, range.end.character), 'allow-frontend-to-backend-2');
    assert.equal(range.start.line, range.end.line);
    // Templates whose name is free keep it, without a command.
    assert.equal(actions[3].title, 'Insert default-deny-all');
    assert.equal(actions[3].command, undefined);
    // The new file itself now holds -2: the next insertion takes -3 (open documents count too).
    c.change(uri, 2, result);
    await c.diagnostics(uri, (p) => p.version === 2);
    const again = await codeActions(c, uri, { line: lines.length - 1, character: 0 }, { only: ['source'] });
    assert.equal(again[0].title, 'Insert allow-frontend-to-backend as allow-frontend-to-backend-3');
    // The snippet and the insert-template request take the fresh name too.
    c.change(uri, 3, result + 'netpol');
    const items = await completionItems(c, uri, { line: lines.length - 1, character: 6 });
    assert.match((items[0].textEdit as TextEdit).newText, /name: \$\{1:allow-frontend-to-backend-3\}/);
    const e = (await c.connection.sendRequest('netpolLens/insertTemplate', { uri, position: { line: 0, character: 0 }, template: 'allow-frontend-to-backend' })) as WorkspaceEdit;
    assert.match(insertionOf(e, uri).newText, /name: allow-frontend-to-backend-3\n/);
  } finally {
    await c.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('a fresh name without the select command for a client that did not say it runs it', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-fresh-'));
  fs.writeFileSync(path.join(folder, 'existing.yaml'), example('allow-frontend-to-backend'));
  const c = await startServer({ folder });
  try {
    const uri = pathToFileURL(path.join(folder, 'new.yaml')).href;
    await opened(c, uri, '');
    const actions = await until(async () => {
      const a = await codeActions(c, uri, { line: 0, character: 0 });
      return a[0]?.title.includes('-2') ? a : undefined;
    }, 'the scan to see allow-frontend-to-backend');
    assert.equal(actions[0].command, undefined);
  } finally {
    await c.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('template actions on a file in a scanned workspace folder', async () => {
  const folder = path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'lsp-seed');
  const c = await startServer({ folder });
  try {
    const file = path.join(folder, 'workloads.yaml');
    const uri = pathToFileURL(file).href;
    const text = fs.readFileSync(file, 'utf8');
    await opened(c, uri, text);
    const lines = text.split('\n');
    const actions = await codeActions(c, uri, { line: lines.length - 1, character: 0 }, { only: ['source'] });
    const { result } = apply(text, insertionOf(actions[4].edit, uri));
    assert.ok(result.startsWith(text));
    const docs = js(result);
    assert.equal((docs[docs.length - 1] as { metadata: { name: string } }).metadata.name, 'allow-dns-egress');
  } finally {
    await c.close();
  }
});
