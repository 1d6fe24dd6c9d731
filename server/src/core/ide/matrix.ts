/**
 * Reachability answers for people: the explanation of one connection's verdict (which policies
 * isolate each end, which rule allowed it, or why none did), and the reachability matrix of every
 * pod to every pod on one port.
 *
 * The matrix gives exactly the answers `evaluate` gives, pair by pair, but computes them in
 * O(pods² × selecting rules): the policies selecting each pod are found once per pod, every peer's
 * matching pods once per peer (as a byte mask), and then each pod's allowed destinations (egress)
 * and allowed sources (ingress) are ORs of those masks.
 */
import type { PodInfo } from '../model/inventory';
import type { CompiledPeer, CompiledPolicy, CompiledPort, CompiledRule, PolicyRef, RejectedPolicy } from '../semantics/compile';
import { Endpoint, evaluate, peerMatches, portEntryMatches, RuleMatch, Traffic, Verdict, World } from '../semantics/evaluate';
import { matchesSelector, formatSelector } from '../semantics/selector';
import { endpointName } from '../workspace';
import { Locate, where } from './provenance';

// ---------------------------------------------------------------------------------------------
// Describing policy parts

function podLabel(p: PodInfo): string {
  return `${p.namespace}/${p.name}`;
}

/** `default/backend`, or `default/backend (Deployment)` for a workload. */
export function podTitle(p: PodInfo): string {
  return p.kind === 'Pod' ? podLabel(p) : `${podLabel(p)} (${p.kind})`;
}

export function describePeer(peer: CompiledPeer): string {
  if (peer.ipBlock) {
    const ex = peer.ipBlock.except.map((e) => e.text);
    return `ipBlock ${peer.ipBlock.cidrText}${ex.length ? ` except ${ex.join(', ')}` : ''}`;
  }
  const parts: string[] = [];
  if (peer.namespaceSelector) {
    const s = formatSelector(peer.namespaceSelector);
    parts.push(s === '<none>' ? 'namespaceSelector {} (every namespace)' : `namespaceSelector ${s}`);
  }
  if (peer.podSelector) {
    const s = formatSelector(peer.podSelector);
    parts.push(s === '<none>' ? `podSelector {} (every pod${peer.namespaceSelector ? '' : ' of the namespace'})` : `podSelector ${s}`);
  }
  return parts.length ? parts.join(' and ') : '(empty peer)';
}

export function describePort(e: CompiledPort): string {
  if (e.port === undefined) return `every ${e.protocol} port`;
  if (typeof e.port === 'string') return `named port ${e.port}/${e.protocol}`;
  return e.endPort !== undefined ? `${e.port}-${e.endPort}/${e.protocol}` : `${e.port}/${e.protocol}`;
}

function rulePath(direction: 'ingress' | 'egress', rule: CompiledRule): string {
  return `spec.${direction}[${rule.index}]`;
}

function peerPath(direction: 'ingress' | 'egress', rule: CompiledRule, peer: CompiledPeer): string {
  return `${rulePath(direction, rule)}.${direction === 'ingress' ? 'from' : 'to'}[${peer.index}]`;
}

function policyName(ref: PolicyRef): string {
  return `${ref.namespace}/${ref.name}`;
}

// ---------------------------------------------------------------------------------------------
// Explaining one verdict

export interface PolicyLocation {
  readonly policy: string;
  readonly namespace: string;
  readonly file: string;
  readonly line?: number;
}

export interface AllowedBy extends PolicyLocation {
  readonly direction: 'ingress' | 'egress';
  /** 0-based index of the rule in spec.ingress / spec.egress. */
  readonly rule: number;
  /** The rule's field path, e.g. spec.ingress[0]. */
  readonly path: string;
  /** The matching peer, described; absent when the rule allows every peer. */
  readonly peer?: string;
  readonly peerPath?: string;
  /** The matching port entry, described; absent when the rule allows every port. */
  readonly port?: string;
}

export interface DirectionExplanation {
  /** Whether this end is a pod in the files (an outside address has no policies). */
  readonly inCluster: boolean;
  readonly isolated: boolean;
  readonly isolatedBy: readonly PolicyLocation[];
  readonly allowedBy: readonly AllowedBy[];
  readonly allowed: boolean;
}

