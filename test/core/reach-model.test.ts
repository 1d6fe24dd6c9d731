/**
 * The reachability model (server/src/core/ide/reach): the user's guide's scenario with
 * expectations written from the Kubernetes rules, edge explanations, and a cross-check on seeded
 * random worlds: every node pair's edge (or its absence) equals `pairConnections` for every pair
 * of the pods the nodes stand for.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildReachabilityModel, decodeReachability, encodeReachability, explainEdge, lineLocator, loadWorkspace, REACH_STRING_KEYS, setLocale } from '../../server/src/core';
import type { Endpoint, ReachabilityModel, ReachEdge, World, WorkspaceFile } from '../../server/src/core';
import { ALL_CONNECTIONS, connEquals, connOf, NO_CONNECTIONS, pairConnections } from '../../server/src/core/semantics/connset';
import type { ConnSet } from '../../server/src/core/semantics/connset';
import { externalEndpoint } from '../../server/src/core/ide/reach/nodes';
import { Rng, genScenario, policyTexts, worldText } from '../oracle/gen';
import { repoRoot } from '../harness/files';

const root = repoRoot();
const GUIDE = ['examples/allow-frontend-to-backend.yaml', 'examples/allow-egress-to-external-api.yaml', 'examples/deny-ingress-from-external.yaml', 'test/fixtures/workspaces/reach-guide/pods.yaml', 'test/fixtures/workspaces/reach-guide/rejected.yaml'];

function read(files: readonly string[], extra: readonly WorkspaceFile[] = []): WorkspaceFile[] {
  return [...files.map((f) => ({ file: f, text: fs.readFileSync(path.join(root, f), 'utf8') })), ...extra];
}

function guide(extra: readonly WorkspaceFile[] = [], opts = {}): { model: ReachabilityModel; world: World; files: WorkspaceFile[] } {
  const files = read(GUIDE, extra);
  const { world } = loadWorkspace(files);
  return { model: buildReachabilityModel(world, lineLocator(files), opts), world, files };
}

function edge(m: ReachabilityModel, from: string, to: string): ReachEdge | undefined {
  return m.edges.find((e) => e.from === from && e.to === to);
}

/** The edge's ports back as a ConnSet. */
function setOf(e: ReachEdge | undefined): ConnSet {
  if (!e) return NO_CONNECTIONS;
  return connOf(Object.fromEntries(e.allowed.map((s) => [s.protocol, s.ports.map(([a, b]) => [a, b] as [number, number])])));
}

const FRONTEND = 'group:default/frontend-pod';
const BACKEND = 'pod:default/backend-pod';
const DATABASE = 'pod:default/database-pod';
const WORKER = 'pod:default/worker';
const DNS = 'pod:kube-system/coredns';
const API = 'ip:203.0.113.5/32';

test("guide: frontend reaches backend on every port of every protocol (the rule names no ports), the database does not", () => {
  setLocale('en');
  const { model } = guide();
  const fb = edge(model, FRONTEND, BACKEND);
  assert.ok(fb, 'frontend -> backend is an edge');
  // allow-frontend-to-backend's rule has no `ports`: every port and protocol; frontend's egress is not isolated.
  assert.equal(fb.all, true);
  assert.deepEqual(fb.allowed, [
    { protocol: 'TCP', ports: [[1, 65535]] },
    { protocol: 'UDP', ports: [[1, 65535]] },
    { protocol: 'SCTP', ports: [[1, 65535]] },
  ]);
  assert.equal(fb.label, 'all ports');
  assert.equal(fb.id, `${FRONTEND}->${BACKEND}`);
  // backend is isolated for ingress (three policies) and only frontend is allowed in.
  assert.equal(edge(model, DATABASE, BACKEND), undefined);
  assert.equal(edge(model, WORKER, BACKEND), undefined);
  assert.equal(edge(model, DNS, BACKEND), undefined);
  // Not isolated the other way: the database, frontend and DNS reach each other.
  assert.ok(edge(model, FRONTEND, DATABASE)?.all);
  assert.ok(edge(model, DATABASE, FRONTEND)?.all);
});

