/**
 * The reachability view's requests over real JSON-RPC (the built server): the model of the
 * guide's workspace folder, an unsaved edit that changes an edge, the
 * `netpolLens/reachabilityChanged` notification that follows it, and netpolLens/explainEdge with
 * links as document URIs.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../harness/files';
import { startServer } from './client';
import { decodeReachability } from '../../server/src/core';
import type { EdgeExplanation, ReachabilityModel, ReachabilityWire } from '../../server/src/core';

const root = repoRoot();
const FILES = {
  'allow-frontend-to-backend.yaml': 'examples/allow-frontend-to-backend.yaml',
  'allow-egress-to-external-api.yaml': 'examples/allow-egress-to-external-api.yaml',
  'deny-ingress-from-external.yaml': 'examples/deny-ingress-from-external.yaml',
  'pods.yaml': 'test/fixtures/workspaces/reach-guide/pods.yaml',
};

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await get();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 500)}`);
}

const hasEdge = (m: ReachabilityModel | null, from: string, to: string) => !!m?.edges.some((e) => e.from === from && e.to === to);

test('reachability over LSP: the model, an unsaved edit changing an edge, the change notification, explainEdge', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-reach-lsp-'));
  for (const [name, src] of Object.entries(FILES)) fs.copyFileSync(path.join(root, src), path.join(dir, name));
  const c = await startServer({ folder: dir });
  try {
    let changed = 0;
    c.connection.onNotification('netpolLens/reachabilityChanged', (params: unknown) => {
      assert.equal(params ?? undefined, undefined, 'no params');
      changed++;
    });
    const policyUri = pathToFileURL(path.join(dir, 'allow-frontend-to-backend.yaml')).href;
    const text = fs.readFileSync(path.join(dir, 'allow-frontend-to-backend.yaml'), 'utf8');
    c.open(policyUri, text, 1);
    // The answer is the wire form (version 2, packed edges); the view decodes it as here.
    const wire = () => c.connection.sendRequest('netpolLens/reachability', {}) as Promise<ReachabilityWire | null>;
    const model = async () => decodeReachability(await wire()) ?? null;
    const w1 = await wire();
    assert.equal(w1?.version, 2);
    assert.ok(Array.isArray(w1?.conns) && w1!.edges.every((n) => Number.isInteger(n)), 'edges are index triples');
    // The folder is scanned in the background: poll until its pods are known.
    const m1 = (await until('the scanned workspace', model, (m) => !!m && m.stats.pods === 6))!;
    assert.ok(hasEdge(m1, 'group:default/frontend-pod', 'pod:default/backend-pod'), 'frontend -> backend');
    assert.ok(!hasEdge(m1, 'pod:default/database-pod', 'pod:default/backend-pod'), 'database -/-> backend');
    assert.ok(hasEdge(m1, 'pod:default/backend-pod', 'ip:203.0.113.5/32'));
    assert.equal(m1.strings['Graph'], 'Graph');
    assert.ok(m1.stats.ms >= 0);
    const backend = m1.nodes.find((n) => n.id === 'pod:default/backend-pod')!;
    assert.equal(backend.dns, 'blocked');
    // Links name documents by URI.
    const link = backend.isolation.ingress.find((l) => l.policy === 'default/allow-frontend-to-backend')!;
    assert.equal(link.file, policyUri);
    assert.equal(link.line, 2);
    assert.ok(backend.sources[0].file.startsWith('file://') && backend.sources[0].file.endsWith('/pods.yaml'));

    // An unsaved edit: the rule now admits the database instead of the frontend. Once typing
    // pauses, the server says the world changed, and the model has the edit.
    const before = changed;
    c.change(policyUri, 2, text.replace('app: frontend', 'app: database'));
    await until('netpolLens/reachabilityChanged', async () => changed, (n) => n > before);
    const m2 = await model();
    assert.ok(m2 && hasEdge(m2, 'pod:default/database-pod', 'pod:default/backend-pod'), 'database -> backend after the edit');
    assert.ok(!hasEdge(m2, 'group:default/frontend-pod', 'pod:default/backend-pod'));
    // A request right after an edit already answers for it (no wait for the pause).
    c.change(policyUri, 3, text);
    const m3 = await model();
    assert.ok(m3 && hasEdge(m3, 'group:default/frontend-pod', 'pod:default/backend-pod'));
    c.change(policyUri, 4, text.replace('app: frontend', 'app: database'));

    const x = (await c.connection.sendRequest('netpolLens/explainEdge', { from: 'pod:default/database-pod', to: 'pod:default/backend-pod' })) as EdgeExplanation;
    assert.equal(x.allowed, true);
    assert.equal(x.port, 8080);
    assert.ok(x.lines[0].startsWith('allowed: default/database-pod -> default/backend-pod 8080/TCP'));
    assert.ok(x.links.some((l) => l.file === policyUri && l.policy === 'default/allow-frontend-to-backend' && l.line === 12));
    // The text names files relative to the workspace folder (the links keep their URIs).
    assert.ok(x.lines.every((l) => !l.includes('file://')), x.lines.join('\n'));
    assert.ok(x.lines.some((l) => /\(allow-frontend-to-backend\.yaml:\d+\)/.test(l)), x.lines.join('\n'));
    // Unknown ids and junk params answer null; the server keeps serving.
    assert.equal(await c.connection.sendRequest('netpolLens/explainEdge', { from: 'pod:nope/x', to: 'pod:default/backend-pod' }), null);
    assert.equal(await c.connection.sendRequest('netpolLens/explainEdge', { from: 7 }), null);
    const filtered = decodeReachability(await c.connection.sendRequest('netpolLens/reachability', { namespaces: ['kube-system'], maxEdges: 'x' }))!;
    assert.deepEqual(filtered.namespaces.map((n) => n.name), ['kube-system']);
    // The picker's list: every namespace with pods, whatever was asked for.
    assert.ok(filtered.allNamespaces?.includes('default') && filtered.allNamespaces.includes('kube-system'), JSON.stringify(filtered.allNamespaces));
    assert.ok(await model());
  } finally {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
