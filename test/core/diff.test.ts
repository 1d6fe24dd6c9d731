/**
 * Semantic diff (server/src/core/ide/diff.ts): hand-written before/after pairs whose expected diff
 * is worked out from the Kubernetes rules in the comments, and a property test on random worlds:
 * the diff is empty exactly when every pair answers alike on every port that matters, its sets
 * agree with `evaluate` port by port, the shortcut for policy-only changes equals the full
 * comparison, and diff(B, A) mirrors diff(A, B).
 */
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/files';
import * as assert from 'node:assert/strict';
import { diffJson, diffWorlds, evaluate, formatConn, lineLocator, loadWorkspace, policyDiffSummary, renderDiffMarkdown, renderDiffText, changedPolicies } from '../../server/src/core';
import type { Endpoint, PairChange, World, WorldDiff } from '../../server/src/core';
import { connHas } from '../../server/src/core/semantics/connset';
import { diffRanges } from '../../server/src/core/ide/diff';
import { Rng, genPolicy, genScenario, policyTexts, worldText, TRAFFIC_PORTS, POD_LABELS, randomLabels } from '../oracle/gen';

const PODS = `apiVersion: v1
kind: Pod
metadata: {name: frontend-pod, namespace: default, labels: {app: frontend}}
spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80, name: http}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: default}
spec:
  selector: {matchLabels: {app: backend}}
  template:
    metadata: {labels: {app: backend}}
    spec: {containers: [{name: api, image: backend, ports: [{containerPort: 8080, name: http}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: database, namespace: default, labels: {app: database}}
spec: {containers: [{name: db, image: postgres, ports: [{containerPort: 5432}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec: {containers: [{name: dns, image: coredns, ports: [{containerPort: 53, name: dns, protocol: UDP}]}]}
`;

// The user's guide's three manifests, as given.
// The guide's three manifests, as the project ships them (examples/, each with a comment line on top).
const example = (name: string): string => fs.readFileSync(path.join(repoRoot(), 'examples', `${name}.yaml`), 'utf8');
const FRONTEND_TO_BACKEND = example('allow-frontend-to-backend');
const EGRESS_EXTERNAL = example('allow-egress-to-external-api');
const DENY_INGRESS = example('deny-ingress-from-external');

type Files = Record<string, string>;

function world(files: Files): World {
  return loadWorkspace(Object.entries(files).map(([file, text]) => ({ file, text }))).world;
}

function diffOf(before: Files, after: Files): WorldDiff {
  return diffWorlds(world(before), world(after));
}

/** `from -> to change before => after`, the diff in a form the expectations are written in. */
function lines(d: WorldDiff): string[] {
  return d.changes.map((c) => `${c.from.id} -> ${c.to.id} ${c.change} ${formatConn(c.before)} => ${formatConn(c.after)}`).sort();
}

const GUIDE: Files = { 'pods.yaml': PODS, 'a.yaml': FRONTEND_TO_BACKEND, 'b.yaml': EGRESS_EXTERNAL, 'c.yaml': DENY_INGRESS };

test('deleting allow-frontend-to-backend: frontend -> backend removed, and nothing else', () => {
  // Before: backend is isolated for ingress by two policies; allow-frontend-to-backend's rule
  // allows every port from frontend pods. After: deny-ingress-from-external alone isolates it with
  // no rule, so frontend -> backend loses every port. No other pair reached backend before.
  const after = { ...GUIDE };
  delete (after as Partial<Files>)['a.yaml'];
  const d = diffOf(GUIDE, after);
  assert.deepEqual(lines(d), ['default/frontend-pod -> default/backend removed all ports => none']);
  const c = d.changes[0];
  assert.equal(c.widening, false);
  assert.equal(c.narrowing, true);
  // Why: the deleted policy's rule, read from the old side, with its line there.
  assert.deepEqual(c.reasons.map((r) => `${r.side} ${r.direction} ${r.role} ${r.policy.name} ${r.rule}`), ['before ingress allows allow-frontend-to-backend spec.ingress[0]']);
  const text = renderDiffText(d, { before: lineLocator(Object.entries(GUIDE).map(([file, t]) => ({ file, text: t }))) });
  assert.match(text, /allow-frontend-to-backend spec\.ingress\[0\] \(a\.yaml:12\) allowed all ports, no longer/);
  assert.equal(d.endpoints.length, 0);
});