export interface TrafficExplanation {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  /** The port's name when it was asked for by name. */
  readonly portName?: string;
  readonly protocol: string;
  readonly allowed: boolean;
  /** Whether both ends are the same pod (always allowed). */
  readonly self: boolean;
  /** One line per fact, in reading order. */
  readonly reasons: readonly string[];
  readonly egress: DirectionExplanation;
  readonly ingress: DirectionExplanation;
  readonly notApplied: readonly (PolicyLocation & { readonly reason: string })[];
  readonly caveats: readonly string[];
}

function locationOf(ref: PolicyRef, locate: Locate | undefined): PolicyLocation {
  const line = locate?.(ref.file, ref.span.start);
  return { policy: ref.name, namespace: ref.namespace, file: ref.file, ...(line !== undefined ? { line } : {}) };
}

function allowedByOf(m: RuleMatch, locate: Locate | undefined): AllowedBy {
  const line = locate?.(m.policy.file, m.rule.span.start);
  return {
    policy: m.policy.name,
    namespace: m.policy.namespace,
    file: m.policy.file,
    ...(line !== undefined ? { line } : {}),
    direction: m.direction,
    rule: m.rule.index,
    path: rulePath(m.direction, m.rule),
    ...(m.peer ? { peer: describePeer(m.peer), peerPath: peerPath(m.direction, m.rule, m.peer) } : {}),
    ...(m.port ? { port: describePort(m.port) } : {}),
  };
}

function refList(refs: readonly PolicyRef[], locate: Locate | undefined): string {
  return refs.map((r) => `${policyName(r)} (${where(locate, r.file, r.span.start)})`).join(', ');
}

/** Why a rule did not allow the connection, for the "blocked" explanation. */
function missReason(world: World, policy: CompiledPolicy, dir: 'ingress' | 'egress', rule: CompiledRule, t: Traffic): string {
  const other = dir === 'egress' ? t.to : t.from;
  const scratch = new Set<string>();
  const peerOk = !rule.peers || rule.peers.some((p) => peerMatches(world, policy, p, other, scratch));
  const portOk = !rule.ports || rule.ports.some((e) => portEntryMatches(e, t.port, t.protocol, t.to));
  const side = dir === 'ingress' ? 'from' : 'to';
  const peers = rule.peers?.map(describePeer).join('; ') ?? '';
  const ports = rule.ports?.map(describePort).join(', ') ?? '';
  const peerMiss = `${side} (${peers}) does not match ${endpointName(other)}`;
  const portMiss = `ports (${ports}) do not include ${t.port}/${t.protocol}${rule.ports?.some((e) => typeof e.port === 'string') && t.to.kind !== 'pod' ? ' (a named port never matches an address outside the cluster)' : ''}`;
  if (!peerOk && !portOk) return `its ${peerMiss}, and its ${portMiss}`;
  if (!peerOk) return `its ${peerMiss}`;
  if (!portOk) return `its ${portMiss}`;
  return 'it matches'; // not reached for a blocked direction
}

function directionReasons(world: World, t: Traffic, v: Verdict, dir: 'ingress' | 'egress', locate: Locate | undefined): string[] {
  const d = dir === 'egress' ? v.egress : v.ingress;
  const self = dir === 'egress' ? t.from : t.to;
  const other = dir === 'egress' ? t.to : t.from;
  const selfName = endpointName(self);
  if (self.kind !== 'pod') {
    return [`${dir}: ${selfName} is outside the cluster, so no NetworkPolicy restricts its ${dir === 'egress' ? 'sending' : 'receiving'} end`];
  }
  if (d.isolatedBy.length === 0) {
    const Type = dir === 'egress' ? 'Egress' : 'Ingress';
    return [`${dir}: ${selfName} is not isolated for ${dir} (no NetworkPolicy in namespace ${self.pod.namespace} selects it with ${Type} in its policyTypes), so every ${dir === 'egress' ? 'destination' : 'source'} is allowed`];
  }
  const out = [`${dir}: ${selfName} is isolated for ${dir} by ${refList(d.isolatedBy, locate)}`];
  if (d.allowed) {
    for (const m of d.allowedBy) {
      const what = [m.peer ? `${dir === 'ingress' ? 'from' : 'to'} ${describePeer(m.peer)}` : `${dir === 'ingress' ? 'from every source' : 'to every destination'}`, m.port ? `port ${describePort(m.port)}` : 'every port'].join(', ');
      out.push(`  allowed by ${policyName(m.policy)} ${rulePath(dir, m.rule)} (${where(locate, m.policy.file, m.rule.span.start)}): ${what}`);
    }
    return out;
  }
  out.push(`  no ${dir} rule of ${d.isolatedBy.length === 1 ? 'that policy' : 'those policies'} allows ${dir === 'egress' ? 'to' : 'from'} ${endpointName(other)} on ${t.port}/${t.protocol}:`);
  for (const ref of d.isolatedBy) {
    const policy = world.policies.find((p) => p.ref === ref);
    if (!policy) continue;
    const rules = dir === 'egress' ? policy.egress : policy.ingress;
    if (rules.length === 0) {
      out.push(`    ${policyName(ref)} has no ${dir} rules: on its own it allows no ${dir} at all`);
      continue;
    }
    for (const r of rules) out.push(`    ${policyName(ref)} ${rulePath(dir, r)} (${where(locate, ref.file, r.span.start)}): ${missReason(world, policy, dir, r, t)}`);
  }
  return out;
}

