/**
 * Differential test: the engine (server/src/core) against the naive evaluator in
 * test/oracle/naive.ts, on seeded pseudo-random worlds, policies and traffic. Every case must get
 * the same verdict, the same per-direction verdicts, the same isolating policies and the same
 * allowing rules. On a disagreement the case is shrunk greedily and printed as a YAML repro with
 * its seed.
 *
 * Knobs: ORACLE_SEED (base seed, default below), ORACLE_WORLDS (number of worlds).
 * Conventions shared by both sides (and checked in the semantics tables where documented): an
 * ipBlock is matched against a pod only through its known IP; when the answer depends on an
 * unknown pod IP the naive evaluator says "unknown", and the engine must answer as if the
 * address were outside the block and say so in a caveat.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as YAML from 'yaml';
import { analyzeText, evaluate, loadWorkspace, resolveEndpoint, resolvePort } from '../../server/src/core';
import type { Verdict, World } from '../../server/src/core';
import type { PodInfo } from '../../server/src/core/model/inventory';
import { buildPeerMasksSteps, connectionsOf } from '../../server/src/core/semantics/reach';
import { connectionsBetween, connEquals, connHas, connIsAll, connIsEmpty } from '../../server/src/core/semantics/connset';
import { Rng, genScenario, policyTexts, worldText, TRAFFIC_PORTS, PROTOCOLS, EXTERNAL_IPS, PORT_NAMES } from '../oracle/gen';
import type { GenPod, Scenario, Traffic } from '../oracle/gen';
import { naiveEndpointForIP, naiveEvaluate, NaiveCluster, NaiveEnd, NaivePod, Tri } from '../oracle/naive';

const BASE_SEED = Number(process.env.ORACLE_SEED ?? 0x5eed2025);
const WORLDS = Number(process.env.ORACLE_WORLDS ?? 400);
/** Runs the one world of this seed (as printed by a failure) instead of the whole series. */
const ONLY_WORLD_SEED = process.env.ORACLE_WORLD_SEED === undefined ? undefined : Number(process.env.ORACLE_WORLD_SEED);
const TRAFFIC_PER_WORLD = 12;

// ---- running one case on both sides ---------------------------------------------------------

interface Built {
  world: World;
  cluster: NaiveCluster;
  analyzedValid: boolean[];
}

function build(s: Scenario): Built {
  const texts = policyTexts(s);
  const world = loadWorkspace([
    { file: 'world.yaml', text: worldText(s) },
    { file: 'policies.yaml', text: texts.join('---\n') },
  ]).world;
  const analyzedValid = texts.map((t) => analyzeText(t).policies[0]?.valid ?? false);
  const pods: NaivePod[] = s.pods.map((p) => ({
    namespace: p.namespace,
    name: p.name,
    labels: { ...p.labels },
    ports: p.ports.map((x) => ({ ...x })),
    ips: p.ip ? [p.ip] : [],
    single: p.kind === 'Pod',
  }));
  const cluster: NaiveCluster = {
    namespaces: s.namespaces.map((n) => ({ name: n.name, labels: { ...n.labels } })),
    pods,
    policies: texts.map((t, i) => ({ object: YAML.parse(t), valid: analyzedValid[i] })),
  };
  return { world, cluster, analyzedValid };
}

function naiveEnd(c: NaiveCluster, ref: string): NaiveEnd {
  if (ref.startsWith('ip:')) return naiveEndpointForIP(c, ref.slice(3));
  const [ns, name] = ref.split('/');
  const pod = c.pods.find((p) => p.namespace === ns && p.name === name);
  if (!pod) throw new Error(`generator bug: no pod ${ref}`);
  return { pod };
}

function naivePort(to: NaiveEnd, t: Traffic): { port: number; protocol: string } {
  if (/^[0-9]+$/.test(t.port)) return { port: Number(t.port), protocol: t.protocol };
  if (!('pod' in to)) throw new Error('generator bug: named port to an address');
  const cp = to.pod.ports.find((p) => p.name === t.port && (p.protocol ?? 'TCP') === t.protocol);
  if (!cp) throw new Error(`generator bug: no port ${t.port}/${t.protocol}`);
  return { port: cp.containerPort, protocol: t.protocol };
}

