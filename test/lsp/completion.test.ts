/**
 * Completion over real JSON-RPC (the built server, spawned over stdio) in a scanned workspace:
 * field names by position, label keys and values of the workspace's pods and namespaces, named
 * ports of the destination pods, the space trigger, and the template snippets still where they were.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  CompletionItem,
  CompletionItemKind,
  CompletionRequest,
  CompletionTriggerKind,
  InitializeResult,
  InsertTextFormat,
  InsertTextMode,
  Position,
  TextEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { repoRoot } from '../harness/files';
import { startServer, TestClient } from './client';

const FOLDER = path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'lsp-seed');

async function complete(c: TestClient, uri: string, text: string, version: number, position: Position, trigger?: string): Promise<CompletionItem[]> {
  c.change(uri, version, text);
  const context = trigger ? { triggerKind: CompletionTriggerKind.TriggerCharacter, triggerCharacter: trigger } : { triggerKind: CompletionTriggerKind.Invoked };
  const r = await c.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position, context });
  return (Array.isArray(r) ? r : (r?.items ?? [])) as CompletionItem[];
}

/** The text and end position of `src` cut at the caret `‸`. */
function caret(src: string): { text: string; position: Position } {
  const i = src.indexOf('‸');
  const text = src.slice(0, i) + src.slice(i + 1);
  return { text, position: TextDocument.create('file:///x', 'yaml', 0, text).positionAt(i) };
}

const HEAD = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\nspec:\n';

test('completion over LSP: fields, workspace labels and named ports; snippets kept', async () => {
  const c = await startServer({ folder: FOLDER });
  try {
    const uri = 'file:///w/typing.yaml';
    c.open(uri, '');
    await c.diagnostics(uri);
    let v = 2;
    const at = async (src: string, trigger?: string) => {
      const { text, position } = caret(src);
      return complete(c, uri, text, v++, position, trigger);
    };
    // Fields of spec, as snippets with absolute indentation.
    const spec = await at(HEAD + '  ‸');
    assert.deepEqual(spec.map((i) => i.label), ['podSelector', 'ingress', 'egress', 'policyTypes']);
    const ingress = spec.find((i) => i.label === 'ingress')!;
    assert.equal(ingress.kind, CompletionItemKind.Field);
    assert.equal(ingress.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal(ingress.insertTextMode, InsertTextMode.asIs);
    assert.equal((ingress.textEdit as TextEdit).newText, 'ingress:\n  - $0');
    assert.deepEqual(ingress.command, { title: '', command: 'editor.action.triggerSuggest' });
    // Label keys and values of the workspace's pods (app=frontend, app=backend, app=database).
    const keys = await at(HEAD + '  podSelector:\n    matchLabels:\n      ‸');
    assert.deepEqual(keys.map((i) => i.label), ['app']);
    const values = await at(HEAD + '  podSelector:\n    matchLabels:\n      app: ‸');
    assert.deepEqual(values.map((i) => i.label).sort(), ['backend', 'database', 'frontend']);
    const be = values.find((i) => i.label === 'backend')!;
    assert.equal(be.detail, 'pods: default/backend (Deployment)');
    assert.deepEqual((be.textEdit as TextEdit).range, { start: { line: 8, character: 11 }, end: { line: 8, character: 11 } });
    // Namespaces (kube-dns's kube-system is known from the workspace) for a namespaceSelector.
    const ns = await at(HEAD + '  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: ‸');
    assert.ok(ns.map((i) => i.label).includes('kube-system'), JSON.stringify(ns.map((i) => i.label)));
    // Named ports of the pods the policy selects (backend: http 8080).
    const ports = await at(HEAD + '  podSelector:\n    matchLabels:\n      app: backend\n  ingress:\n  - ports:\n    - port: ‸');
    assert.deepEqual(ports.map((i) => i.label), ['http', '8080']);
    assert.equal(ports[0].detail, 'named port: 8080/TCP on default/backend (Deployment)');
    // The space trigger: values after `key: `, nothing after other spaces.
    assert.deepEqual((await at(HEAD + '  ingress:\n  - ports:\n    - protocol: ‸', ' ')).map((i) => i.label), ['TCP', 'UDP', 'SCTP']);
    assert.deepEqual(await at(HEAD + '  podSelector: {}\n  ‸', ' '), []);
    // The template snippets still come where they did (an empty document after a Pod).
    const snippets = await at('apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\n---\nnetpol‸');
    assert.deepEqual(snippets.map((i) => i.label), ['netpol-allow-frontend-to-backend', 'netpol-allow-egress-to-external-api', 'netpol-deny-ingress-from-external', 'netpol-default-deny-all', 'netpol-allow-dns-egress']);
    // In an empty document: the templates and the top-level fields.
    const empty = await at('‸');
    assert.deepEqual(empty.map((i) => i.label).slice(0, 5), snippets.map((i) => i.label));
    assert.deepEqual(empty.map((i) => i.label).slice(5), ['apiVersion', 'kind', 'metadata', 'spec']);
  } finally {
    await c.close();
  }
});

test('completion over LSP: the server announces the space trigger', async () => {
  // (The test client does not keep the initialize result: ask a server of our own.)
  const { spawn } = await import('node:child_process');
  const { createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest } = await import('vscode-languageserver-protocol/node');
  const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  conn.listen();
  try {
    const r = (await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} })) as InitializeResult;
    assert.deepEqual(r.capabilities.completionProvider?.triggerCharacters, [' ']);
  } finally {
    conn.dispose();
    child.kill();
  }
});
