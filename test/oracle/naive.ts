/**
 * A deliberately naive NetworkPolicy evaluator, written straight from the Kubernetes
 * documentation (concepts page "Network Policies" and the networking.k8s.io/v1 API reference),
 * as a second opinion for the engine in server/src/core/semantics. It shares no code with the
 * engine: it reads plain JSON objects (as the `yaml` package parses them) and does everything
 * the slow, obvious way. Keep it that way; its whole value is being different.
 *
 * What it implements, rule by rule:
 *   1. A pod is isolated for a direction when a policy in the pod's namespace selects it
 *      (spec.podSelector; empty selects all) and that direction is in the policy's policyTypes.
 *   2. policyTypes missing or empty: Ingress always, plus Egress when spec.egress has a rule.
 *   3. A non-isolated direction allows everything. An isolated one allows what at least one
 *      rule of at least one selecting policy allows (policies are additive).
 *   4. A rule allows traffic matching both its peers (from/to; missing or empty = anyone) and
 *      its ports (missing or empty = any port, any protocol).
 *   5. A peer: podSelector alone = pods of the policy's namespace; namespaceSelector alone = all
 *      pods of the matching namespaces; both = matching pods in matching namespaces; ipBlock =
 *      addresses in cidr and in none of except. Selectors never match an outside address.
 *   6. A port entry: protocol defaults to TCP; no port = every port of that protocol; a number
 *      (with endPort: an inclusive range); a name = the destination pod's container port with
 *      that name and that protocol.
 *   7. Pod-to-pod needs the source's egress AND the destination's ingress; an outside address
 *      has no policies; a pod can always reach itself.
 *   8. Namespaces always carry kubernetes.io/metadata.name = their name.
 *   9. Policies the API server would reject do not exist (the caller says which are valid).
 *
 * An ipBlock compared with a pod whose IP is unknown gives "unknown": the answer is three-valued
 * and the caller decides what to do with it.
 */

export type Labels = Record<string, string>;

export interface NaiveNamespace {
  readonly name: string;
  /** The labels written on the Namespace object (metadata.name is added here, not by the caller). */
  readonly labels: Labels;
}

export interface NaiveContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
}

export interface NaivePod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ports: readonly NaiveContainerPort[];
  /** Textual IPs; empty when unknown. */
  readonly ips: readonly string[];
  /** False for a workload (Deployment, Job…), which stands for several pods: "to itself" is then between two of them. */
  readonly single?: boolean;
}

export interface NaivePolicy {
  /** The NetworkPolicy object as plain JSON. */
  readonly object: any;
  /** Whether the API server accepts it. Rejected policies are ignored. */
  readonly valid: boolean;
}

export interface NaiveCluster {
  readonly namespaces: readonly NaiveNamespace[];
  readonly pods: readonly NaivePod[];
  readonly policies: readonly NaivePolicy[];
}

export type NaiveEnd = { readonly pod: NaivePod } | { readonly ip: string };

export type Tri = 'yes' | 'no' | 'unknown';

// ---- three-valued logic -------------------------------------------------------------------

function or3(values: Tri[]): Tri {
  if (values.includes('yes')) return 'yes';
  if (values.includes('unknown')) return 'unknown';
  return 'no';
}

function and3(values: Tri[]): Tri {
  if (values.includes('no')) return 'no';
  if (values.includes('unknown')) return 'unknown';
  return 'yes';
}

function tri(b: boolean): Tri {
  return b ? 'yes' : 'no';
}

// ---- IP addresses, as big integers ---------------------------------------------------------

