/**
 * Seeded pseudo-random scenarios (namespaces, pods and workloads, policies valid and invalid) and
 * their manifests, shared by the property tests (oracle, connection sets).
 */
import * as YAML from 'yaml';

// ---- deterministic randomness (mulberry32) --------------------------------------------------

export class Rng {
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

export type Labels = Record<string, string>;

export interface GenPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface GenPod {
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

export interface GenNamespace {
  name: string;
  labels: Labels;
}

export interface Scenario {
  /** Namespaces that have a Namespace object in the files. */
  namespaces: GenNamespace[];
  pods: GenPod[];
  policies: any[];
  /** What the generator meant: false for a deliberately invalid policy. */
  expectValid: boolean[];
}

export interface Traffic {
  from: string;
  to: string;
  /** As asked: a number, or a container port name of the destination. */
  port: string;
  protocol: string;
}

export const NS_POOL = ['default', 'alpha', 'beta', 'gamma', 'delta'];
export const NS_LABELS: Record<string, string[]> = { team: ['red', 'blue'], env: ['prod', 'dev'] };
export const POD_LABELS: Record<string, string[]> = { app: ['web', 'api', 'db'], role: ['front', 'back'], tier: ['gold', 'silver', ''], 'example.com/owner': ['a1', 'b2'] };
export const PORT_NAMES = ['http', 'metrics', 'dns', 'grpc'];
export const PORT_NUMBERS = [53, 80, 443, 8080, 9090];
export const TRAFFIC_PORTS = [53, 80, 90, 443, 1000, 8080, 8443, 9090, 50051];
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
export const KINDS = ['Pod', 'Pod', 'Pod', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];
export const CIDRS: Record<string, string[]> = {
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
export const EXTERNAL_IPS = ['10.0.1.77', '10.0.2.200', '10.9.9.9', '192.0.2.10', '192.0.2.100', '203.0.113.5', '8.8.8.8', 'fd00::77', 'fd00::1:5', '2001:db8::1', '2001:db8:1::9'];

export function randomLabels(r: Rng, vocab: Record<string, string[]>, p: number): Labels {
  const out: Labels = {};
  for (const [k, vs] of Object.entries(vocab)) if (r.chance(p)) out[k] = r.pick(vs);
  return out;
}

export function randomSelector(r: Rng, vocab: Record<string, string[]>): any {
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

export function genWorld(r: Rng): { namespaces: GenNamespace[]; pods: GenPod[]; names: string[] } {
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

export interface Mutation {
  invalid: boolean;
}

export function genPort(r: Rng, m: Mutation): any {
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

export function genPeer(r: Rng, names: string[], m: Mutation): any {
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

export function genRules(r: Rng, names: string[], peersKey: 'from' | 'to', m: Mutation): any[] | undefined {
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

export function genPolicy(r: Rng, i: number, names: string[]): { policy: any; valid: boolean } {
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

export function genScenario(r: Rng): Scenario {
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

export function podManifest(p: GenPod): any {
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

export function stream(objects: any[]): string {
  return objects.map((o) => YAML.stringify(o, { aliasDuplicateObjects: false })).join('---\n');
}

export function worldText(s: Scenario): string {
  return stream([...s.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: n.labels } })), ...s.pods.map(podManifest)]);
}

export function policyTexts(s: Scenario): string[] {
  return s.policies.map((p) => YAML.stringify(p, { aliasDuplicateObjects: false }));
}