test('guide: backend may only reach 203.0.113.5/32 (every port: the ipBlock rule has no ports), and its DNS is blocked', () => {
  const { model } = guide();
  const api = model.nodes.find((n) => n.id === API);
  assert.ok(api, 'the ipBlock is an external node');
  assert.equal(api.kind, 'external');
  assert.deepEqual(api.cidrs, ['203.0.113.5/32']);
  assert.equal(api.unmatched, false);
  const e = edge(model, BACKEND, API);
  assert.ok(e && e.all, 'backend -> 203.0.113.5/32 on every port');
  // Egress isolated: nothing else, pods and DNS included.
  for (const to of [FRONTEND, DATABASE, WORKER, DNS]) assert.equal(edge(model, BACKEND, to), undefined, to);
  const backend = model.nodes.find((n) => n.id === BACKEND)!;
  assert.equal(backend.dns, 'blocked');
  assert.deepEqual(backend.isolation.egress, [{ policy: 'default/allow-egress-to-external-api', file: 'examples/allow-egress-to-external-api.yaml', line: 2 }]);
  // policyTypes left out with egress rules: [Ingress, Egress], so the egress policy isolates ingress too.
  assert.deepEqual(backend.isolation.ingress.map((l) => l.policy).sort(), ['default/allow-egress-to-external-api', 'default/allow-frontend-to-backend', 'default/deny-ingress-from-external']);
  // Pods not isolated for egress have no DNS status; kube-dns is marked.
  assert.equal(model.nodes.find((n) => n.id === DATABASE)!.dns, undefined);
  assert.equal(model.nodes.find((n) => n.id === DNS)!.isDns, true);
  assert.equal(model.nodes.find((n) => n.id === BACKEND)!.isDns, undefined);
});