test('widening from to podSelector: {}: every pod of default whose egress allows it -> backend added', () => {
  // podSelector {} in a peer = every pod of the policy's namespace (default). frontend-pod was
  // already allowed; database gains every port. backend -> backend (two replicas) stays blocked:
  // backend's egress is isolated by allow-egress-to-external-api, which only allows 203.0.113.5.
  // coredns is in kube-system: not selected by a podSelector-only peer.
  const wide = FRONTEND_TO_BACKEND.replace('    - podSelector:\n        matchLabels:\n          app: frontend\n', '    - podSelector: {}\n');
  assert.notEqual(wide, FRONTEND_TO_BACKEND);
  const d = diffOf(GUIDE, { ...GUIDE, 'a.yaml': wide });
  assert.deepEqual(lines(d), ['default/database -> default/backend added none => all ports']);
  assert.ok(d.changes[0].widening && !d.changes[0].narrowing);
  assert.deepEqual(d.changes[0].reasons.map((r) => `${r.side} ${r.role} ${r.policy.name} ${r.rule}`), ['after allows allow-frontend-to-backend spec.ingress[0]']);
  // Without the egress policy, backend's egress is open, so replica -> replica is added too.
  const noEgress = { 'pods.yaml': PODS, 'a.yaml': FRONTEND_TO_BACKEND };
  assert.deepEqual(lines(diffOf(noEgress, { ...noEgress, 'a.yaml': wide })), [
    'default/backend -> default/backend added none => all ports',
    'default/database -> default/backend added none => all ports',
  ]);
});

const RANGE = (end: number) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: range, namespace: default}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: frontend}}}]
    ports:
    - port: 8000
      endPort: ${end}
`;

test('a port range narrowed by endPort: changed, only narrowing, the lost ports named', () => {
  const d = diffOf({ 'pods.yaml': PODS, 'r.yaml': RANGE(8100) }, { 'pods.yaml': PODS, 'r.yaml': RANGE(8050) });
  assert.deepEqual(lines(d), ['default/frontend-pod -> default/backend changed TCP 8000-8100 => TCP 8000-8050']);
  const c = d.changes[0];
  assert.equal(formatConn(c.lost), 'TCP 8051-8100');
  assert.equal(formatConn(c.gained), 'none');
  assert.ok(c.narrowing && !c.widening);
  assert.deepEqual(c.reasons.map((r) => `${r.side} ${r.rule} ${formatConn(r.ports!)}`), ['before spec.ingress[0] TCP 8051-8100']);
});

test('a named port whose number changes on the pod: the pair changes on both ports', () => {
  // port: http resolves on the destination pod's container port named http (TCP): 8080, then 9090.
  const named = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: named, namespace: default}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: frontend}}}]
    ports: [{port: http}]
`;
  const moved = PODS.replace('containerPort: 8080, name: http', 'containerPort: 9090, name: http');
  assert.notEqual(moved, PODS);
  const d = diffOf({ 'pods.yaml': PODS, 'n.yaml': named }, { 'pods.yaml': moved, 'n.yaml': named });
  assert.deepEqual(lines(d), ['default/frontend-pod -> default/backend changed TCP 8080 => TCP 9090']);
  assert.ok(d.changes[0].widening && d.changes[0].narrowing);
  assert.deepEqual(d.changes[0].reasons.map((r) => `${r.side} ${formatConn(r.ports!)}`).sort(), ['after TCP 9090', 'before TCP 8080']);
});

test('a new default-deny in default: every pair with an end in default loses everything', () => {
  // With no policy everything is allowed. default-deny-all isolates every pod of default both
  // ways with no rule: a pair is removed when its source is in default (egress) or its
  // destination is (ingress), except a Pod to itself. kube-system's coredns and the outside keep
  // talking to each other. Without any ipBlock, the outside is one range, 0.0.0.0/0.
  const deny = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;
  const d = diffOf({ 'pods.yaml': PODS }, { 'pods.yaml': PODS, 'deny.yaml': deny });
  const ends = [
    { id: 'default/frontend-pod', ns: 'default', pod: true },
    { id: 'default/backend', ns: 'default', pod: false },
    { id: 'default/database', ns: 'default', pod: true },
    { id: 'kube-system/coredns', ns: 'kube-system', pod: true },
    { id: 'ip:0.0.0.0/0', ns: '', pod: false },
  ];
  const expected: string[] = [];
  for (const f of ends)
    for (const t of ends) {
      if (f.id === t.id && f.pod) continue; // a Pod reaches itself
      if (f.ns === '' && t.ns === '') continue;
      if (f.ns === 'default' || t.ns === 'default') expected.push(`${f.id} -> ${t.id} removed all ports => none`);
    }
  assert.equal(expected.length, 19);
  assert.deepEqual(lines(d), expected.sort());
  assert.ok(d.changes.every((c) => c.reasons.some((r) => r.role === 'isolates' && r.side === 'after' && r.policy.name === 'default-deny-all')));
  const s = policyDiffSummary(d, 'default', 'default-deny-all');
  assert.deepEqual([s.gained, s.lost], [0, 19]);
});