/** Evaluates one connection and says why, with provenance (file:line when `locate` knows the file). */
export function explainTraffic(world: World, t: Traffic, opts: { readonly locate?: Locate; readonly portName?: string } = {}): TrafficExplanation {
  const v = evaluate(world, t);
  const { locate } = opts;
  const reasons: string[] = [];
  if (v.self) reasons.push(`${endpointName(t.from)} is the destination itself: traffic from a pod to itself is always allowed`);
  for (const e of v.self ? [t.from] : [t.from, t.to]) {
    if (e.kind === 'pod' && e.pod.kind !== 'Pod') reasons.push(`${endpointName(e)} is a ${e.pod.kind}: the answer holds for each of its pods`);
  }
  reasons.push(...directionReasons(world, t, v, 'egress', locate), ...directionReasons(world, t, v, 'ingress', locate));
  const notApplied = v.notApplied.map((r: RejectedPolicy) => ({ ...locationOf(r.ref, locate), reason: r.reason }));
  for (const r of v.notApplied) reasons.push(`not applied: ${policyName(r.ref)} (${where(locate, r.ref.file, r.ref.span.start)}): ${r.reason}`);
  for (const c of v.caveats) reasons.push(`caveat: ${c}`);
  const dirJson = (d: Verdict['egress']): DirectionExplanation => ({
    inCluster: d.inCluster,
    isolated: d.isolatedBy.length > 0,
    isolatedBy: d.isolatedBy.map((r) => locationOf(r, locate)),
    allowedBy: d.allowedBy.map((m) => allowedByOf(m, locate)),
    allowed: d.allowed,
  });
  return {
    from: endpointName(t.from),
    to: endpointName(t.to),
    port: t.port,
    ...(opts.portName ? { portName: opts.portName } : {}),
    protocol: t.protocol,
    allowed: v.allowed,
    self: v.self,
    reasons,
    egress: dirJson(v.egress),
    ingress: dirJson(v.ingress),
    notApplied,
    caveats: v.caveats,
  };
}