interface Outcome {
  allowed: string;
  egress: string;
  ingress: string;
  isolatedBy: string;
  allowedBy: string;
  caveat: boolean;
  port: string;
}

function sortedJoin(xs: string[]): string {
  return [...xs].sort().join(', ');
}

function engineOutcome(world: World, t: Traffic): Outcome | string {
  const from = resolveEndpoint(world, t.from);
  const to = resolveEndpoint(world, t.to);
  if ('error' in from) return `engine cannot resolve ${t.from}: ${from.error}`;
  if ('error' in to) return `engine cannot resolve ${t.to}: ${to.error}`;
  const port = resolvePort(to.endpoint, t.port, t.protocol);
  if ('error' in port) return `engine cannot resolve port ${t.port}/${t.protocol}: ${port.error}`;
  const v: Verdict = evaluate(world, { from: from.endpoint, to: to.endpoint, port: port.port, protocol: port.protocol });
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  return {
    allowed: yesNo(v.allowed),
    egress: yesNo(v.egress.allowed),
    ingress: yesNo(v.ingress.allowed),
    isolatedBy: `egress [${sortedJoin(v.egress.isolatedBy.map((p) => `${p.namespace}/${p.name}`))}] ingress [${sortedJoin(v.ingress.isolatedBy.map((p) => `${p.namespace}/${p.name}`))}]`,
    allowedBy: sortedJoin([...v.egress.allowedBy, ...v.ingress.allowedBy].map((m) => `${m.policy.namespace}/${m.policy.name}#${m.direction}[${m.rule.index}]`)),
    caveat: v.caveats.length > 0,
    port: `${port.protocol}/${port.port}`,
  };
}

/** The naive side. An unknown answer counts as "no", the engine's documented convention. */
function naiveOutcome(c: NaiveCluster, t: Traffic): Outcome & { unknown: boolean } {
  const from = naiveEnd(c, t.from);
  const to = naiveEnd(c, t.to);
  const { port, protocol } = naivePort(to, t);
  const v = naiveEvaluate(c, from, to, port, protocol);
  const definite = (x: Tri) => (x === 'yes' ? 'yes' : 'no');
  const unknown = v.allowed === 'unknown' || v.egress === 'unknown' || v.ingress === 'unknown';
  return {
    allowed: definite(v.allowed),
    egress: definite(v.egress),
    ingress: definite(v.ingress),
    isolatedBy: `egress [${sortedJoin(v.isolatedBy.egress)}] ingress [${sortedJoin(v.isolatedBy.ingress)}]`,
    allowedBy: sortedJoin(v.allowedBy),
    caveat: unknown,
    unknown,
    port: `${protocol}/${port}`,
  };
}

/** Undefined when both sides agree; else what differs. */
function compare(b: Built, t: Traffic): string | undefined {
  const e = engineOutcome(b.world, t);
  if (typeof e === 'string') return e;
  const n = naiveOutcome(b.cluster, t);
  const diffs: string[] = [];
  for (const k of ['allowed', 'egress', 'ingress', 'isolatedBy', 'allowedBy', 'port'] as const) {
    if (e[k] !== n[k]) diffs.push(`${k}: engine ${JSON.stringify(e[k])} vs naive ${JSON.stringify(n[k])}`);
  }
  if (n.unknown && !e.caveat) diffs.push('the answer depends on an unknown pod IP but the engine gave no caveat');
  return diffs.length ? diffs.join('; ') : undefined;
}

// ---- traffic --------------------------------------------------------------------------------

