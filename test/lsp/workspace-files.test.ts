/**
 * The workspace beyond the open files, over real JSON-RPC: a client that honours dynamic
 * registration gets the file watchers and the server sees a manifest created after it started;
 * VS Code's client (which watches files itself and says so) gets none; the findings of files that
 * are not open are published (bounded, a setting turns them off, cleared when a file is deleted or
 * handed to the open-document path); the code lens sits on the policy's first line; describe and
 * the plan name files relative to the workspace folder; no completion on a complete value.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeLens,
  CodeLensRequest,
  CompletionItem,
  CompletionList,
  CompletionRequest,
  CompletionTriggerKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { repoRoot } from '../harness/files';
import { startServer, TestClient, until } from './client';

function example(name: string): string {
  return fs.readFileSync(path.join(repoRoot(), 'examples', `${name}.yaml`), 'utf8');
}

const BROKEN = example('allow-frontend-to-backend').replace('app: frontend', 'app: yes');

function tempFolder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-ws-'));
}

/** The last publication for `uri` so far. */
function lastFor(c: TestClient, uri: string): PublishDiagnosticsParams | undefined {
  return [...c.history].reverse().find((p) => p.uri === uri);
}

test('dynamic file watching: the client gets the watchers, and a manifest created afterwards is seen', async () => {
  const folder = tempFolder();
  fs.writeFileSync(path.join(folder, 'workloads.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\n  labels: {app: web}\n');
  const c = await startServer({ folder, workspaceCapabilities: { didChangeWatchedFiles: { dynamicRegistration: true } } });
  try {
    const reg = await until(() => c.registrations.find((r) => r.method === DidChangeWatchedFilesNotification.method), 'client/registerCapability for didChangeWatchedFiles');
    const watchers = (reg.registerOptions as { watchers: { globPattern: string }[] }).watchers;
    assert.deepEqual(watchers.map((w) => w.globPattern), ['**/*.{yaml,yml,json}']);
    // A file created after the start (a git checkout), announced as the registration asked.
    const file = path.join(folder, 'later.yaml');
    const uri = pathToFileURL(file).href;
    // After the scan (so only the watcher can tell the server about it).
    await until(() => (c.logs.some((l) => /scanned \d+ YAML files/.test(l.message)) ? true : undefined), 'the scan');
    fs.writeFileSync(file, example('allow-frontend-to-backend').replace('name: allow-frontend-to-backend', 'name: later-policy'));
    c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Created }] });
    // The server knows the new policy: describe names it.
    const text = await until(async () => {
      const t = (await c.connection.sendRequest('netpolLens/describe', { uri })) as string;
      return t.includes('later-policy') ? t : undefined;
    }, 'describe to see later-policy');
    assert.match(text, /Name:\s+later-policy/);
    // And its findings (selectors matching no pod: NP4xx) reach the Problems panel without opening it.
    const published = await c.diagnostics(uri, (p) => p.diagnostics.length > 0);
    assert.ok(published.diagnostics.every((d) => d.source === 'netpol'), JSON.stringify(published.diagnostics));
  } finally {
    await c.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('VS Code\'s client (watchesFiles) and clients without dynamic registration get no watchers', async () => {
  const folder = tempFolder();
  const vscodeLike = await startServer({ folder, workspaceCapabilities: { didChangeWatchedFiles: { dynamicRegistration: true } }, initializationOptions: { watchesFiles: true } });
  const plain = await startServer({ folder });
  try {
    // Both registered their configuration section: registrations are done by then.
    for (const c of [vscodeLike, plain]) {
      await until(() => c.registrations.find((r) => r.method === DidChangeConfigurationNotification.method), 'the configuration registration');
      assert.equal(c.registrations.find((r) => r.method === DidChangeWatchedFilesNotification.method), undefined);
    }
  } finally {
    await vscodeLike.close();
    await plain.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('problems of files that are not open: published after the scan, handed over on open, cleared on delete and by the setting', async () => {
  const folder = tempFolder();
  const file = path.join(folder, 'broken.yaml');
  fs.writeFileSync(file, BROKEN);
  fs.writeFileSync(path.join(folder, 'notes.yaml'), 'just: text\n');
  const uri = pathToFileURL(file).href;
  let settings: Record<string, unknown> = {};
  const c = await startServer({ folder, settings: new Proxy({}, { get: (_t, k) => settings[k as string], ownKeys: () => Reflect.ownKeys(settings), getOwnPropertyDescriptor: (_t, k) => ({ enumerable: true, configurable: true, value: settings[k as string] }) }) });
  try {
    const first = await c.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'NP103'));
    const np103 = first.diagnostics.find((d) => d.code === 'NP103')!;
    assert.equal(np103.range.start.line, BROKEN.split('\n').findIndex((l) => l.includes('app: yes')));
    assert.equal(first.version, undefined, 'no document version: the file is not open');
    assert.equal(np103.data, undefined, 'no quick fix data until the file is open');
    // Not for files without policies or workloads.
    assert.equal(c.history.find((p) => p.uri.endsWith('notes.yaml')), undefined);

    // Opened: the open-document path publishes (with a version); closed: back to the scan's.
    c.open(uri, BROKEN);
    await c.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.some((d) => d.code === 'NP103'));
    const count = c.history.length;
    c.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await until(() => {
      const later = c.history.slice(count).filter((p) => p.uri === uri);
      return later.length >= 2 && later[later.length - 1].version === undefined && later[later.length - 1].diagnostics.some((d) => d.code === 'NP103') ? true : undefined;
    }, 'the scan\'s diagnostics again after close');

    // The setting off: cleared; on again: back.
    settings = { workspaceDiagnostics: false };
    c.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    await until(() => (lastFor(c, uri)?.diagnostics.length === 0 ? true : undefined), 'cleared by the setting');
    settings = {};
    c.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    await until(() => (lastFor(c, uri)?.diagnostics.some((d) => d.code === 'NP103') ? true : undefined), 'published again');

    // Deleted: cleared.
    fs.rmSync(file);
    c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Deleted }] });
    await until(() => (lastFor(c, uri)?.diagnostics.length === 0 ? true : undefined), 'cleared after delete');
  } finally {
    await c.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('the code lens sits on the policy\'s first line; describe and plan name files relative to the workspace folder', async () => {
  const folder = tempFolder();
  fs.mkdirSync(path.join(folder, 'k8s dir'));
  const file = path.join(folder, 'k8s dir', 'policy.yaml');
  const text = '# header\n' + example('allow-frontend-to-backend').split('\n').slice(1).join('\n') + '---\n' + example('deny-ingress-from-external').split('\n').slice(1).join('\n');
  fs.writeFileSync(file, text);
  fs.copyFileSync(path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'lsp-seed', 'workloads.yaml'), path.join(folder, 'workloads.yaml'));
  const uri = pathToFileURL(file).href;
  const c = await startServer({ folder });
  try {
    c.open(uri, text);
    await c.diagnostics(uri);
    const lenses = (await c.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
    const lines = text.split('\n');
    const apiLines = lines.flatMap((l, i) => (l.startsWith('apiVersion:') ? [i] : []));
    assert.deepEqual(lenses.map((l) => l.range.start.line), apiLines);
    assert.deepEqual(lenses.map((l) => l.range.start.character), [0, 0]);
    const plan = await until(async () => {
      const p = (await c.connection.sendRequest('netpolLens/plan', { uri })) as string;
      return p.includes('k8s dir/policy.yaml') ? p : undefined;
    }, 'the plan to name the policy file');
    assert.ok(!plan.includes('file://'), plan.slice(0, 2000));
    // file:line of the policy object (the line after `# header`).
    assert.match(plan, /k8s dir\/policy\.yaml:2\b/);
    const describe = (await c.connection.sendRequest('netpolLens/describe', { uri })) as string;
    assert.ok(!describe.includes('file://'), describe);
  } finally {
    await c.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

async function completion(c: TestClient, uri: string, version: number, text: string, trigger?: string): Promise<CompletionList> {
  c.change(uri, version, text);
  const lines = text.split('\n');
  const position = { line: lines.length - 1, character: lines[lines.length - 1].length };
  const context = trigger ? { triggerKind: CompletionTriggerKind.TriggerCharacter, triggerCharacter: trigger } : { triggerKind: CompletionTriggerKind.TriggerForIncompleteCompletions };
  const r = (await c.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position, context })) as CompletionList | CompletionItem[];
  return Array.isArray(r) ? { isIncomplete: false, items: r } : r;
}

test('no completion on a complete value (Enter then breaks the line); values are asked for again as the user types', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///w/typing.yaml';
    c.open(uri, '');
    await c.diagnostics(uri);
    let v = 2;
    // `apiVersion: ` (the space trigger): the values, marked incomplete so the editor asks again.
    const opened = await completion(c, uri, v++, 'apiVersion: ', ' ');
    assert.ok(opened.items.some((i) => i.label === 'networking.k8s.io/v1'), JSON.stringify(opened.items.map((i) => i.label)));
    assert.equal(opened.isIncomplete, true);
    const partial = await completion(c, uri, v++, 'apiVersion: networking.k8s.io/v');
    assert.deepEqual(partial.items.map((i) => i.label), ['networking.k8s.io/v1']);
    for (const done of ['apiVersion: networking.k8s.io/v1', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec:\n  ingress:\n  - ports:\n    - protocol: TCP', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec:\n  ingress:\n  - ports:\n    - protocol: "TCP"']) {
      const r = await completion(c, uri, v++, done);
      assert.deepEqual(r.items.map((i) => i.label), [], done);
    }
    // A field list (names, not values) is complete as it is.
    const fields = await completion(c, uri, v++, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec:\n  ');
    assert.ok(fields.items.some((i) => i.label === 'podSelector'));
    assert.equal(fields.isIncomplete, false);
  } finally {
    await c.close();
  }
});

test('the scan reads typed lists in YAML and JSON (kubectl get pods -o yaml / -o json): their pods reach the hover', async () => {
  const folder = tempFolder();
  fs.writeFileSync(
    path.join(folder, 'frontends.yaml'),
    'apiVersion: v1\nkind: PodList\nitems:\n- metadata:\n    name: fe-from-list\n    namespace: default\n    labels: {app: frontend}\n  spec: {containers: [{name: c, image: i}]}\n',
  );
  fs.writeFileSync(
    path.join(folder, 'backends.json'),
    JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'be-from-json', namespace: 'default', labels: { app: 'backend' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }] }, null, 2),
  );
  const policy = path.join(folder, 'policy.yaml');
  const text = example('allow-frontend-to-backend');
  fs.writeFileSync(policy, text);
  const uri = pathToFileURL(policy).href;
  const c = await startServer({ folder });
  try {
    await until(() => (c.logs.some((l) => /scanned \d+ YAML files/.test(l.message)) ? true : undefined), 'the scan');
    c.open(uri, text);
    const line = text.split('\n').findIndex((l) => l.includes('name: allow-frontend-to-backend'));
    const hover = await until(async () => {
      const h = (await c.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 12 } })) as { contents: { value: string } } | null;
      const v = h?.contents.value ?? '';
      return v.includes('be-from-json') && v.includes('fe-from-list') ? v : undefined;
    }, 'a hover naming the pods of both lists');
    assert.match(hover, /default\/be-from-json/);
    assert.match(hover, /✔ from\s+`default\/fe-from-list`/);
  } finally {
    await c.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
