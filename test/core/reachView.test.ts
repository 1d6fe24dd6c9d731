/**
 * The reachability view's choices of what to draw (client/src/webview/view.ts): filter and focus
 * keep the neighbours, collapsed namespaces merge their edges, changes since the panel opened,
 * the matrix's port test, the `traffic` references. Verdicts stay the model's.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ReachabilityModel, ReachEdge, ReachNode } from '../../server/src/core/ide/reachModel';
import { allCollapsed, applyNamespaceChoice, baselineOf, changesSince, EXTERNAL_GROUP, edgeAllows, graphView, initialCollapsed, namespaceChoices, portChoices, trafficRef, ViewState, visibleNodes } from '../../client/src/webview/view';

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

test('the namespace picker offers every namespace, the left-out ones too; hiding one drops its nodes and edges', () => {
  // As a model under the edge limit is: `shop` left out (not in nodes), every namespace listed.
  const whole = model(base.edges.filter((e) => !e.from.startsWith('pod:shop/') && !e.to.startsWith('pod:shop/')));
  const cut: ReachabilityModel = { ...whole, namespaces: whole.namespaces.filter((n) => n.name !== 'shop'), nodes: whole.nodes.filter((n) => n.namespace !== 'shop'), omittedNamespaces: ['shop'], allNamespaces: ['default', 'kube-system', 'shop', 'zeta'] };
  const choices = namespaceChoices(cut);
  assert.deepEqual(choices.map((c) => [c.name, c.inModel, c.omitted, c.shown]), [['default', true, false, true], ['kube-system', true, false, true], ['shop', false, true, false], ['zeta', false, false, false]]);
  // Hiding kube-system: no need to ask the server; its node and the edge to it go.
  const hide = applyNamespaceChoice(cut, new Set(['default']));
  assert.equal(hide.ask, undefined);
  assert.deepEqual([...hide.hidden], ['kube-system']);
  const v = graphView(cut, { ...all, hiddenNamespaces: hide.hidden }, baselineOf(cut), S);
  assert.deepEqual(v.groups.map((g) => g.namespace), ['default']);
  assert.ok(!v.edges.some((e) => e.to === dns.id || e.from === dns.id));
  assert.deepEqual(namespaceChoices(cut, hide.hidden).filter((c) => c.shown).map((c) => c.name), ['default']);
  // Choosing the left-out namespace asks for the chosen ones.
  assert.deepEqual(applyNamespaceChoice(cut, new Set(['shop', 'default'])).ask, ['default', 'shop']);
  // A model from an older server (no allNamespaces): its own and the omitted ones.
  const { allNamespaces: _drop, ...older } = cut;
  assert.deepEqual(namespaceChoices(older).map((c) => c.name), ['default', 'kube-system', 'shop']);
});

test('a 1,000-pod model under the limit: all 100 namespaces can be chosen, and the filter ignores hidden namespaces', () => {
  const nss = Array.from({ length: 100 }, (_, i) => `team-${i}`);
  const nodes = nss.slice(0, 7).flatMap((ns) => Array.from({ length: 10 }, (_, k) => pod(ns, `app-${k}`)));
  const m: ReachabilityModel = {
    namespaces: nss.slice(0, 7).map((name) => ({ name, labels: {}, nodes: nodes.filter((n) => n.namespace === name).map((n) => n.id) })),
    nodes,
    edges: [edge(nodes[0], nodes[15], 'TCP 80'), edge(nodes[15], nodes[0], 'TCP 80')],
    notApplied: [],
    caveats: [],
    stats: { pods: 70, policies: 1, nodes: 70, edges: 2, ms: 1 },
    strings: {},
    omittedNamespaces: nss.slice(7),
    allNamespaces: [...nss].sort(),
  };
  const choices = namespaceChoices(m);
  assert.equal(choices.length, 100);
  assert.equal(choices.filter((c) => c.shown).length, 7);
  assert.equal(choices.filter((c) => c.omitted).length, 93);
  assert.deepEqual(applyNamespaceChoice(m, new Set(['team-99'])).ask, ['team-99']);
  const hidden = applyNamespaceChoice(m, new Set(['team-0'])).hidden;
  assert.equal(hidden.size, 6);
  // The filter finds app-5 in team-0 only (team-1..6 are hidden), with its neighbours left as they are hidden too.
  assert.deepEqual(visibleNodes(m, { ...all, filter: 'app-5', hiddenNamespaces: hidden }).map((n) => n.id), ['pod:team-0/app-5']);
});
