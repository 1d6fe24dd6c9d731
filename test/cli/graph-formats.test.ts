/**
 * `netpol-lens matrix --format dot|mermaid|model` (dist/cli.js in a child process), validated by
 * the real parsers: Graphviz's (`dot -Tcanon`, or `nop` for a graph too dense to lay out in a
 * test, then `gc` and `gvpr` to count and list what it kept) and Mermaid's own flowchart grammar (the `mermaid` package's parser and FlowDB, run in
 * Node). On the guide's scenario, on names crafted to inject syntax, and on a generated
 * 1,000-pod / 500-policy workspace (scripts/gen-policies.mjs). Graphviz must be installed
 * (Debian package `graphviz`, in .ci/run): without it these tests fail.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../harness/files';
import type { ReachabilityModel } from '../../server/src/core';

const root = repoRoot();
const cli = path.join(root, 'dist', 'cli.js');
const GUIDE = ['examples/allow-egress-to-external-api.yaml', 'examples/allow-frontend-to-backend.yaml', 'examples/deny-ingress-from-external.yaml', 'test/fixtures/workspaces/reach-guide'];

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 30 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tool(cmd: string, args: string[], input: string) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${cmd} could not run (install Debian's graphviz): ${r.error.message}`);
  return r;
}

/**
 * What Graphviz read: node and edge counts and every edge (tail, head, label), after `dot -Tcanon`
 * (which also lays the graph out), or after `nop` (Graphviz's parser and canonical writer without
 * a layout, for graphs too dense for dot's layout to finish in a test).
 */
function graphviz(dot: string, reader: 'dot' | 'nop' = 'dot'): { nodes: number; edges: number; list: string[]; names: string[] } {
  const canon = reader === 'dot' ? tool('dot', ['-Tcanon'], dot) : tool('nop', [], dot);
  assert.equal(canon.status, 0, `${reader} failed: ${canon.stderr}`);
  const count = tool('gc', ['-n', '-e'], canon.stdout);
  assert.equal(count.status, 0, count.stderr);
  const [nodes, edges] = count.stdout.trim().split(/\s+/).map(Number);
  const list = tool('gvpr', ['E{printf("%s\\t%s\\t%s\\n", tail.name, head.name, label)}'], canon.stdout);
  assert.equal(list.status, 0, list.stderr);
  const names = tool('gvpr', ['N{printf("%s\\n", name)}'], canon.stdout);
  return { nodes, edges, list: list.stdout.split('\n').filter(Boolean), names: names.stdout.split('\n').filter(Boolean) };
}

interface FlowDb {
  getVertices(): Map<string, { text?: string }>;
  getEdges(): { start: string; end: string; text: string }[];
  getSubGraphs(): { id: string; title: string; nodes: string[] }[];
}

let flowDiagram: Promise<{ parser: { parser: { yy: unknown }; parse(text: string): unknown }; db: FlowDb }> | undefined;

/** Mermaid's flowchart parser and database from the installed package (its bundled chunk that defines them). */
function mermaidFlow() {
  flowDiagram ??= (async () => {
    const dir = path.join(root, 'node_modules', 'mermaid', 'dist', 'chunks', 'mermaid.core');
    const file = fs.readdirSync(dir).filter((n) => n.endsWith('.mjs')).find((n) => {
      const s = fs.readFileSync(path.join(dir, n), 'utf8');
      return s.includes('// src/diagrams/flowchart/flowDiagram.ts') && /export \{[^}]*\bdiagram\b/.test(s);
    });
    assert.ok(file, 'mermaid flowchart parser found in node_modules/mermaid');
    const mod = await import(pathToFileURL(path.join(dir, file)).href);
    return mod.diagram;
  })();
  return flowDiagram;
}

/** Parses with Mermaid's grammar (a syntax error throws) and returns what its FlowDB recorded. */
async function mermaid(text: string): Promise<FlowDb> {
  const diagram = await mermaidFlow();
  const db = diagram.db as FlowDb & { sanitizeText?: (s: string) => string };
  // Sanitizing needs a DOM (DOMPurify); the structure is what is checked here.
  db.sanitizeText = (s: string) => s;
  diagram.parser.parser.yy = db;
  diagram.parser.parse(text);
  return db;
}

