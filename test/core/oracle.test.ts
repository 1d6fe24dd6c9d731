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
import { candidatePorts, reachabilityOf } from '../../server/src/core/semantics/reach';
import { naiveEndpointForIP, naiveEvaluate, NaiveCluster, NaiveEnd, NaivePod, Tri } from '../oracle/naive';

const BASE_SEED = Number(process.env.ORACLE_SEED ?? 0x5eed2025);
const WORLDS = Number(process.env.ORACLE_WORLDS ?? 400);
/** Runs the one world of this seed (as printed by a failure) instead of the whole series. */
const ONLY_WORLD_SEED = process.env.ORACLE_WORLD_SEED === undefined ? undefined : Number(process.env.ORACLE_WORLD_SEED);
const TRAFFIC_PER_WORLD = 12;

// ---- deterministic randomness (mulberry32) --------------------------------------------------

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  some<T>(xs: readonly T[], max: number): T[] {
    const pool = [...xs];
    const out: T[] = [];
    const n = this.int(1, Math.min(max, pool.length));
    for (let i = 0; i < n; i++) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]);
    return out;
  }
}

// ---- the scenario model ---------------------------------------------------------------------

type Labels = Record<string, string>;

interface GenPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

interface GenPod {
  kind: string;
  namespace: string;
  writeNamespace: boolean;
  name: string;
  labels: Labels;
  /** Labels on the workload object itself (never on its pods). */
  objectLabels: Labels;
  ports: GenPort[];
  containers: number;
  ip?: string;
}

interface GenNamespace {
  name: string;
  labels: Labels;
}

interface Scenario {
  /** Namespaces that have a Namespace object in the files. */
  namespaces: GenNamespace[];
  pods: GenPod[];
  policies: any[];
  /** What the generator meant: false for a deliberately invalid policy. */
  expectValid: boolean[];
}

interface Traffic {
  from: string;
  to: string;
  /** As asked: a number, or a container port name of the destination. */
  port: string;
  protocol: string;
}

const NS_POOL = ['default', 'alpha', 'beta', 'gamma', 'delta'];
const NS_LABELS: Record<string, string[]> = { team: ['red', 'blue'], env: ['prod', 'dev'] };
const POD_LABELS: Record<string, string[]> = { app: ['web', 'api', 'db'], role: ['front', 'back'], tier: ['gold', 'silver', ''], 'example.com/owner': ['a1', 'b2'] };
const PORT_NAMES = ['http', 'metrics', 'dns', 'grpc'];
const PORT_NUMBERS = [53, 80, 443, 8080, 9090];
const TRAFFIC_PORTS = [53, 80, 90, 443, 1000, 8080, 8443, 9090, 50051];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const KINDS = ['Pod', 'Pod', 'Pod', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];
const CIDRS: Record<string, string[]> = {
  '10.0.0.0/8': ['10.0.1.0/24', '10.0.2.0/25', '10.0.1.128/25'],
  '10.0.1.0/24': ['10.0.1.0/28', '10.0.1.128/25'],
  // Host bits set: accepted by the API server (legacy CIDR parsing), meaning 10.0.1.0/24.
  '10.0.1.77/24': ['10.0.1.0/28', '10.0.1.64/26'],
  '10.0.2.0/24': ['10.0.2.0/25'],
  '0.0.0.0/0': ['10.0.0.0/8', '192.0.2.0/24'],
  '192.0.2.0/24': ['192.0.2.0/26'],
  '203.0.113.5/32': [],
  'fd00::/64': ['fd00::/120'],
  '::/0': ['fd00::/8', '2001:db8::/48'],
  '2001:db8::/32': ['2001:db8::/48'],
};
const EXTERNAL_IPS = ['10.0.1.77', '10.0.2.200', '10.9.9.9', '192.0.2.10', '192.0.2.100', '203.0.113.5', '8.8.8.8', 'fd00::77', 'fd00::1:5', '2001:db8::1', '2001:db8:1::9'];

function randomLabels(r: Rng, vocab: Record<string, string[]>, p: number): Labels {
  const out: Labels = {};
  for (const [k, vs] of Object.entries(vocab)) if (r.chance(p)) out[k] = r.pick(vs);
  return out;
}

function randomSelector(r: Rng, vocab: Record<string, string[]>): any {
  const sel: any = {};
  const keys = Object.keys(vocab);
  if (r.chance(0.45)) {
    sel.matchLabels = {};
    for (const k of r.some(keys, 2)) sel.matchLabels[k] = r.pick(vocab[k]);
  }
  if (r.chance(0.4)) {
    sel.matchExpressions = [];
    const n = r.int(1, 2);
    for (let i = 0; i < n; i++) {
      const key = r.pick(keys);
      const operator = r.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
      const e: any = { key, operator };
      if (operator === 'In' || operator === 'NotIn') e.values = r.some(vocab[key], 2);
      sel.matchExpressions.push(e);
    }
  }
  return sel;
}