test('reordering rules, peers and keys, reformatting, comments and moving a policy to another file: no change', () => {
  const before = { 'pods.yaml': PODS, 'p.yaml': `${FRONTEND_TO_BACKEND}---\n${RANGE(8100)}` };
  const reordered = `# moved and restyled
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: default, name: range}
spec:
  ingress:
  - ports: [{endPort: 8100, port: 8000}]
    from:
    - podSelector:
        matchLabels: {app: "frontend"}
  podSelector: {matchLabels: {app: backend}}
`;
  const after = { 'pods.yaml': PODS.split('---\n').reverse().join('---\n'), 'p.yaml': FRONTEND_TO_BACKEND.replace('  ingress:', '  # who may reach backend\n  ingress:'), 'q.yaml': reordered };
  const d = diffOf(before, after);
  assert.deepEqual(lines(d), []);
  assert.equal(d.endpoints.length, 0);
  assert.match(renderDiffText(d), /^No change in allowed connections\./);
  // Two rules of one policy swapped: same connections.
  const two = (a: string, b: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: two, namespace: default}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
  - ${a}
  - ${b}
`;
  const r1 = 'from: [{podSelector: {matchLabels: {app: frontend}}}]';
  const r2 = 'ports: [{port: 5432}]';
  assert.deepEqual(lines(diffOf({ 'pods.yaml': PODS, 't.yaml': two(r1, r2) }, { 'pods.yaml': PODS, 't.yaml': two(r2, r1) })), []);
  // changedPolicies still names the edited policy (its spec differs), so the editor can say "no change".
  const w1 = world({ 'pods.yaml': PODS, 't.yaml': two(r1, r2) });
  const w2 = world({ 'pods.yaml': PODS, 't.yaml': two(r2, r1) });
  assert.deepEqual(changedPolicies(w1, w2, 't.yaml'), [{ namespace: 'default', name: 'two', change: 'modified' }]);
});

test('pods that appear or disappear are reported as such, not as added or removed traffic', () => {
  const extra = `${PODS}---\napiVersion: v1\nkind: Pod\nmetadata: {name: cache, namespace: default, labels: {app: cache}}\nspec: {containers: [{name: c, image: redis}]}\n`;
  const d = diffOf({ 'pods.yaml': PODS, ...{ 'c.yaml': DENY_INGRESS } }, { 'pods.yaml': extra, 'c.yaml': DENY_INGRESS });
  assert.deepEqual(lines(d), []);
  assert.deepEqual(d.endpoints.map((e) => `${e.change} ${e.endpoint.podKind} ${e.endpoint.id}`), ['appeared Pod default/cache']);
  const back = diffOf({ 'pods.yaml': extra }, { 'pods.yaml': PODS });
  assert.deepEqual(back.endpoints.map((e) => `${e.change} ${e.endpoint.id}`), ['disappeared default/cache']);
  assert.match(renderDiffText(back), /Pod default\/cache disappeared \(pods\.yaml\)/);
});

test('ipBlock widened: the ranges split by both sides, and the new range named in the JSON as ip:CIDR', () => {
  // 203.0.113.5/32 -> 203.0.113.0/24: backend's egress now reaches the rest of that /24 too.
  const wide = EGRESS_EXTERNAL.replace('203.0.113.5/32', '203.0.113.0/24');
  const d = diffOf(GUIDE, { ...GUIDE, 'b.yaml': wide });
  assert.equal(d.changes.length, 1);
  const c = d.changes[0];
  assert.equal(c.from.id, 'default/backend');
  assert.equal(c.to.kind, 'ip');
  assert.equal(c.to.id, 'ip:203.0.113.0/30');
  assert.deepEqual(c.to.cidrs, ['203.0.113.0/30', '203.0.113.4/32', '203.0.113.6/31', '203.0.113.8/29', '203.0.113.16/28', '203.0.113.32/27', '203.0.113.64/26', '203.0.113.128/25']);
  assert.equal(c.change, 'added');
  const json = diffJson(d) as any[];
  assert.deepEqual(json[0].before, { allowed: [] });
  assert.deepEqual(json[0].after, { allowed: [{ protocol: 'TCP', ports: [[1, 65535]] }, { protocol: 'UDP', ports: [[1, 65535]] }, { protocol: 'SCTP', ports: [[1, 65535]] }] });
  assert.equal(json[0].from, 'default/backend');
  assert.equal(json[0].to, 'ip:203.0.113.0/30');
  assert.equal(json[0].reasons[0].policy, 'default/allow-egress-to-external-api');
});

test('Markdown: widening first, then narrowing; a crafted name cannot add a table row', () => {
  const evil = 'x|y';
  const pods = `${PODS}---\napiVersion: v1\nkind: Pod\nmetadata: {name: "${evil}", namespace: default, labels: {app: frontend}}\nspec: {containers: [{name: c, image: i}]}\n`;
  const before = { 'pods.yaml': pods, 'r.yaml': RANGE(8100) };
  // database -> backend gains every port (a new rule for backend); frontend pods -> backend lose 8051-8100.
  const after = { 'pods.yaml': pods, 'r.yaml': RANGE(8050), 'a.yaml': FRONTEND_TO_BACKEND.replace('app: frontend', 'app: database') };
  const md = renderDiffMarkdown(diffOf(before, after));
  const widen = md.indexOf('#### Widening');
  const narrow = md.indexOf('#### Narrowing');
  assert.ok(widen > 0 && narrow > widen, md);
  const rows = md.split('\n').filter((l) => l.startsWith('| '));
  for (const r of rows) assert.equal(r.split(/(?<!\\)\|/).length, 8, r);
  assert.ok(md.includes('default/x\\|y'));
});

// ---------------------------------------------------------------------------------------------
// Property test

function mutate(r: Rng, base: ReturnType<typeof genScenario>, names: string[]): ReturnType<typeof genScenario> {
  const s: ReturnType<typeof genScenario> = JSON.parse(JSON.stringify(base));
  const times = r.int(1, 3);
  for (let i = 0; i < times; i++) mutateOnce(r, s, names);
  return s;
}

function mutateOnce(r: Rng, s: ReturnType<typeof genScenario>, names: string[]): void {
  const what = r.int(0, 6);
  if (what === 0 && s.policies.length) s.policies.splice(r.int(0, s.policies.length - 1), 1);
  else if (what === 1) s.policies.push(genPolicy(r, 10 + r.int(0, 9), names).policy);
  else if (what === 2 && s.policies.length) s.policies[r.int(0, s.policies.length - 1)] = genPolicy(r, 20 + r.int(0, 9), names).policy;
  else if (what === 3 && s.pods.length) s.pods[r.int(0, s.pods.length - 1)].labels = randomLabels(r, POD_LABELS, 0.55);
  else if (what === 4 && s.pods.length) {
    const p = s.pods[r.int(0, s.pods.length - 1)];
    if (p.ports.length) p.ports[0].containerPort = r.pick([53, 80, 443, 8080, 9090, 5000]);
  }
  else if (what === 5) s.policies.reverse();
  // what === 6: the same scenario (rendered again)
}

function filesOf(s: ReturnType<typeof genScenario>) {
  return [
    { file: 'world.yaml', text: worldText(s) },
    { file: 'policies.yaml', text: policyTexts(s).join('---\n') },
  ];
}

function portsOf(w: World, into: Set<number>): void {
  for (const pol of w.policies)
    for (const rule of [...pol.ingress, ...pol.egress])
      for (const pt of rule.ports ?? []) if (typeof pt.port === 'number') [pt.port - 1, pt.port, pt.port + 1, ...(pt.endPort ? [pt.endPort, pt.endPort + 1] : [])].forEach((p) => into.add(p));
  for (const pod of w.pods) for (const cp of pod.ports) [cp.port - 1, cp.port, cp.port + 1].forEach((p) => into.add(p));
}

const key = (c: PairChange) => `${c.from.id}|${c.from.podKind ?? ''} -> ${c.to.id}|${c.to.podKind ?? ''}`;

test('property: diff(A, B) is empty iff every pair answers alike on every relevant port; sets agree with evaluate; fast = full; diff(B, A) mirrors it', () => {
  const n = Number(process.env.DIFF_WORLDS ?? 120);
  let nonEmpty = 0;
  let checked = 0;
  let shortcut = 0;
  for (let k = 0; k < n; k++) {
    const seed = 0xd1ff + k;
    const r = new Rng(seed);
    const a = genScenario(r);
    const names = [...new Set(a.pods.map((p) => p.namespace))];
    const b = mutate(r, a, names.length ? names : ['default']);
    const A = loadWorkspace(filesOf(a)).world;
    const B = loadWorkspace(filesOf(b)).world;
    const d = diffWorlds(A, B);
    const full = diffWorlds(A, B, { full: true });
    const show = (x: WorldDiff) => x.changes.map((c) => `${key(c)} ${formatConn(c.before)} => ${formatConn(c.after)}`).sort();
    assert.deepEqual(show(d), show(full), `seed ${seed}: shortcut vs full`);
    if (d.comparedPairs < full.comparedPairs) shortcut++;
    // The bulk index (used for many pairs) gives the same changes and the same reasons.
    const bulk = diffWorlds(A, B, { strategy: 'bulk' });
    const withWhy = (x: WorldDiff) => x.changes.map((c) => `${key(c)} ${formatConn(c.before)} => ${formatConn(c.after)} ${c.reasons.map((r) => `${r.side}/${r.direction}/${r.role}/${r.policy.name}/${r.rule ?? ''}/${r.ports ? formatConn(r.ports) : ''}`).join(',')}`);
    assert.deepEqual(withWhy(bulk), withWhy(d), `seed ${seed}: bulk vs single`);
    const back = diffWorlds(B, A);
    const mirrored = back.changes.map((c) => `${c.to.id}|${c.to.podKind ?? ''}<-${c.from.id}|${c.from.podKind ?? ''} ${formatConn(c.after)} => ${formatConn(c.before)} ${c.change === 'added' ? 'removed' : c.change === 'removed' ? 'added' : 'changed'} ${c.narrowing} ${c.widening}`).sort();
    const forward = d.changes.map((c) => `${c.to.id}|${c.to.podKind ?? ''}<-${c.from.id}|${c.from.podKind ?? ''} ${formatConn(c.before)} => ${formatConn(c.after)} ${c.change} ${c.widening} ${c.narrowing}`).sort();
    assert.deepEqual(mirrored, forward, `seed ${seed}: mirror`);
    // Every pair, every relevant port, against evaluate on each side.
    const ports = new Set<number>([1, 65535, ...TRAFFIC_PORTS]);
    portsOf(A, ports);
    portsOf(B, ports);
    const portList = [...ports].filter((p) => p >= 1 && p <= 65535);
    const byKey = (w: World) => new Map(w.pods.map((p) => [`${p.namespace}/${p.name}|${p.kind}`, p] as const));
    const ka = byKey(A);
    const kb = byKey(B);
    const ends: { id: string; a: Endpoint; b: Endpoint }[] = [];
    for (const [id, p] of ka) if (kb.has(id)) ends.push({ id, a: { kind: 'pod', pod: p }, b: { kind: 'pod', pod: kb.get(id)! } });
    for (const x of diffRanges(A, B)) ends.push({ id: `${x.de.id}|`, a: x.ep, b: x.ep });
    const changed = new Map(d.changes.map((c) => [key(c), c] as const));
    let anyDiffers = false;
    for (const f of ends)
      for (const t of ends) {
        if (f.a.kind === 'ip' && t.a.kind === 'ip') continue;
        const c = changed.get(`${f.id} -> ${t.id}`);
        for (const protocol of ['TCP', 'UDP', 'SCTP'])
          for (const port of portList) {
            const va = evaluate(A, { from: f.a, to: t.a, port, protocol }).allowed;
            const vb = evaluate(B, { from: f.b, to: t.b, port, protocol }).allowed;
            checked++;
            if (va !== vb) anyDiffers = true;
            if (!c) {
              if (va !== vb) assert.fail(`seed ${seed}: ${f.id} -> ${t.id} ${port}/${protocol} differs (${va} -> ${vb}) but the diff has no change`);
            } else {
              assert.equal(connHas(c.before, port, protocol), va, `seed ${seed}: before ${f.id} -> ${t.id} ${port}/${protocol}`);
              assert.equal(connHas(c.after, port, protocol), vb, `seed ${seed}: after ${f.id} -> ${t.id} ${port}/${protocol}`);
            }
          }
      }
    assert.equal(d.changes.length > 0, anyDiffers, `seed ${seed}: diff empty iff nothing differs`);
    if (d.changes.length) nonEmpty++;
  }
  assert.ok(nonEmpty > n / 5 && nonEmpty < n, `non-empty diffs: ${nonEmpty} of ${n}`);
  assert.ok(checked > 50_000, `checked ${checked}`);
  // The shortcut for policy-only changes was taken (and equalled the full comparison) often enough.
  assert.ok(shortcut > n / 10, `shortcut taken ${shortcut} of ${n}`);
  console.log(`diff property: ${n} world pairs, ${nonEmpty} non-empty, shortcut ${shortcut}, ${checked} port checks`);
});
