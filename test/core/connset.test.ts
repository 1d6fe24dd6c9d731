/**
 * Connection sets (server/src/core/semantics/connset.ts): the range algebra, the external address
 * ranges, and a property test: on seeded random worlds, every (pair, port, protocol) is in the
 * pair's set exactly when `evaluate` allows it, for the single-pair and the bulk computation.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { evaluate, loadWorkspace } from '../../server/src/core';
import type { Endpoint, World } from '../../server/src/core';
import {
  ALL_CONNECTIONS,
  NO_CONNECTIONS,
  connEquals,
  connHas,
  connOf,
  connSize,
  connToJson,
  connectivityIndex,
  externalRanges,
  formatConn,
  intersectConn,
  pairConnections,
  subtractConn,
  unionConn,
} from '../../server/src/core/semantics/connset';
import type { ConnSet } from '../../server/src/core/semantics/connset';
import { parseIPSloppy } from '../../server/src/core/semantics/cidr';
import { Rng, genScenario, policyTexts, worldText, EXTERNAL_IPS, TRAFFIC_PORTS } from '../oracle/gen';

test('range algebra: union merges adjacent ranges, intersection and difference are exact', () => {
  const a = connOf({ TCP: [[80, 80], [81, 90], [8080, 8090]], UDP: [[53, 53]] });
  assert.deepEqual(a.TCP, [[80, 90], [8080, 8090]]);
  assert.equal(formatConn(a), 'TCP 80-90,8080-8090; UDP 53');
  const b = connOf({ TCP: [[85, 8085]] });
  assert.deepEqual(intersectConn(a, b), connOf({ TCP: [[85, 90], [8080, 8085]] }));
  assert.deepEqual(subtractConn(a, b), connOf({ TCP: [[80, 84], [8086, 8090]], UDP: [[53, 53]] }));
  assert.deepEqual(unionConn(a, b), connOf({ TCP: [[80, 8090]], UDP: [[53, 53]] }));
  assert.equal(connSize(a), 11 + 11 + 1);
  assert.ok(connEquals(unionConn(NO_CONNECTIONS, ALL_CONNECTIONS), ALL_CONNECTIONS));
  assert.equal(formatConn(ALL_CONNECTIONS), 'all ports');
  assert.equal(formatConn(NO_CONNECTIONS), 'none');
  assert.deepEqual(connToJson(connOf({ UDP: [[53, 53]], TCP: [[1, 65535]] })), [
    { protocol: 'TCP', ports: [[1, 65535]] },
    { protocol: 'UDP', ports: [[53, 53]] },
  ]);
  assert.ok(connHas(a, 8085, 'TCP') && !connHas(a, 8085, 'UDP') && !connHas(a, 53, 'ICMP'));
});

const GUIDE = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-egress-to-external-api
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: backend
  egress:
  - to:
    - ipBlock:
        cidr: 203.0.113.5/32
    - ipBlock:
        cidr: 0.0.0.0/0
        except: [10.0.0.0/8]
    ports:
    - port: 8000
      endPort: 8100
    - port: http
`;

const PODS = `apiVersion: v1
kind: Pod
metadata: {name: backend, namespace: default, labels: {app: backend}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {app: web}}
spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}
`;

test('external ranges: split by every cidr and except, grouped by the ipBlocks that contain them', () => {
  const { world } = loadWorkspace([
    { file: 'p.yaml', text: GUIDE },
    { file: 'pods.yaml', text: PODS },
  ]);
  const ranges = externalRanges(world);
  const labels = ranges.map((r) => r.label).sort();
  // 203.0.113.5/32 is in both ipBlocks; 10.0.0.0/8 in none; the rest of IPv4 only in 0.0.0.0/0 except 10/8.
  assert.deepEqual(labels, ['10.0.0.0/8', '203.0.113.5/32', '0.0.0.0/0 except 10.0.0.0/8, 203.0.113.5/32'].sort());
  assert.equal(ranges.find((r) => r.label === '10.0.0.0/8')!.unmatched, true);
  const rest = ranges.find((r) => r.label.startsWith('0.0.0.0/0'))!;
  assert.ok(rest.cidrs.length > 3 && rest.cidrs.includes('0.0.0.0/5'));
  // backend → each range: the ipBlock ports (named port http never matches an address).
  const backend: Endpoint = { kind: 'pod', pod: world.pods.find((p) => p.name === 'backend')! };
  for (const r of ranges) {
    const got: ConnSet = pairConnections(world, backend, r.endpoint).set;
    assert.equal(formatConn(got), r.unmatched ? 'none' : 'TCP 8000-8100', r.label);
  }
  // backend → web: egress isolated, no ipBlock matches web (no IP known): nothing.
  const web: Endpoint = { kind: 'pod', pod: world.pods.find((p) => p.name === 'web')! };
  assert.equal(formatConn(pairConnections(world, backend, web).set), 'none');
  // web → backend: no policyTypes and egress rules mean [Ingress, Egress]: backend is isolated for
  // ingress too, with no ingress rule.
  assert.equal(formatConn(pairConnections(world, web, backend).set), 'none');
  assert.equal(formatConn(pairConnections(world, web, web).set), 'all ports');
});

function endpointOf(world: World, ref: string): Endpoint {
  if (ref.startsWith('ip:')) {
    const ip = parseIPSloppy(ref.slice(3))!;
    return { kind: 'ip', bytes: ip.bytes, text: ref.slice(3) };
  }
  const [ns, name] = ref.split('/');
  return { kind: 'pod', pod: world.pods.find((p) => p.namespace === ns && p.name === name)! };
}

test('property: a port is in the pair set exactly when evaluate allows it (single and bulk)', () => {
  const worlds = Number(process.env.CONNSET_WORLDS ?? 150);
  let checked = 0;
  let allowed = 0;
  for (let w = 0; w < worlds; w++) {
    const seed = 0xc0de + w;
    const r = new Rng(seed);
    const s = genScenario(r);
    const { world } = loadWorkspace([
      { file: 'world.yaml', text: worldText(s) },
      { file: 'policies.yaml', text: policyTexts(s).join('---\n') },
    ]);
    const ext = externalRanges(world);
    const extra = [...ext.map((x) => x.endpoint), ...EXTERNAL_IPS.map((ip) => endpointOf(world, `ip:${ip}`))];
    const index = connectivityIndex(world, extra);
    // Ports worth asking: every boundary a rule or a container names, and a few others.
    const ports = new Set<number>([1, 65535, ...TRAFFIC_PORTS]);
    for (const pol of world.policies)
      for (const rule of [...pol.ingress, ...pol.egress])
        for (const pt of rule.ports ?? []) {
          if (typeof pt.port === 'number') [pt.port - 1, pt.port, pt.port + 1, ...(pt.endPort ? [pt.endPort, pt.endPort + 1] : [])].forEach((p) => ports.add(p));
        }
    for (const pod of world.pods) for (const cp of pod.ports) ports.add(cp.port);
    const portList = [...ports].filter((p) => p >= 1 && p <= 65535);
    const n = index.endpoints.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const from = index.endpoints[i];
        const to = index.endpoints[j];
        if (from.kind === 'ip' && to.kind === 'ip') continue;
        const single = pairConnections(world, from, to).set;
        const bulk = index.between(i, j);
        assert.ok(connEquals(single, bulk), `seed ${seed}: bulk ${formatConn(bulk)} vs single ${formatConn(single)} for ${i}->${j}`);
        // The bulk index's contributions (the semantic diff's reasons) equal pairConnections'.
        const pc = pairConnections(world, from, to);
        const ic = index.contributions(i, j);
        assert.ok(connEquals(ic.set, single), `seed ${seed}: contributions set ${i}->${j}`);
        for (const dir of ['egress', 'ingress'] as const) {
          const show = (sc: typeof pc.egress) => JSON.stringify([sc.isolated, sc.isolatedBy.map((r) => r.name), sc.rules.map((r) => [r.policy.name, r.direction, r.rule.index, r.peer?.index, formatConn(r.set)])]);
          assert.equal(show(ic[dir]), show(pc[dir]), `seed ${seed}: contributions ${dir} ${i}->${j}`);
        }
        for (const protocol of ['TCP', 'UDP', 'SCTP']) {
          for (const port of portList) {
            const v = evaluate(world, { from, to, port, protocol }).allowed;
            checked++;
            if (v) allowed++;
            if (v !== connHas(single, port, protocol)) assert.fail(`seed ${seed}: ${i}->${j} ${port}/${protocol}: evaluate ${v}, set ${formatConn(single)}`);
          }
        }
      }
    }
    // Every external range is uniform: each of its CIDRs' first address answers like the representative.
    for (const x of ext) {
      for (const c of x.cidrs.slice(0, 4)) {
        const ep = endpointOf(world, `ip:${c.split('/')[0]}`);
        for (const pod of world.pods.slice(0, 4)) {
          const pe: Endpoint = { kind: 'pod', pod };
          assert.ok(connEquals(pairConnections(world, pe, ep).set, pairConnections(world, pe, x.endpoint).set), `seed ${seed}: ${c} vs ${x.label}`);
          assert.ok(connEquals(pairConnections(world, ep, pe).set, pairConnections(world, x.endpoint, pe).set), `seed ${seed}: from ${c}`);
        }
      }
    }
  }
  assert.ok(checked > 100_000 && allowed > checked / 10 && allowed < checked, `checked ${checked}, allowed ${allowed}`);
});