/** The explanation as terminal text: a verdict line, then the reasons indented. */
export function renderTrafficText(x: TrafficExplanation): string {
  const port = x.portName ? `${x.port}/${x.protocol} (port ${x.portName})` : `${x.port}/${x.protocol}`;
  return [`${x.allowed ? 'allowed' : 'blocked'}: ${x.from} -> ${x.to} ${port}`, ...x.reasons.map((r) => `  ${r}`)].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The reachability matrix

export interface ReachabilityMatrix {
  readonly port: number;
  readonly protocol: string;
  /** Rows and columns, sorted by namespace, then name. */
  readonly pods: readonly PodInfo[];
  /** allowed[from][to]. */
  readonly allowed: readonly (readonly boolean[])[];
  readonly caveats: readonly string[];
  /** Workloads whose pods could not reach each other (the diagonal is a pod to itself). */
  readonly notes: readonly string[];
  readonly notApplied: readonly RejectedPolicy[];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortPods(pods: readonly PodInfo[]): PodInfo[] {
  return [...pods].sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
}

const MAX_LISTED = 5;

export function computeMatrix(world: World, port: number, protocol: string): ReachabilityMatrix {
  const pods = sortPods(world.pods);
  const n = pods.length;
  const endpoints: Endpoint[] = pods.map((pod) => ({ kind: 'pod', pod }));
  const caveats = new Set<string>();

  // The policies selecting each pod, found once per pod (policies grouped by namespace).
  const byNamespace = new Map<string, CompiledPolicy[]>();
  for (const p of world.policies) {
    const list = byNamespace.get(p.ref.namespace);
    if (list) list.push(p);
    else byNamespace.set(p.ref.namespace, [p]);
  }
  const selecting = pods.map((pod) => (byNamespace.get(pod.namespace) ?? []).filter((p) => matchesSelector(p.podSelector, pod.labels)));

  // Each peer's matching pods, once per peer.
  // Peers written alike (same selectors, same namespace context, same ipBlock) share one mask:
  // peerMatches depends on the policy only through its namespace.
  const peerMasks = new Map<string, Uint8Array>();
  const peerKey = (policy: CompiledPolicy, peer: CompiledPeer): string =>
    JSON.stringify([
      peer.namespaceSelector ?? null,
      peer.namespaceSelector ? null : policy.ref.namespace,
      peer.podSelector ?? null,
      peer.ipBlock ? [peer.ipBlock.cidrText, peer.ipBlock.except.map((e) => e.text)] : null,
    ]);
  const keys = new Map<CompiledPeer, string>();
  const maskOf = (policy: CompiledPolicy, peer: CompiledPeer): Uint8Array => {
    let key = keys.get(peer);
    if (key === undefined) keys.set(peer, (key = peerKey(policy, peer)));
    let m = peerMasks.get(key);
    if (!m) {
      m = new Uint8Array(n);
      const unknownIp: string[] = [];
      for (let k = 0; k < n; k++) {
        if (peerMatches(world, policy, peer, endpoints[k])) m[k] = 1;
        else if (peer.ipBlock && pods[k].ips.length === 0) unknownIp.push(podLabel(pods[k]));
      }
      if (unknownIp.length > 0) {
        const shown = unknownIp.length > MAX_LISTED ? `${unknownIp.slice(0, MAX_LISTED).join(', ')}, ...` : unknownIp.join(', ');
        caveats.add(`ipBlock ${peer.ipBlock!.cidrText} of ${policyName(policy.ref)} was not matched against ${unknownIp.length} pod${unknownIp.length === 1 ? '' : 's'} with no known IP (${shown})`);
      }
      peerMasks.set(key, m);
    }
    return m;
  };
  const orRule = (acc: Uint8Array, policy: CompiledPolicy, rule: CompiledRule, portOk: (k: number) => boolean): void => {
    if (!rule.peers) {
      for (let k = 0; k < n; k++) if (portOk(k)) acc[k] = 1;
      return;
    }
    for (const peer of rule.peers) {
      const m = maskOf(policy, peer);
      for (let k = 0; k < n; k++) if (m[k] && portOk(k)) acc[k] = 1;
    }
  };
  const all = () => true;
  const none = () => false;

  // allowedTo[i][k]: pod i's egress lets it reach pod k. allowedFrom[j][k]: pod j's ingress admits pod k.
  const allowedTo: Uint8Array[] = [];
  const allowedFrom: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const egressPolicies = selecting[i].filter((p) => p.isolatesEgress);
    const ingressPolicies = selecting[i].filter((p) => p.isolatesIngress);
    const to = new Uint8Array(n);
    if (egressPolicies.length === 0) to.fill(1);
    for (const p of egressPolicies) {
      for (const rule of p.egress) {
        // The port check depends on the destination only through named ports.
        let portOk: (k: number) => boolean;
        if (!rule.ports) portOk = all;
        else if (rule.ports.some((e) => e.protocol === protocol && e.port !== undefined && typeof e.port !== 'number')) {
          const ports = rule.ports;
          portOk = (k) => ports.some((e) => portEntryMatches(e, port, protocol, endpoints[k]));
        } else portOk = rule.ports.some((e) => portEntryMatches(e, port, protocol, endpoints[i])) ? all : none;
        if (portOk !== none) orRule(to, p, rule, portOk);
      }
    }
    allowedTo.push(to);
    const from = new Uint8Array(n);
    if (ingressPolicies.length === 0) from.fill(1);
    for (const p of ingressPolicies) {
      for (const rule of p.ingress) {
        // The destination is pod i itself, so the port check is one answer per rule.
        if (rule.ports && !rule.ports.some((e) => portEntryMatches(e, port, protocol, endpoints[i]))) continue;
        orRule(from, p, rule, all);
      }
    }
    allowedFrom.push(from);
  }

  const allowed: boolean[][] = [];
  for (let i = 0; i < n; i++) {
    const row: boolean[] = new Array(n);
    const to = allowedTo[i];
    // A pod always reaches itself; a workload's row/column stands for its pods, so its diagonal
    // cell is between two of them, which the policies govern like any other pair.
    for (let j = 0; j < n; j++) row[j] = (i === j && pods[i].kind === 'Pod') || (to[j] === 1 && allowedFrom[j][i] === 1);
    allowed.push(row);
  }
  const notes: string[] = [];
  for (let i = 0; i < n; i++) {
    if (pods[i].kind !== 'Pod' && !(allowedTo[i][i] === 1 && allowedFrom[i][i] === 1)) {
      notes.push(`the diagonal cell of ${podTitle(pods[i])} is between two of its pods, which the policies block on ${port}/${protocol} (each pod still reaches itself)`);
    }
  }
  const namespaces = new Set(pods.map((p) => p.namespace));
  return { port, protocol, pods, allowed, caveats: [...caveats], notes, notApplied: world.rejected.filter((r) => namespaces.has(r.ref.namespace)) };
}

const LEGEND = (m: ReachabilityMatrix, allowedMark: string, blockedMark: string) =>
  `Reachability on port ${m.port}/${m.protocol}: rows are sources (from), columns are destinations (to); "${allowedMark}" = allowed, "${blockedMark}" = blocked.`;

function footer(m: ReachabilityMatrix, locate: Locate | undefined): string[] {
  const out: string[] = [];
  for (const r of m.notApplied) out.push(`not applied: ${policyName(r.ref)} (${where(locate, r.ref.file, r.ref.span.start)}): ${r.reason}`);
  for (const c of m.caveats) out.push(`caveat: ${c}`);
  for (const c of m.notes) out.push(`note: ${c}`);
  return out;
}

/** Text like cyclonus's: numbered rows, columns headed by the same numbers, "." allowed, "X" blocked. */
export function renderMatrixText(m: ReachabilityMatrix, locate?: Locate): string {
  const out = [LEGEND(m, '.', 'X')];
  if (m.pods.length === 0) return [...out, 'No pods or workloads in the given files.', ...footer(m, locate)].join('\n') + '\n';
  const n = m.pods.length;
  const numWidth = String(n).length;
  const titles = m.pods.map(podTitle);
  const nameWidth = Math.max(...titles.map((t) => t.length));
  const lead = numWidth + 2 + nameWidth + 2;
  const cell = numWidth + 2;
  out.push('');
  out.push(`${'from \\ to'.padEnd(lead)}${m.pods.map((_, j) => String(j + 1).padStart(cell)).join('')}`);
  const yes = '.'.padStart(cell);
  const no = 'X'.padStart(cell);
  for (let i = 0; i < n; i++) {
    const cells = m.allowed[i].map((a) => (a ? yes : no)).join('');
    out.push(`${String(i + 1).padStart(numWidth)}  ${titles[i].padEnd(nameWidth)}  ${cells}`);
  }
  const tail = footer(m, locate);
  if (tail.length) out.push('', ...tail);
  return out.join('\n') + '\n';
}

export function matrixJson(m: ReachabilityMatrix, locate?: Locate): object {
  return {
    port: m.port,
    protocol: m.protocol,
    pods: m.pods.map(podLabel),
    allowed: m.allowed,
    notApplied: m.notApplied.map((r) => ({ ...locationOf(r.ref, locate), reason: r.reason })),
    caveats: m.caveats,
    notes: m.notes,
  };
}

function mdEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

export function renderMatrixMarkdown(m: ReachabilityMatrix, locate?: Locate): string {
  const out = [LEGEND(m, '✓', '✗'), ''];
  if (m.pods.length === 0) return [...out, 'No pods or workloads in the given files.', ...footer(m, locate)].join('\n') + '\n';
  const titles = m.pods.map((p) => `\`${mdEscape(podTitle(p))}\``);
  out.push(`| from \\ to | ${titles.join(' | ')} |`);
  out.push(`|---|${m.pods.map(() => ':-:').join('|')}|`);
  m.pods.forEach((_, i) => out.push(`| ${titles[i]} | ${m.allowed[i].map((a) => (a ? '✓' : '✗')).join(' | ')} |`));
  const tail = footer(m, locate);
  if (tail.length) out.push('', ...tail.map((t) => `- ${mdEscape(t)}`));
  return out.join('\n') + '\n';
}