function genTraffic(r: Rng, s: Scenario): Traffic {
  const refs = (): string => {
    const x = r.next();
    if (x < 0.75) {
      const p = r.pick(s.pods);
      return `${p.namespace}/${p.name}`;
    }
    const withIp = s.pods.filter((p) => p.ip);
    if (x < 0.85 && withIp.length > 0) {
      const ip = r.pick(withIp).ip!;
      // The same IPv6 address written out in full must name the same pod.
      if (ip.includes(':') && r.chance(0.5)) return `ip:${expandIPv6(ip)}`;
      return `ip:${ip}`;
    }
    return `ip:${r.pick(EXTERNAL_IPS)}`;
  };
  const from = refs();
  const to = refs();
  const dest = to.startsWith('ip:') ? s.pods.find((p) => p.ip === to.slice(3)) : s.pods.find((p) => `${p.namespace}/${p.name}` === to);
  const named = dest?.ports.filter((p) => p.name) ?? [];
  if (named.length > 0 && !to.startsWith('ip:') && r.chance(0.35)) {
    const p = r.pick(named);
    return { from, to, port: p.name!, protocol: p.protocol ?? 'TCP' };
  }
  if (dest && dest.ports.length > 0 && r.chance(0.3)) {
    const p = r.pick(dest.ports);
    return { from, to, port: String(p.containerPort), protocol: p.protocol ?? 'TCP' };
  }
  return { from, to, port: String(r.pick(TRAFFIC_PORTS)), protocol: r.pick([...PROTOCOLS, 'TCP', 'TCP']) };
}

function expandIPv6(ip: string): string {
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t].map((g) => g.padStart(4, '0')).join(':');
}

// ---- shrinking ------------------------------------------------------------------------------

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x));
}

/** Every one-step simplification of the scenario (and of the traffic's port). */
function* simplifications(s: Scenario, t: Traffic): Generator<{ s: Scenario; t: Traffic }> {
  const involved = (p: GenPod) => [t.from, t.to].some((ref) => ref === `${p.namespace}/${p.name}` || (p.ip && ref === `ip:${p.ip}`));
  for (let i = 0; i < s.policies.length; i++) {
    const c = clone(s);
    c.policies.splice(i, 1);
    c.expectValid.splice(i, 1);
    yield { s: c, t };
  }
  for (let i = 0; i < s.pods.length; i++) {
    if (involved(s.pods[i])) continue;
    const c = clone(s);
    c.pods.splice(i, 1);
    yield { s: c, t };
  }
  for (let i = 0; i < s.namespaces.length; i++) {
    const c = clone(s);
    c.namespaces.splice(i, 1);
    yield { s: c, t };
  }
  if (!/^[0-9]+$/.test(t.port)) {
    const dest = s.pods.find((p) => `${p.namespace}/${p.name}` === t.to);
    const cp = dest?.ports.find((p) => p.name === t.port && (p.protocol ?? 'TCP') === t.protocol);
    if (cp) yield { s, t: { ...t, port: String(cp.containerPort) } };
  }
  // Inside policies: drop fields, rules, peers, ports, selector terms.
  const paths: (string | number)[][] = [];
  const walk = (v: any, path: (string | number)[]) => {
    if (Array.isArray(v)) v.forEach((x, i) => { paths.push([...path, i]); walk(x, [...path, i]); });
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) { paths.push([...path, k]); walk(v[k], [...path, k]); }
  };
  s.policies.forEach((p, i) => walk(p.spec, ['policies', i, 'spec']));
  s.pods.forEach((p, i) => { walk(p.labels, ['pods', i, 'labels']); walk(p.ports, ['pods', i, 'ports']); walk(p.objectLabels, ['pods', i, 'objectLabels']); });
  s.namespaces.forEach((n, i) => walk(n.labels, ['namespaces', i, 'labels']));
  for (let i = 0; i < s.pods.length; i++) {
    if (s.pods[i].containers > 1) {
      const c = clone(s);
      c.pods[i].containers = 1;
      yield { s: c, t };
    }
    if (s.pods[i].kind !== 'Pod') {
      const c = clone(s);
      c.pods[i].kind = 'Pod';
      yield { s: c, t };
    }
  }
  for (const path of paths) {
    if (path.length === 4 && path[3] === 'podSelector') continue;
    const c: any = clone(s);
    let parent = c;
    for (const k of path.slice(0, -1)) parent = parent[k];
    const last = path[path.length - 1];
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
    yield { s: c, t };
  }
}