function genWorld(r: Rng): { namespaces: GenNamespace[]; pods: GenPod[]; names: string[] } {
  const names = r.some(NS_POOL, 4);
  if (names.length < 2) names.push(NS_POOL.find((n) => !names.includes(n))!);
  const namespaces: GenNamespace[] = [];
  for (const name of names) {
    if (!r.chance(0.75)) continue;
    const labels = randomLabels(r, NS_LABELS, 0.5);
    // The API server overwrites this label with the namespace's name.
    if (r.chance(0.1)) labels['kubernetes.io/metadata.name'] = r.pick(NS_POOL);
    namespaces.push({ name, labels });
  }
  const pods: GenPod[] = [];
  const podCount = r.int(2, 6);
  let ipCounter = r.int(2, 60);
  for (let i = 0; i < podCount; i++) {
    const kind = r.pick(KINDS);
    const namespace = r.pick(names);
    const ports: GenPort[] = [];
    const used = new Set<string>();
    const nPorts = r.int(0, 3);
    for (let j = 0; j < nPorts; j++) {
      const p: GenPort = { containerPort: r.pick(PORT_NUMBERS) };
      const name = r.pick(PORT_NAMES);
      if (r.chance(0.8) && !used.has(name)) {
        p.name = name;
        used.add(name);
      }
      const proto = r.pick([undefined, 'TCP', 'UDP', 'SCTP', 'TCP']);
      if (proto) p.protocol = proto;
      ports.push(p);
    }
    const pod: GenPod = {
      kind,
      namespace,
      writeNamespace: namespace !== 'default' || r.chance(0.5),
      name: `p${i}`,
      labels: randomLabels(r, POD_LABELS, 0.55),
      objectLabels: kind === 'Pod' ? {} : randomLabels(r, POD_LABELS, 0.5),
      ports,
      containers: r.int(1, 2),
    };
    if (kind === 'Pod' && r.chance(0.6)) {
      ipCounter += r.int(1, 40);
      const host = ipCounter % 250 + 2;
      pod.ip = r.pick([`10.0.1.${host}`, `10.0.2.${host}`, `192.0.2.${host}`, `fd00::${host.toString(16)}`, `10.0.1.${host}`]);
      if (pods.some((p) => p.ip === pod.ip)) delete pod.ip;
    }
    pods.push(pod);
  }
  return { namespaces, pods, names };
}

interface Mutation {
  invalid: boolean;
}

function genPort(r: Rng, m: Mutation): any {
  const e: any = {};
  const proto = r.pick([undefined, undefined, 'TCP', 'UDP', 'SCTP']);
  if (proto) e.protocol = proto;
  const kind = r.pick(['none', 'number', 'number', 'name']);
  if (kind === 'number') {
    e.port = r.pick(PORT_NUMBERS);
    if (r.chance(0.3)) e.endPort = e.port + r.pick([0, 10, 1000, 8000, 9000]);
  } else if (kind === 'name') {
    e.port = r.pick([...PORT_NAMES, 'nope']);
  }
  if (r.chance(0.02)) {
    m.invalid = true;
    const how = r.pick(['below', 'named', 'alone', 'lower']);
    if (how === 'below') Object.assign(e, { port: 8080, endPort: 80 });
    else if (how === 'named') Object.assign(e, { port: 'http', endPort: 90 });
    else if (how === 'alone') {
      delete e.port;
      e.endPort = 90;
    } else e.protocol = 'tcp';
  }
  return e;
}

function genPeer(r: Rng, names: string[], m: Mutation): any {
  const nsVocab: Record<string, string[]> = { ...NS_LABELS, 'kubernetes.io/metadata.name': [...names, 'omega'] };
  const kind = r.pick(['pod', 'ns', 'both', 'both', 'ip', 'ip']);
  const peer: any = {};
  if (kind === 'pod' || kind === 'both') peer.podSelector = randomSelector(r, POD_LABELS);
  if (kind === 'ns' || kind === 'both') peer.namespaceSelector = randomSelector(r, nsVocab);
  if (kind === 'ip') {
    const cidr = r.pick(Object.keys(CIDRS));
    peer.ipBlock = { cidr };
    const ex = CIDRS[cidr];
    if (ex.length > 0 && r.chance(0.5)) peer.ipBlock.except = r.some(ex, 2);
  }
  if (r.chance(0.02)) {
    m.invalid = true;
    const how = r.pick(['empty', 'mixed', 'except']);
    if (how === 'empty') return {};
    if (how === 'mixed') return { podSelector: randomSelector(r, POD_LABELS), ipBlock: { cidr: '10.0.0.0/8' } };
    return { ipBlock: { cidr: '10.0.1.0/24', except: [r.pick(['11.0.0.0/8', '10.0.1.0/24', 'fd00::/64'])] } };
  }
  return peer;
}

