/**
 * The reachability view's choices of what to draw (client/src/webview/view.ts): filter and focus
 * keep the neighbours, collapsed namespaces merge their edges, changes since the panel opened,
 * the matrix's port test, the `traffic` references. Verdicts stay the model's.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ReachabilityModel, ReachEdge, ReachNode } from '../../server/src/core/ide/reachModel';
import { allCollapsed, baselineOf, changesSince, EXTERNAL_GROUP, edgeAllows, graphView, initialCollapsed, portChoices, trafficRef, ViewState, visibleNodes } from '../../client/src/webview/view';

function pod(ns: string, name: string, extra: Partial<ReachNode> = {}): ReachNode {
  return { id: `pod:${ns}/${name}`, kind: 'pods', namespace: ns, label: name, members: [`${ns}/${name}`], sources: [], isolation: { ingress: [], egress: [] }, ...extra };
}

function edge(from: ReachNode, to: ReachNode, label: string, allowed: ReachEdge['allowed'] = [{ protocol: 'TCP', ports: [[8080, 8080]] }]): ReachEdge {
  return { id: `${from.id}->${to.id}`, from: from.id, to: to.id, allowed, label, all: false };
}

const frontend = pod('default', 'frontend');
const backend = pod('default', 'backend');
const database = pod('default', 'database');
const dns = pod('kube-system', 'coredns', { isDns: true });
const api = pod('shop', 'api');
const ext: ReachNode = { id: 'ip:203.0.113.5/32', kind: 'external', label: '203.0.113.5/32', members: [], sources: [], isolation: { ingress: [], egress: [] }, cidrs: ['203.0.113.5/32'] };

function model(edges: ReachEdge[]): ReachabilityModel {
  const nodes = [frontend, backend, database, dns, api, ext];
  return {
    namespaces: ['default', 'kube-system', 'shop'].map((name) => ({ name, labels: {}, nodes: nodes.filter((n) => n.namespace === name).map((n) => n.id) })),
    nodes,
    edges,
    notApplied: [],
    caveats: [],
    stats: { pods: 5, policies: 1, nodes: nodes.length, edges: edges.length, ms: 1 },
    strings: {},
  };
}

const base = model([
  edge(frontend, backend, 'TCP 8080'),
  edge(backend, ext, 'TCP 443', [{ protocol: 'TCP', ports: [[443, 443]] }]),
  edge(database, dns, 'UDP 53', [{ protocol: 'UDP', ports: [[53, 53]] }]),
  edge(api, backend, 'TCP 8080-8090', [{ protocol: 'TCP', ports: [[8080, 8090]] }]),
  edge(api, database, 'TCP 5432', [{ protocol: 'TCP', ports: [[5432, 5432]] }]),
]);
const S = (k: string) => k;
const all: ViewState = { collapsed: new Set(), filter: '', showExternal: true, showDns: true };
const ids = (ns: readonly { id: string }[]) => ns.map((n) => n.id).sort();

test('nothing chosen: every node and edge is drawn, pods grouped by namespace, external ranges on top', () => {
  const v = graphView(base, all, baselineOf(base), S);
  assert.deepEqual(v.groups.map((g) => [g.namespace, g.nodes.map((n) => n.label)]), [['default', ['frontend', 'backend', 'database']], ['kube-system', ['coredns']], ['shop', ['api']]]);
  assert.deepEqual(ids(v.top), [ext.id]);
  assert.deepEqual(ids(v.edges), ids(base.edges));
  assert.ok(v.edges.every((e) => !e.changed && !e.removed));
  assert.equal(v.nodeCount, 6);
});

test('the filter keeps matching nodes and their neighbours; the focus, one node and its neighbours', () => {
  assert.deepEqual(ids(visibleNodes(base, { ...all, filter: 'FRONT' })), ids([frontend, backend]));
  assert.deepEqual(ids(visibleNodes(base, { ...all, filter: 'kube-system' })), ids([dns, database]));
  assert.deepEqual(ids(visibleNodes(base, { ...all, filter: '203.0.113' })), ids([ext, backend]));
  assert.deepEqual(visibleNodes(base, { ...all, filter: 'nothing-like-this' }), []);
  assert.deepEqual(ids(visibleNodes(base, { ...all, focus: backend.id })), ids([frontend, backend, ext, api]));
  // The focus wins over the filter, and an unknown focus (a node that went away) is ignored.
  assert.deepEqual(ids(visibleNodes(base, { ...all, filter: 'frontend', focus: database.id })), ids([database, dns, api]));
  assert.equal(visibleNodes(base, { ...all, focus: 'pod:default/gone' }).length, 6);
});

test('external ranges and kube-dns can be hidden, unless they are what the user focuses on', () => {
  assert.deepEqual(ids(visibleNodes(base, { ...all, showExternal: false, showDns: false })), ids([frontend, backend, database, api]));
  assert.deepEqual(ids(visibleNodes(base, { ...all, showDns: false, focus: dns.id })), ids([dns, database]));
  const v = graphView(base, { ...all, showExternal: false }, baselineOf(base), S);
  assert.ok(!v.edges.some((e) => e.to === ext.id));
});

test('a collapsed namespace is one node; its edges merge per pair, counted', () => {
  const v = graphView(base, { ...all, collapsed: new Set(['default']) }, baselineOf(base), S);
  const ns = v.top.find((n) => n.id === 'ns:default');
  assert.ok(ns);
  assert.equal(ns.kind, 'namespace');
  assert.equal(ns.count, 3);
  assert.equal(ns.pods, 3);
  assert.deepEqual(v.groups.map((g) => g.namespace), ['kube-system', 'shop']);
  const fromShop = v.edges.find((e) => e.from === api.id && e.to === 'ns:default');
  assert.ok(fromShop);
  assert.equal(fromShop.edges.length, 2);
  assert.equal(fromShop.label, '{0} connections'.replace('{0}', '2'));
  // Inside the namespace (frontend → backend) becomes a self-loop of the namespace node.
  const inside = v.edges.find((e) => e.from === 'ns:default' && e.to === 'ns:default');
  assert.ok(inside);
  assert.equal(inside.edges[0].id, `${frontend.id}->${backend.id}`);
  const single = v.edges.find((e) => e.from === 'ns:default' && e.to === dns.id);
  assert.equal(single?.edges.length, 1);
  // Focus expands everything.
  assert.equal(graphView(base, { ...all, collapsed: new Set(['default']), focus: frontend.id }, baselineOf(base), S).top.some((n) => n.kind === 'namespace'), false);
});

test('collapsed external ranges are one node; expanding it shows them again', () => {
  const v = graphView(base, { ...all, collapsed: new Set([EXTERNAL_GROUP]) }, baselineOf(base), S);
  const ext1 = v.top.find((n) => n.id === 'external:*');
  assert.ok(ext1);
  assert.equal(ext1.label, 'External addresses');
  assert.equal(ext1.count, 1);
  assert.ok(!v.top.some((n) => n.id === ext.id));
  assert.ok(v.edges.some((e) => e.from === backend.id && e.to === 'external:*'));
  assert.deepEqual([...allCollapsed(base)].sort(), ['*external*', 'default', 'kube-system', 'shop']);
});

test('changes since the panel opened: added, relabelled and removed edges', () => {
  const baseline = baselineOf(base);
  const edited = model([
    edge(frontend, backend, 'TCP 8080,9090', [{ protocol: 'TCP', ports: [[8080, 8080], [9090, 9090]] }]),
    edge(backend, ext, 'TCP 443', [{ protocol: 'TCP', ports: [[443, 443]] }]),
    edge(database, dns, 'UDP 53', [{ protocol: 'UDP', ports: [[53, 53]] }]),
    edge(api, backend, 'TCP 8080-8090', [{ protocol: 'TCP', ports: [[8080, 8090]] }]),
    edge(database, backend, 'TCP 8080'),
  ]);
  const { changed, removed } = changesSince(edited, baseline);
  assert.deepEqual([...changed].sort(), [`${database.id}->${backend.id}`, `${frontend.id}->${backend.id}`].sort());
  assert.deepEqual(removed, [`${api.id}->${database.id}`]);
  const v = graphView(edited, all, baseline, S);
  assert.deepEqual(ids(v.edges.filter((e) => e.changed && !e.removed)), [`${database.id}->${backend.id}`, `${frontend.id}->${backend.id}`].sort());
  const gone = v.edges.filter((e) => e.removed);
  assert.deepEqual(gone.map((e) => [e.from, e.to, e.label]), [[api.id, database.id, 'TCP 5432']]);
  // The same model against itself: nothing changed.
  assert.deepEqual(changesSince(edited, baselineOf(edited)), { changed: new Set(), removed: [] });
});

test('the matrix reads ports from the edges: a chosen port, or any port', () => {
  const e = base.edges.find((x) => x.from === api.id && x.to === backend.id);
  assert.equal(edgeAllows(e, undefined, undefined), true);
  assert.equal(edgeAllows(e, 8085, 'TCP'), true);
  assert.equal(edgeAllows(e, 8091, 'TCP'), false);
  assert.equal(edgeAllows(e, 8085, 'UDP'), false);
  assert.equal(edgeAllows(undefined, undefined, undefined), false);
  assert.deepEqual(portChoices(base).map((c) => `${c.port}/${c.protocol}`), ['443/TCP', '5432/TCP', '8080/TCP', '53/UDP']);
});

test('large models start with namespaces collapsed; traffic references name the first member or the range', () => {
  assert.equal(initialCollapsed(base).size, 0);
  assert.deepEqual([...initialCollapsed(base, 3)].sort(), ['*external*', 'default', 'kube-system', 'shop']);
  assert.equal(trafficRef(backend), 'default/backend');
  assert.equal(trafficRef(ext), 'ip:203.0.113.5');
});