function shrink(s0: Scenario, t0: Traffic): { s: Scenario; t: Traffic; diff: string } {
  let s = s0;
  let t = t0;
  let diff = compare(build(s), t) ?? '';
  let budget = 3000;
  let progress = true;
  while (progress && budget > 0) {
    progress = false;
    for (const cand of simplifications(s, t)) {
      if (--budget <= 0) break;
      let d: string | undefined;
      try {
        d = compare(build(cand.s), cand.t);
      } catch {
        continue;
      }
      if (d) {
        s = cand.s;
        t = cand.t;
        diff = d;
        progress = true;
        break;
      }
    }
  }
  return { s, t, diff };
}

function repro(seed: number, s: Scenario, t: Traffic, diff: string): string {
  return [
    `world seed ${seed} (rerun alone: ORACLE_WORLD_SEED=${seed}; series ORACLE_SEED=${BASE_SEED}): ${diff}`,
    `traffic: ${t.from} -> ${t.to} port ${t.port}/${t.protocol}`,
    '# world.yaml',
    worldText(s),
    '# policies.yaml',
    policyTexts(s).join('---\n'),
  ].join('\n');
}

// ---- the test -------------------------------------------------------------------------------

test('oracle: the engine agrees with the naive evaluator on random worlds', (tc) => {
  const started = Date.now();
  const failures: string[] = [];
  const validity: string[] = [];
  const stats = { cases: 0, allowed: 0, blocked: 0, unknown: 0, named: 0, invalidPolicies: 0, policies: 0, ipCases: 0 };
  const seeds = ONLY_WORLD_SEED !== undefined ? [ONLY_WORLD_SEED] : Array.from({ length: WORLDS }, (_, w) => (BASE_SEED + w * 7919) >>> 0);
  for (const seed of seeds) {
    const r = new Rng(seed);
    const s = genScenario(r);
    const b = build(s);
    stats.policies += s.policies.length;
    s.expectValid.forEach((want, i) => {
      if (!want) stats.invalidPolicies++;
      if (want !== b.analyzedValid[i] && validity.length < 5) {
        validity.push(`seed ${seed}: the generator meant pol-${i} to be ${want ? 'valid' : 'invalid'}, analyzeText says ${b.analyzedValid[i] ? 'valid' : 'invalid'}:\n${policyTexts(s)[i]}`);
      }
    });
    for (let k = 0; k < TRAFFIC_PER_WORLD; k++) {
      const t = genTraffic(r, s);
      stats.cases++;
      if (!/^[0-9]+$/.test(t.port)) stats.named++;
      if (t.from.startsWith('ip:') || t.to.startsWith('ip:')) stats.ipCases++;
      const n = naiveOutcome(b.cluster, t);
      if (n.unknown) stats.unknown++;
      if (n.allowed === 'yes') stats.allowed++;
      else stats.blocked++;
      const diff = compare(b, t);
      if (diff && failures.length < 5) {
        const small = shrink(s, t);
        failures.push(repro(seed, small.s, small.t, small.diff));
      } else if (diff) failures.push(`seed ${seed}: ${diff} (not shrunk)`);
    }
  }
  const ms = Date.now() - started;
  tc.diagnostic(`${seeds.length} worlds, ${stats.cases} cases (${stats.allowed} allowed, ${stats.blocked} blocked, ${stats.unknown} on unknown pod IPs, ${stats.named} by port name, ${stats.ipCases} with an address), ${stats.policies} policies (${stats.invalidPolicies} deliberately invalid), ${ms} ms`);
  assert.deepEqual(validity, [], `the generator and analyzeText disagree on validity:\n${validity.join('\n\n')}`);
  assert.ok(failures.length === 0, `${failures.length} disagreements between the engine and the naive evaluator; first ones shrunk:\n\n${failures.slice(0, 5).join('\n\n=====\n\n')}`);
  if (ONLY_WORLD_SEED !== undefined) return;
  // The generator must keep exercising both outcomes and the rarer paths.
  assert.ok(stats.allowed > stats.cases * 0.15 && stats.blocked > stats.cases * 0.15, `degenerate generator: ${JSON.stringify(stats)}`);
  assert.ok(stats.named > 50 && stats.unknown > 10 && stats.invalidPolicies > 10, `degenerate generator: ${JSON.stringify(stats)}`);
});