/** Mermaid's `#35;` entity codes back to characters. */
function unentity(s: string): string {
  return s.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

function model(args: string[]): ReachabilityModel {
  const r = run(['matrix', ...args, '--format', 'model']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as ReachabilityModel;
}

/** Edge i of the model as Graphviz lists it. */
function dotEdges(m: ReachabilityModel): string[] {
  const name = (id: string) => {
    const n = m.nodes.find((x) => x.id === id)!;
    return n.kind === 'external' ? n.id : n.id.replace(/^(?:pod|group):/, '');
  };
  return m.edges.map((e) => `${name(e.from)}\t${name(e.to)}\t${e.label}`);
}

test('dot: Graphviz reads the guide scenario and keeps every node and edge, labelled with its ports', () => {
  const m = model(GUIDE);
  const r = run(['matrix', ...GUIDE, '--format', 'dot']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^digraph reachability \{/);
  assert.match(r.stdout, /subgraph cluster_0 \{\n {4}label="default";/);
  assert.ok(r.stdout.includes('"default/frontend-pod" -> "default/backend-pod" [label="all ports"];'));
  const g = graphviz(r.stdout);
  assert.equal(g.nodes, m.nodes.length);
  assert.equal(g.edges, m.edges.length);
  assert.deepEqual([...g.list].sort(), dotEdges(m).sort());
  assert.ok(g.list.includes('default/backend-pod\tip:203.0.113.5/32\tall ports'));
  assert.ok(!g.list.some((l) => l.startsWith('default/database-pod\tdefault/backend-pod')));
});

test('mermaid: Mermaid\'s flowchart grammar reads the guide scenario, with namespaces as subgraphs', async () => {
  const m = model(GUIDE);
  const r = run(['matrix', ...GUIDE, '--format', 'mermaid']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^flowchart LR\n/);
  const db = await mermaid(r.stdout);
  assert.equal(db.getVertices().size, m.nodes.length);
  assert.equal(db.getEdges().length, m.edges.length);
  assert.deepEqual(db.getSubGraphs().map((s) => unentity(s.title)).sort(), ['default', 'kube-system']);
  const text = new Map([...db.getVertices()].map(([id, v]) => [id, unentity(v.text ?? '')]));
  const edges = db.getEdges().map((e) => `${text.get(e.start)} -> ${text.get(e.end)}: ${unentity(e.text)}`);
  assert.ok(edges.includes('frontend-pod +1 -> backend-pod: all ports'), edges.join('\n'));
  assert.ok(edges.includes('worker (Deployment) -> worker (Deployment): all ports'));
  assert.equal(text.get('n0'), 'backend-pod');
});

const HOSTILE = [
  ['"; a -> b [label="x"]', 'default'],
  [']] --> x', 'default'],
  ['<script>alert(1)</script>', 'default'],
  ['end', 'x"; subgraph cluster_9 { evil }; "'],
  ['line\nbreak', 'end\nflowchart TD'],
  ['back\\slash"|"', 'a]] --> z[b'],
];

test('escaping: crafted pod and namespace names cannot add nodes, edges or subgraphs to dot or Mermaid', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-graph-'));
  try {
    // Distinct labels, so that each pod is a node of its own.
    const docs = HOSTILE.map(([name, ns], i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${JSON.stringify(name)}\n  namespace: ${JSON.stringify(ns)}\n  labels: {app: ${JSON.stringify('<script>')}, n: "${i}"}\nspec: {containers: [{name: c, image: i}]}\n`);
    docs.push('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec:\n  podSelector: {matchLabels: {app: "<script>"}}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 192.0.2.0/24}\n    ports: [{port: 8080}]\n');
    fs.writeFileSync(path.join(dir, 'hostile.yaml'), docs.join('---\n'));
    const m = model([dir]);
    assert.equal(m.stats.pods, HOSTILE.length);
    const dot = run(['matrix', dir, '--format', 'dot']);
    assert.equal(dot.code, 0, dot.stderr);
    const g = graphviz(dot.stdout);
    assert.equal(g.nodes, m.nodes.length);
    assert.equal(g.edges, m.edges.length);
    // A DOT ID keeps the backslashes as written (only labels read `\\` as one), and control
    // characters are written as visible escapes.
    const asId = (s: string) => s.replace(/\n/g, '\\u000a').replace(/\\/g, '\\\\');
    assert.deepEqual([...g.list].sort(), dotEdges(m).map(asId).sort());
    for (const [name, ns] of HOSTILE) assert.ok(g.names.includes(asId(`${ns}/${name}`)), `${ns}/${name} is one node`);
    const mer = run(['matrix', dir, '--format', 'mermaid']);
    assert.equal(mer.code, 0, mer.stderr);
    assert.ok(!mer.stdout.includes('<script>'));
    const db = await mermaid(mer.stdout);
    assert.equal(db.getVertices().size, m.nodes.length);
    assert.equal(db.getEdges().length, m.edges.length);
    assert.equal(db.getSubGraphs().length, m.namespaces.length);
    const texts = [...db.getVertices().values()].map((v) => unentity(v.text ?? ''));
    for (const n of m.nodes) assert.ok(texts.includes(n.label.replace(/\n/g, '\\u000a')), n.label);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('1,000 pods / 500 policies: dot and Mermaid parse, with every edge; --max-edges leaves out whole namespaces', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-graph-big-'));
  try {
    const gen = await import(pathToFileURL(path.join(root, 'scripts', 'gen-policies.mjs')).href);
    for (const f of gen.generateWorkspace({ namespaces: 100, pods: 1000, policies: 500 }) as { name: string; text: string }[]) {
      fs.mkdirSync(path.dirname(path.join(dir, f.name)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.name), f.text);
    }
    const args = [dir, '--max-edges', '3000'];
    const m = model(args);
    assert.ok(m.omittedNamespaces && m.omittedNamespaces.length > 0);
    assert.ok(m.edges.length > 1000 && m.edges.length <= 3000, `${m.edges.length} edges`);
    assert.ok(m.namespaces.every((n) => !m.omittedNamespaces!.includes(n.name)));
    const dot = run(['matrix', ...args, '--format', 'dot']);
    assert.equal(dot.code, 0, dot.stderr);
    const g = graphviz(dot.stdout, 'nop');
    assert.equal(g.nodes, m.nodes.length);
    assert.equal(g.edges, m.edges.length);
    assert.deepEqual([...g.list].sort(), dotEdges(m).sort());
    // dot itself (layout included) on the first namespaces.
    const small = [dir, '--max-edges', '400'];
    const ms = model(small);
    const gs = graphviz(run(['matrix', ...small, '--format', 'dot']).stdout);
    assert.equal(gs.edges, ms.edges.length);
    assert.deepEqual([...gs.list].sort(), dotEdges(ms).sort());
    // Mermaid draws at most 500 edges unless its `maxEdges` is raised: the first namespaces.
    const mer = run(['matrix', ...small, '--format', 'mermaid']);
    const db = await mermaid(mer.stdout);
    assert.equal(db.getVertices().size, ms.nodes.length);
    assert.equal(db.getEdges().length, ms.edges.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('matrix graph formats: usage errors, and the per-port formats unchanged', () => {
  const port = run(['matrix', ...GUIDE, '--format', 'dot', '--port', '80']);
  assert.equal(port.code, 2);
  assert.match(port.stderr, /--port is for the text, json and md formats/);
  const bad = run(['matrix', ...GUIDE, '--format', 'svg']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be text, json, md, dot, mermaid or model, not "svg"/);
  assert.equal(run(['matrix', ...GUIDE, '--max-edges', '5']).code, 2);
  assert.equal(run(['matrix', ...GUIDE, '--format', 'model', '--max-edges', 'many']).code, 2);
  const text = run(['matrix', ...GUIDE]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^Reachability on port 80\/TCP/);
});