test('guide: an egress rule to kube-dns on UDP 53 makes DNS allowed', () => {
  const allowDns: WorkspaceFile = {
    file: 'dns.yaml',
    text: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-dns, namespace: default}
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports:
    - {protocol: UDP, port: 53}
`,
  };
  const { model } = guide([allowDns]);
  assert.equal(model.nodes.find((n) => n.id === BACKEND)!.dns, 'allowed');
  const e = edge(model, BACKEND, DNS);
  assert.ok(e);
  assert.equal(e.label, 'UDP 53');
  assert.equal(e.all, false);
});

test('guide: identical pods are one node, a workload has an edge to itself, a Pod does not', () => {
  const { model } = guide();
  const front = model.nodes.find((n) => n.id === FRONTEND)!;
  assert.deepEqual(front.members, ['default/frontend-pod', 'default/frontend-pod-2']);
  assert.equal(front.label, 'frontend-pod +1');
  assert.equal(front.sources.length, 2);
  assert.ok(front.sources.every((s) => s.file.endsWith('reach-guide/pods.yaml')));
  assert.deepEqual(front.sources.map((s) => s.line), [4, 18]);
  // Between the two frontend pods: not isolated, so every port.
  assert.ok(edge(model, FRONTEND, FRONTEND)?.all);
  // Between two of worker's pods.
  assert.ok(edge(model, WORKER, WORKER)?.all);
  // A single Pod to itself is not an edge.
  for (const id of [BACKEND, DATABASE, DNS]) assert.equal(edge(model, id, id), undefined, id);
  // Namespaces group the nodes.
  assert.deepEqual(model.namespaces.map((n) => n.name), ['default', 'kube-system']);
  assert.deepEqual(model.namespaces[0].nodes, [BACKEND, DATABASE, FRONTEND, WORKER]);
  assert.deepEqual(model.namespaces[0].labels, { 'kubernetes.io/metadata.name': 'default' });
  assert.ok(model.caveats.some((c) => /workload stands for all its pods/.test(c)));
});

test('guide: the rejected policy is listed as not applied and isolates nothing', () => {
  const { model } = guide();
  assert.equal(model.notApplied.length, 1);
  const na = model.notApplied[0];
  assert.equal(na.policy, 'default/rejected-database');
  assert.equal(na.file, 'test/fixtures/workspaces/reach-guide/rejected.yaml');
  assert.equal(na.line, 2);
  assert.ok(na.reason.length > 0);
  // Were it applied, the database would be isolated for ingress.
  assert.deepEqual(model.nodes.find((n) => n.id === DATABASE)!.isolation.ingress, []);
  assert.ok(edge(model, FRONTEND, DATABASE));
});

test('guide: the rest of the address space is a node only where some pod reaches it, and says so', () => {
  const { model } = guide();
  const rest = model.nodes.find((n) => n.unmatched);
  assert.ok(rest, 'pods not isolated for egress reach the unnamed addresses');
  assert.match(rest.label, /addresses no ipBlock names/);
  assert.ok(edge(model, DATABASE, rest.id));
  assert.equal(edge(model, BACKEND, rest.id), undefined);
  // Only default, with egress denied to every pod of it but backend's ipBlock: no pod reaches the rest.
  const denyEgress: WorkspaceFile = { file: 'deny.yaml', text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-egress, namespace: default}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n' };
  const only = guide([denyEgress], { namespaces: ['default'] }).model;
  assert.equal(only.nodes.find((n) => n.unmatched), undefined);
  assert.ok(only.nodes.find((n) => n.id === API));
  assert.ok(edge(only, BACKEND, API));
  assert.deepEqual(only.namespaces.map((n) => n.name), ['default']);
  assert.equal(only.nodes.find((n) => n.id === DNS), undefined);
  // Frontend's egress is now isolated too, with no rule: DNS blocked.
  assert.equal(only.nodes.find((n) => n.id === FRONTEND)!.dns, 'blocked');
  assert.equal(only.stats.pods, 5);
  assert.equal(only.stats.nodes, only.nodes.length);
  assert.equal(only.stats.edges, only.edges.length);
});

test('maxEdges leaves out whole namespaces and says so', () => {
  const { model } = guide([], { maxEdges: 3 });
  assert.deepEqual(model.omittedNamespaces, ['kube-system']);
  assert.deepEqual(model.namespaces.map((n) => n.name), ['default']);
  assert.ok(!model.nodes.some((n) => n.namespace === 'kube-system'));
  assert.ok(model.caveats.some((c) => c.includes('kube-system')));
  // The first namespace is always kept, complete.
  const full = guide().model;
  const defaultEdges = full.edges.filter((e) => !e.from.includes('kube-system') && !e.to.includes('kube-system'));
  assert.equal(model.edges.length, defaultEdges.length);
  assert.equal(full.omittedNamespaces, undefined);
});

test('strings: every UI key is there, in English and in Korean', () => {
  setLocale('en');
  const en = guide().model.strings;
  assert.deepEqual(Object.keys(en), [...REACH_STRING_KEYS]);
  for (const k of ['Graph', 'Matrix', 'Filter', 'any port', 'allowed', 'blocked', 'Isolated for ingress', 'Isolated for egress', 'DNS blocked']) assert.equal(en[k], k);
  setLocale('ko');
  try {
    const ko = guide().model;
    assert.equal(ko.strings['Graph'], '그래프');
    assert.ok(Object.keys(ko.strings).every((k) => ko.strings[k] !== k || /^(DNS)$/.test(k)), 'every string translated');
    assert.equal(edge(ko, FRONTEND, BACKEND)!.label, '모든 포트');
  } finally {
    setLocale('en');
  }
});

test('explainEdge: an allowed edge cites the rule, a missing one says why, on a container port of the destination', () => {
  const { world, files } = guide();
  const locate = lineLocator(files);
  const ok = explainEdge(world, { from: FRONTEND, to: BACKEND }, locate)!;
  assert.equal(ok.allowed, true);
  assert.equal(ok.port, 8080);
  assert.equal(ok.protocol, 'TCP');
  assert.equal(ok.connections, 'all ports');
  assert.equal(ok.lines[0], 'allowed: default/frontend-pod -> default/backend-pod 8080/TCP');
  assert.ok(ok.lines.some((l) => l.includes('allow-frontend-to-backend spec.ingress[0]')));
  assert.ok(ok.lines.some((l) => l.includes('2 pods that every policy treats alike')));
  assert.ok(ok.links.some((l) => l.policy === 'default/allow-frontend-to-backend' && l.file === 'examples/allow-frontend-to-backend.yaml' && l.line === 12 && l.label.includes('spec.ingress[0]')));
  const no = explainEdge(world, { from: DATABASE, to: BACKEND }, locate)!;
  assert.equal(no.allowed, false);
  assert.equal(no.connections, 'none');
  assert.equal(no.port, 8080);
  assert.match(no.lines[0], /^blocked: default\/database-pod -> default\/backend-pod 8080\/TCP$/);
  assert.ok(no.links.some((l) => l.policy === 'default/deny-ingress-from-external'));
  const ext = explainEdge(world, { from: BACKEND, to: API, port: 443 }, locate)!;
  assert.equal(ext.allowed, true);
  assert.equal(ext.to, 'ip:203.0.113.5');
  assert.equal(ext.port, 443);
  const udp = explainEdge(world, { from: BACKEND, to: DNS, port: 53, protocol: 'UDP' }, locate)!;
  assert.equal(udp.allowed, false);
  assert.equal(udp.protocol, 'UDP');
  // A protocol without a port: the destination's container port of that protocol.
  const tcp = explainEdge(world, { from: BACKEND, to: DNS, protocol: 'TCP' }, locate)!;
  assert.deepEqual([tcp.port, tcp.protocol, tcp.allowed], [53, 'TCP', false]);
  // Between two of worker's pods.
  const self = explainEdge(world, { from: WORKER, to: WORKER }, locate)!;
  assert.equal(self.allowed, true);
  // Unknown ids and junk: undefined, never a throw.
  assert.equal(explainEdge(world, { from: 'pod:default/nope', to: BACKEND }), undefined);
  assert.equal(explainEdge(world, { from: 'ip:not-a-cidr', to: BACKEND }), undefined);
  assert.equal(explainEdge(world, null as never), undefined);
  assert.equal(explainEdge(world, { from: 3, to: {} } as never), undefined);
});

// ---------------------------------------------------------------------------------------------
// Cross-check on random worlds

function nodeEndpoints(world: World, m: ReachabilityModel, id: string): Endpoint[] {
  const node = m.nodes.find((n) => n.id === id)!;
  if (node.kind === 'external') return [externalEndpoint(id)!, ...node.cidrs!.slice(-1).map((c) => externalEndpoint(`ip:${c}`)!)];
  return node.members.map((name) => {
    const [ns, n] = name.split('/');
    const candidates = world.pods.filter((p) => p.namespace === ns && p.name === n);
    return { kind: 'pod', pod: candidates[0] };
  });
}

function checkModel(world: World, model: ReachabilityModel, seed: number): { edges: number; grouped: number } {
  let edges = 0;
  let grouped = 0;
  const byPair = new Map(model.edges.map((e) => [`${e.from}\u0000${e.to}`, e]));
  assert.equal(byPair.size, model.edges.length, 'one edge per pair');
  for (const a of model.nodes) {
    const froms = nodeEndpoints(world, model, a.id);
    if (froms.length > 1 && a.kind === 'pods') grouped++;
    for (const b of model.nodes) {
      if (a.kind === 'external' && b.kind === 'external') continue;
      const e = byPair.get(`${a.id}\u0000${b.id}`);
      const want = setOf(e);
      if (e) {
        edges++;
        assert.ok(e.allowed.length > 0, 'an edge allows something');
        assert.equal(e.all, connEquals(want, ALL_CONNECTIONS));
      }
      const tos = nodeEndpoints(world, model, b.id);
      for (const x of froms) {
        for (const y of tos) {
          // A Pod to itself is always allowed and is no edge; a workload to itself is between two of its pods.
          if (x.kind === 'pod' && y.kind === 'pod' && x.pod === y.pod && x.pod.kind === 'Pod') continue;
          const got = pairConnections(world, x, y).set;
          assert.ok(connEquals(got, want), `seed ${seed}: ${a.id} -> ${b.id}: model ${e?.label ?? 'none'}, pair ${JSON.stringify(got)}`);
        }
      }
    }
  }
  return { edges, grouped };
}

test('property: every edge, and every missing edge, equals pairConnections for every pair of pods the nodes stand for', () => {
  const worlds = Number(process.env.REACH_WORLDS ?? 200);
  let edges = 0;
  let grouped = 0;
  let limitedRuns = 0;
  for (let w = 0; w < worlds; w++) {
    const r = new Rng(0x5eed + w);
    const s = genScenario(r);
    // Twins: same namespace, labels and ports (one node, unless their IPs fall in different ipBlocks).
    s.pods = s.pods.flatMap((p, i) => {
      if (i % 2 === 1) return [p];
      // A twin's IP: none, or one in the same or another of the generator's ipBlocks.
      const host = (i * 37 + w) % 250 + 2;
      const twinIp = p.ip ? [`10.0.1.${host}`, `10.0.2.${host}`, `192.0.2.${host}`, `10.0.1.${host % 16}`][w % 4] : undefined;
      const twin = { ...p, name: `${p.name}t`, kind: p.kind === 'Pod' && w % 5 === 0 ? 'Deployment' : p.kind, ip: twinIp };
      if (twin.kind !== 'Pod' || !twin.ip) delete twin.ip;
      return [p, twin];
    });
    const { world } = loadWorkspace([
      { file: 'world.yaml', text: worldText(s) },
      { file: 'policies.yaml', text: policyTexts(s).join('---\n') },
    ]);
    const model = buildReachabilityModel(world);
    // Every pod is in exactly one node; names are unique in generated worlds.
    assert.equal(model.nodes.filter((n) => n.kind === 'pods').reduce((k, n) => k + n.members.length, 0), world.pods.length);
    const counts = checkModel(world, model, 0x5eed + w);
    edges += counts.edges;
    grouped += counts.grouped;
    // Under a limit: whole namespaces left out, and what is shown is just as exact.
    const limited = buildReachabilityModel(world, undefined, { maxEdges: 4 });
    checkModel(world, limited, 0x5eed + w);
    // The first namespace is always shown; more only while the edges stay within the limit.
    if (limited.namespaces.length > 1) assert.ok(limited.edges.length <= 4, `seed ${0x5eed + w}: ${limited.edges.length} edges`);
    if (limited.omittedNamespaces) {
      assert.deepEqual([...limited.namespaces.map((n) => n.name), ...limited.omittedNamespaces], model.namespaces.map((n) => n.name));
      limitedRuns++;
      // Every namespace stays reachable: the picker's list names them all, and asking for a left-out one shows it, just as exact.
      assert.deepEqual(limited.allNamespaces, model.namespaces.map((n) => n.name));
      const last = limited.omittedNamespaces[limited.omittedNamespaces.length - 1];
      const asked = buildReachabilityModel(world, undefined, { namespaces: [last], maxEdges: 4 });
      assert.deepEqual(asked.namespaces.map((n) => n.name), [last]);
      assert.deepEqual(asked.allNamespaces, limited.allNamespaces);
      checkModel(world, asked, 0x5eed + w);
    }
    // A limit nothing passes: every namespace, the same edges as without a limit (the limited path
    // builds its pair index over the first namespaces and grows it; the edges' order differs).
    const unlimited = buildReachabilityModel(world, undefined, { maxEdges: 1e9 });
    const byId = (es: readonly ReachEdge[]) => [...es].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    assert.deepEqual(byId(unlimited.edges), byId(model.edges), `seed ${0x5eed + w}`);
    assert.deepEqual(unlimited.nodes, model.nodes);
    // The wire form (the LSP answer, the page's data) gives back the same model, edge for edge.
    for (const m of [model, limited]) assert.deepEqual(decodeReachability(encodeReachability(m)), m);
    if (model.edges.length > 20) assert.ok(JSON.stringify(encodeReachability(model)).length < JSON.stringify(model).length);
  }
  assert.ok(edges > 1000, `edges checked: ${edges}`);
  assert.ok(grouped > 0, `some worlds have grouped pods: ${grouped}`);
  assert.ok(limitedRuns > 0, `some worlds were cut by maxEdges: ${limitedRuns}`);
});