test('connectionsOf (the hover\'s fast path) gives, for every pod pair, exactly the connection set of connectionsBetween, and evaluate agrees on every port it names', () => {
  const seeds = Array.from({ length: Math.min(WORLDS, 150) }, (_, w) => (BASE_SEED + 31 + w * 7919) >>> 0);
  let pairs = 0;
  let nonEmpty = 0;
  let partial = 0;
  let primed = 0;
  for (const [w, seed] of seeds.entries()) {
    const world = build(genScenario(new Rng(seed))).world;
    // Every other world with every peer's mask built first, as priming does (the hovered pod's
    // matches are then read from the masks); the others build masks as the hovers need them.
    if (w % 2 === 0) for (const _ of buildPeerMasksSteps(world, 3)) primed++;
    for (const pod of world.pods) {
      // outOnly first (computed on its own), then the full answer (computed, then kept per world).
      const outOnly = connectionsOf(world, pod, { outOnly: true });
      const fast = connectionsOf(world, pod);
      assert.equal(connectionsOf(world, pod), fast, 'the full answer is kept for the world');
      assert.equal(fast.pods, world.pods);
      assert.equal(fast.self, world.pods.indexOf(pod));
      fast.pods.forEach((other, n) => {
        if (n === fast.self) return;
        const inSet = fast.inSets[n];
        const outSet = fast.outSets[n];
        pairs++;
        const ep = (p: PodInfo) => ({ kind: 'pod' as const, pod: p });
        const want = { inSet: connectionsBetween(world, ep(other), ep(pod)), outSet: connectionsBetween(world, ep(pod), ep(other)) };
        const where = `seed ${seed}: ${pod.namespace}/${pod.name} and ${other.namespace}/${other.name}`;
        assert.ok(connEquals(inSet, want.inSet) && connEquals(outSet, want.outSet), `${where}: ${JSON.stringify({ inSet, outSet })} vs ${JSON.stringify(want)}`);
        assert.ok(outOnly.pods[n] === other && connEquals(outOnly.outSets[n], outSet) && (connIsEmpty(outOnly.inSets[n]) || connEquals(outOnly.inSets[n], inSet)), `${where}: outOnly`);
        // And evaluate, on the ports the pair's pods listen on plus a few others.
        for (const [from, to, set] of [[other, pod, inSet], [pod, other, outSet]] as const) {
          for (const c of [...to.ports, { port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 65535, protocol: 'SCTP' }]) {
            const allowed = evaluate(world, { from: ep(from), to: ep(to), port: c.port, protocol: c.protocol }).allowed;
            assert.equal(connHas(set, c.port, c.protocol), allowed, `${where}: ${c.port}/${c.protocol}`);
          }
        }
        for (const s of [inSet, outSet]) {
          if (!connIsEmpty(s)) nonEmpty++;
          if (!connIsEmpty(s) && !connIsAll(s)) partial++;
        }
      });
    }
  }
  assert.ok(pairs > 1000 && nonEmpty > pairs / 4 && partial > pairs / 20, `degenerate: ${pairs} pairs, ${nonEmpty} non-empty sets, ${partial} partial`);
  assert.ok(primed > 10, `mask priming took ${primed} steps: the primed path went untested`);
});