function genRules(r: Rng, names: string[], peersKey: 'from' | 'to', m: Mutation): any[] | undefined {
  const shape = r.pick(['absent', 'absent', 'empty', 'null', 'some', 'some', 'some', 'some']);
  if (shape === 'absent') return undefined;
  if (shape === 'null') return null as any;
  if (shape === 'empty') return [];
  const rules: any[] = [];
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) {
    const rule: any = {};
    const peers = r.pick(['absent', 'empty', 'null', 'some', 'some', 'some', 'some']);
    if (peers === 'empty') rule[peersKey] = [];
    if (peers === 'null') rule[peersKey] = null;
    if (peers === 'some') rule[peersKey] = Array.from({ length: r.int(1, 3) }, () => genPeer(r, names, m));
    const ports = r.pick(['absent', 'absent', 'empty', 'null', 'some', 'some', 'some']);
    if (ports === 'empty') rule.ports = [];
    if (ports === 'null') rule.ports = null;
    if (ports === 'some') rule.ports = Array.from({ length: r.int(1, 2) }, () => genPort(r, m));
    rules.push(rule);
  }
  return rules;
}

function genPolicy(r: Rng, i: number, names: string[]): { policy: any; valid: boolean } {
  const m: Mutation = { invalid: false };
  const namespace = r.chance(0.1) ? 'omega' : r.pick(names);
  const metadata: any = { name: `pol-${i}` };
  if (namespace !== 'default' || r.chance(0.5)) metadata.namespace = namespace;
  const spec: any = { podSelector: r.chance(0.35) ? {} : randomSelector(r, POD_LABELS) };
  const types = r.pick([undefined, undefined, undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress'], ['Egress', 'Ingress'], [], ['Egress', 'Egress'], null]);
  if (types !== undefined) spec.policyTypes = types;
  const ingress = genRules(r, names, 'from', m);
  if (ingress !== undefined) spec.ingress = ingress;
  const egress = genRules(r, names, 'to', m);
  if (egress !== undefined) spec.egress = egress;
  return { policy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec }, valid: !m.invalid };
}

function genScenario(r: Rng): Scenario {
  const { namespaces, pods, names } = genWorld(r);
  const policies: any[] = [];
  const expectValid: boolean[] = [];
  const n = r.int(1, 4);
  for (let i = 0; i < n; i++) {
    const { policy, valid } = genPolicy(r, i, names);
    policies.push(policy);
    expectValid.push(valid);
  }
  return { namespaces, pods, policies, expectValid };
}

// ---- rendering ------------------------------------------------------------------------------

function podManifest(p: GenPod): any {
  const containers = Array.from({ length: p.containers }, (_, i) => ({ name: `c${i}`, image: 'img' })) as any[];
  p.ports.forEach((port, i) => {
    const c = containers[i % containers.length];
    (c.ports ??= []).push({ ...port });
  });
  const metadata: any = { name: p.name };
  if (p.writeNamespace) metadata.namespace = p.namespace;
  const podSpec = { containers };
  const template = { metadata: { labels: p.labels }, spec: podSpec };
  switch (p.kind) {
    case 'Pod': {
      const o: any = { apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata, labels: p.labels }, spec: podSpec };
      if (p.ip) o.status = { podIP: p.ip };
      return o;
    }
    case 'Job':
      return { apiVersion: 'batch/v1', kind: 'Job', metadata: { ...metadata, labels: p.objectLabels }, spec: { template } };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { ...metadata, labels: p.objectLabels }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } } };
    default:
      return { apiVersion: 'apps/v1', kind: p.kind, metadata: { ...metadata, labels: p.objectLabels }, spec: { selector: { matchLabels: p.labels }, template } };
  }
}

function stream(objects: any[]): string {
  return objects.map((o) => YAML.stringify(o, { aliasDuplicateObjects: false })).join('---\n');
}

function worldText(s: Scenario): string {
  return stream([...s.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: n.labels } })), ...s.pods.map(podManifest)]);
}

function policyTexts(s: Scenario): string[] {
  return s.policies.map((p) => YAML.stringify(p, { aliasDuplicateObjects: false }));
}

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

test('reachabilityOf (the hover\'s fast path) gives, for every pod pair and port, exactly what evaluate gives', () => {
  const seeds = Array.from({ length: Math.min(WORLDS, 150) }, (_, w) => (BASE_SEED + 31 + w * 7919) >>> 0);
  let pairs = 0;
  let allowedPorts = 0;
  for (const seed of seeds) {
    const world = build(genScenario(new Rng(seed))).world;
    for (const pod of world.pods) {
      const fast = reachabilityOf(world, pod);
      assert.equal(fast.length, world.pods.length - 1);
      for (const { other, inPorts, outPorts } of fast) {
        pairs++;
        const slow = (from: PodInfo, to: PodInfo) =>
          candidatePorts(world, to).filter((c) => evaluate(world, { from: { kind: 'pod', pod: from }, to: { kind: 'pod', pod: to }, port: c.port, protocol: c.protocol }).allowed);
        const want = { inPorts: slow(other, pod), outPorts: slow(pod, other) };
        assert.deepEqual({ inPorts, outPorts }, want, `seed ${seed}: ${pod.namespace}/${pod.name} and ${other.namespace}/${other.name}`);
        allowedPorts += inPorts.length + outPorts.length;
      }
    }
  }
  assert.ok(pairs > 1000 && allowedPorts > pairs / 4, `degenerate: ${pairs} pairs, ${allowedPorts} allowed ports`);
});