export interface NaiveIP {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

export function naiveParseIP(text: string): NaiveIP | undefined {
  if (text.includes(':')) {
    const halves = text.split('::');
    if (halves.length > 2) return undefined;
    const head = halves[0] === '' ? [] : halves[0].split(':');
    const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
    let groups: string[];
    if (halves.length === 2) {
      const missing = 8 - head.length - tail.length;
      if (missing < 1) return undefined;
      groups = [...head, ...new Array<string>(missing).fill('0'), ...tail];
    } else {
      groups = head;
    }
    if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    let value = 0n;
    for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
    return { bits: 128, value };
  }
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  let value = 0n;
  for (const p of parts) value = (value << 8n) | BigInt(Number(p));
  return { bits: 32, value };
}

export function naiveSameIP(a: string, b: string): boolean {
  const x = naiveParseIP(a);
  const y = naiveParseIP(b);
  return !!x && !!y && x.bits === y.bits && x.value === y.value;
}

function inCidr(ipText: string, cidrText: string): boolean {
  const ip = naiveParseIP(ipText);
  const [netText, lenText] = cidrText.split('/');
  const net = naiveParseIP(netText);
  if (!ip || !net || ip.bits !== net.bits) return false;
  const shift = BigInt(ip.bits - Number(lenText));
  return ip.value >> shift === net.value >> shift;
}

function inIPBlock(ip: string, block: any): boolean {
  if (!inCidr(ip, block.cidr)) return false;
  for (const e of block.except ?? []) if (inCidr(ip, e)) return false;
  return true;
}

// ---- labels ---------------------------------------------------------------------------------

function hasKey(labels: Labels, key: string): boolean {
  return Object.keys(labels).includes(key);
}

/** metav1.LabelSelector: every matchLabels pair and every expression must hold. */
export function naiveSelects(selector: any, labels: Labels): boolean {
  const sel = selector ?? {};
  for (const key of Object.keys(sel.matchLabels ?? {})) {
    if (!hasKey(labels, key) || labels[key] !== sel.matchLabels[key]) return false;
  }
  for (const expr of sel.matchExpressions ?? []) {
    const present = hasKey(labels, expr.key);
    const values: string[] = expr.values ?? [];
    if (expr.operator === 'In' && !(present && values.includes(labels[expr.key]))) return false;
    if (expr.operator === 'NotIn' && present && values.includes(labels[expr.key])) return false;
    if (expr.operator === 'Exists' && !present) return false;
    if (expr.operator === 'DoesNotExist' && present) return false;
  }
  return true;
}

function namespaceLabelsOf(cluster: NaiveCluster, name: string): Labels {
  const labels: Labels = {};
  for (const ns of cluster.namespaces) if (ns.name === name) Object.assign(labels, ns.labels);
  labels['kubernetes.io/metadata.name'] = name;
  return labels;
}

// ---- policies -------------------------------------------------------------------------------

function policyNamespace(policy: any): string {
  return policy?.metadata?.namespace || 'default';
}

function policyTypesOf(policy: any): string[] {
  const spec = policy.spec ?? {};
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes;
  const types = ['Ingress'];
  if (Array.isArray(spec.egress) && spec.egress.length > 0) types.push('Egress');
  return types;
}

function peerMatches(cluster: NaiveCluster, policy: any, peer: any, other: NaiveEnd): Tri {
  if (peer.ipBlock) {
    if ('ip' in other) return tri(inIPBlock(other.ip, peer.ipBlock));
    if (other.pod.ips.length === 0) return 'unknown';
    return tri(other.pod.ips.some((ip) => inIPBlock(ip, peer.ipBlock)));
  }
  if ('ip' in other) return 'no';
  const pod = other.pod;
  let namespaceOk: boolean;
  if (peer.namespaceSelector) namespaceOk = naiveSelects(peer.namespaceSelector, namespaceLabelsOf(cluster, pod.namespace));
  else namespaceOk = pod.namespace === policyNamespace(policy);
  const podOk = peer.podSelector ? naiveSelects(peer.podSelector, pod.labels) : true;
  return tri(namespaceOk && podOk);
}

function portMatches(entry: any, port: number, protocol: string, destination: NaiveEnd): boolean {
  const entryProtocol = entry.protocol ?? 'TCP';
  if (entryProtocol !== protocol) return false;
  if (entry.port === undefined || entry.port === null) return true;
  if (typeof entry.port === 'number') {
    if (entry.endPort !== undefined && entry.endPort !== null) return entry.port <= port && port <= entry.endPort;
    return entry.port === port;
  }
  if ('ip' in destination) return false;
  for (const cp of destination.pod.ports) {
    if (cp.name === entry.port && (cp.protocol ?? 'TCP') === entryProtocol && cp.containerPort === port) return true;
  }
  return false;
}

function ruleAllows(cluster: NaiveCluster, policy: any, rule: any, peers: any[] | undefined, other: NaiveEnd, port: number, protocol: string, destination: NaiveEnd): Tri {
  const r = rule ?? {};
  let portOk = true;
  if (Array.isArray(r.ports) && r.ports.length > 0) portOk = r.ports.some((e: any) => portMatches(e ?? {}, port, protocol, destination));
  if (!portOk) return 'no';
  if (!Array.isArray(peers) || peers.length === 0) return 'yes';
  return or3(peers.map((p) => peerMatches(cluster, policy, p ?? {}, other)));
}

interface Side {
  readonly verdict: Tri;
  /** `namespace/name` of the policies isolating this end for this direction. */
  readonly isolatedBy: string[];
  /** `namespace/name#direction[index]` of the rules that certainly allow the traffic. */
  readonly allowedBy: string[];
}

function policyId(o: any): string {
  return `${policyNamespace(o)}/${o.metadata?.name}`;
}

/** One direction at one pod. */
function side(cluster: NaiveCluster, pod: NaivePod, direction: 'Ingress' | 'Egress', other: NaiveEnd, port: number, protocol: string, destination: NaiveEnd): Side {
  const selecting = cluster.policies
    .filter((p) => p.valid)
    .map((p) => p.object)
    .filter((o) => policyNamespace(o) === pod.namespace)
    .filter((o) => naiveSelects(o.spec?.podSelector ?? {}, pod.labels))
    .filter((o) => policyTypesOf(o).includes(direction));
  if (selecting.length === 0) return { verdict: 'yes', isolatedBy: [], allowedBy: [] };
  const results: Tri[] = [];
  const allowedBy: string[] = [];
  const key = direction === 'Ingress' ? 'ingress' : 'egress';
  for (const o of selecting) {
    const rules: any[] = o.spec?.[key] ?? [];
    rules.forEach((rule, i) => {
      const peers = direction === 'Ingress' ? rule?.from : rule?.to;
      const r = ruleAllows(cluster, o, rule, peers, other, port, protocol, destination);
      results.push(r);
      if (r === 'yes') allowedBy.push(`${policyId(o)}#${key}[${i}]`);
    });
  }
  return { verdict: or3(results), isolatedBy: selecting.map(policyId), allowedBy };
}

export interface NaiveVerdict {
  readonly allowed: Tri;
  readonly egress: Tri;
  readonly ingress: Tri;
  readonly isolatedBy: { readonly egress: string[]; readonly ingress: string[] };
  readonly allowedBy: string[];
}

const OPEN: Side = { verdict: 'yes', isolatedBy: [], allowedBy: [] };

export function naiveEvaluate(cluster: NaiveCluster, from: NaiveEnd, to: NaiveEnd, port: number, protocol: string): NaiveVerdict {
  const egress = 'pod' in from ? side(cluster, from.pod, 'Egress', to, port, protocol, to) : OPEN;
  const ingress = 'pod' in to ? side(cluster, to.pod, 'Ingress', from, port, protocol, to) : OPEN;
  // A pod always reaches itself; a workload's two replicas are different pods.
  const self = 'pod' in from && 'pod' in to && from.pod === to.pod && from.pod.single !== false;
  return {
    allowed: self ? 'yes' : and3([egress.verdict, ingress.verdict]),
    egress: egress.verdict,
    ingress: ingress.verdict,
    isolatedBy: { egress: egress.isolatedBy, ingress: ingress.isolatedBy },
    allowedBy: [...egress.allowedBy, ...ingress.allowedBy],
  };
}

/** Finds the pod owning an address, else the address itself. */
export function naiveEndpointForIP(cluster: NaiveCluster, ip: string): NaiveEnd {
  const pod = cluster.pods.find((p) => p.ips.some((x) => naiveSameIP(x, ip)));
  return pod ? { pod } : { ip };
}
