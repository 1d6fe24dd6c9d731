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
import { t } from '../l10n';
import { escapeControls, escapeMarkdownCell } from './escape';

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
    return ex.length ? t('ipBlock {0} except {1}', peer.ipBlock.cidrText, ex.join(', ')) : `ipBlock ${peer.ipBlock.cidrText}`;
  }
  const parts: string[] = [];
  if (peer.namespaceSelector) {
    const s = formatSelector(peer.namespaceSelector);
    parts.push(s === '<none>' ? t('namespaceSelector {} (every namespace)') : `namespaceSelector ${s}`);
  }
  if (peer.podSelector) {
    const s = formatSelector(peer.podSelector);
    parts.push(s === '<none>' ? (peer.namespaceSelector ? t('podSelector {} (every pod)') : t('podSelector {} (every pod of the namespace)')) : `podSelector ${s}`);
  }
  return parts.length ? parts.join(t(' and ')) : t('(empty peer)');
}

export function describePort(e: CompiledPort): string {
  if (e.port === undefined) return t('every {0} port', e.protocol);
  if (typeof e.port === 'string') return t('named port {0}', `${e.port}/${e.protocol}`);
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
function missReason(world: World, policy: CompiledPolicy, dir: 'ingress' | 'egress', rule: CompiledRule, tr: Traffic): string {
  const other = dir === 'egress' ? tr.to : tr.from;
  const scratch = new Set<string>();
  const peerOk = !rule.peers || rule.peers.some((p) => peerMatches(world, policy, p, other, scratch));
  const portOk = !rule.ports || rule.ports.some((e) => portEntryMatches(e, tr.port, tr.protocol, tr.to));
  const side = dir === 'ingress' ? 'from' : 'to';
  const peers = rule.peers?.map(describePeer).join('; ') ?? '';
  const ports = rule.ports?.map(describePort).join(', ') ?? '';
  const peerMiss = t('{0} ({1}) does not match {2}', side, peers, endpointName(other));
  const portMiss = t('ports ({0}) do not include {1}{2}', ports, `${tr.port}/${tr.protocol}`, rule.ports?.some((e) => typeof e.port === 'string') && tr.to.kind !== 'pod' ? t(' (a named port never matches an address outside the cluster)') : '');
  if (!peerOk && !portOk) return t('its {0}, and its {1}', peerMiss, portMiss);
  if (!peerOk) return t('its {0}', peerMiss);
  if (!portOk) return t('its {0}', portMiss);
  return t('it matches'); // not reached for a blocked direction
}

function directionReasons(world: World, tr: Traffic, v: Verdict, dir: 'ingress' | 'egress', locate: Locate | undefined): string[] {
  const d = dir === 'egress' ? v.egress : v.ingress;
  const self = dir === 'egress' ? tr.from : tr.to;
  const other = dir === 'egress' ? tr.to : tr.from;
  const selfName = endpointName(self);
  if (self.kind !== 'pod') {
    return [`${dir}: ${dir === 'egress' ? t('{0} is outside the cluster, so no NetworkPolicy restricts its sending end', selfName) : t('{0} is outside the cluster, so no NetworkPolicy restricts its receiving end', selfName)}`];
  }
  if (d.isolatedBy.length === 0) {
    const Type = dir === 'egress' ? 'Egress' : 'Ingress';
    return [`${dir}: ${dir === 'egress' ? t('{0} is not isolated for {1} (no NetworkPolicy in namespace {2} selects it with {3} in its policyTypes), so every destination is allowed', selfName, dir, self.pod.namespace, Type) : t('{0} is not isolated for {1} (no NetworkPolicy in namespace {2} selects it with {3} in its policyTypes), so every source is allowed', selfName, dir, self.pod.namespace, Type)}`];
  }
  const out = [`${dir}: ${t('{0} is isolated for {1} by {2}', selfName, dir, refList(d.isolatedBy, locate))}`];
  if (d.allowed) {
    for (const m of d.allowedBy) {
      const what = [m.peer ? (dir === 'ingress' ? t('from {0}', describePeer(m.peer)) : t('to {0}', describePeer(m.peer))) : dir === 'ingress' ? t('from every source') : t('to every destination'), m.port ? t('port {0}', describePort(m.port)) : t('every port')].join(', ');
      out.push(`  ${t('allowed by {0} {1} ({2}): {3}', policyName(m.policy), rulePath(dir, m.rule), where(locate, m.policy.file, m.rule.span.start), what)}`);
    }
    return out;
  }
  const args = [dir, endpointName(other), `${tr.port}/${tr.protocol}`];
  const noRule = d.isolatedBy.length === 1
    ? dir === 'egress' ? t('no {0} rule of that policy allows to {1} on {2}:', ...args) : t('no {0} rule of that policy allows from {1} on {2}:', ...args)
    : dir === 'egress' ? t('no {0} rule of those policies allows to {1} on {2}:', ...args) : t('no {0} rule of those policies allows from {1} on {2}:', ...args);
  out.push(`  ${noRule}`);
  for (const ref of d.isolatedBy) {
    const policy = world.policies.find((p) => p.ref === ref);
    if (!policy) continue;
    const rules = dir === 'egress' ? policy.egress : policy.ingress;
    if (rules.length === 0) {
      out.push(`    ${t('{0} has no {1} rules: on its own it allows no {1} at all', policyName(ref), dir)}`);
      continue;
    }
    for (const r of rules) out.push(`    ${policyName(ref)} ${rulePath(dir, r)} (${where(locate, ref.file, r.span.start)}): ${missReason(world, policy, dir, r, tr)}`);
  }
  return out;
}

/** Evaluates one connection and says why, with provenance (file:line when `locate` knows the file). */
export function explainTraffic(world: World, tr: Traffic, opts: { readonly locate?: Locate; readonly portName?: string } = {}): TrafficExplanation {
  const v = evaluate(world, tr);
  const { locate } = opts;
  const reasons: string[] = [];
  if (v.self) reasons.push(t('{0} is the destination itself: traffic from a pod to itself is always allowed', endpointName(tr.from)));
  for (const e of v.self ? [tr.from] : [tr.from, tr.to]) {
    if (e.kind === 'pod' && e.pod.kind !== 'Pod') reasons.push(t('{0} is a {1}: the answer holds for each of its pods', endpointName(e), e.pod.kind));
  }
  reasons.push(...directionReasons(world, tr, v, 'egress', locate), ...directionReasons(world, tr, v, 'ingress', locate));
  const notApplied = v.notApplied.map((r: RejectedPolicy) => ({ ...locationOf(r.ref, locate), reason: r.reason }));
  for (const r of v.notApplied) reasons.push(t('not applied: {0} ({1}): {2}', policyName(r.ref), where(locate, r.ref.file, r.ref.span.start), r.reason));
  for (const c of v.caveats) reasons.push(t('caveat: {0}', c));
  const dirJson = (d: Verdict['egress']): DirectionExplanation => ({
    inCluster: d.inCluster,
    isolated: d.isolatedBy.length > 0,
    isolatedBy: d.isolatedBy.map((r) => locationOf(r, locate)),
    allowedBy: d.allowedBy.map((m) => allowedByOf(m, locate)),
    allowed: d.allowed,
  });
  return {
    from: endpointName(tr.from),
    to: endpointName(tr.to),
    port: tr.port,
    ...(opts.portName ? { portName: opts.portName } : {}),
    protocol: tr.protocol,
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
  const port = x.portName ? `${x.port}/${x.protocol} (${t('port {0}', x.portName)})` : `${x.port}/${x.protocol}`;
  return [t(x.allowed ? 'allowed: {0}' : 'blocked: {0}', `${x.from} -> ${x.to} ${port}`), ...x.reasons.map((r) => `  ${r}`)].join('\n') + '\n';
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
      notes.push(t('the diagonal cell of {0} is between two of its pods, which the policies block on {1} (each pod still reaches itself)', podTitle(pods[i]), `${port}/${protocol}`));
    }
  }
  const namespaces = new Set(pods.map((p) => p.namespace));
  return { port, protocol, pods, allowed, caveats: [...caveats], notes, notApplied: world.rejected.filter((r) => namespaces.has(r.ref.namespace)) };
}

const LEGEND = (m: ReachabilityMatrix, allowedMark: string, blockedMark: string) =>
  t('Reachability on port {0}: rows are sources (from), columns are destinations (to); "{1}" = allowed, "{2}" = blocked.', `${m.port}/${m.protocol}`, allowedMark, blockedMark);

function footer(m: ReachabilityMatrix, locate: Locate | undefined): string[] {
  const out: string[] = [];
  for (const r of m.notApplied) out.push(t('not applied: {0} ({1}): {2}', policyName(r.ref), where(locate, r.ref.file, r.ref.span.start), r.reason));
  for (const c of m.caveats) out.push(t('caveat: {0}', c));
  for (const c of m.notes) out.push(t('note: {0}', c));
  return out;
}

/** Text like cyclonus's: numbered rows, columns headed by the same numbers, "." allowed, "X" blocked. */
export function renderMatrixText(m: ReachabilityMatrix, locate?: Locate): string {
  const out = [LEGEND(m, '.', 'X')];
  if (m.pods.length === 0) return [...out, t('No pods or workloads in the given files.'), ...footer(m, locate)].join('\n') + '\n';
  const n = m.pods.length;
  const numWidth = String(n).length;
  const titles = m.pods.map(podTitle);
  const nameWidth = Math.max(...titles.map((s) => s.length));
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

/** A name in a table cell: a code span when that is safe, else escaped text (escape.ts). */
function mdName(s: string): string {
  const c = escapeControls(s);
  return /^[^`\\|]*$/.test(c) ? `\`${c}\`` : escapeMarkdownCell(s);
}

export function renderMatrixMarkdown(m: ReachabilityMatrix, locate?: Locate): string {
  const out = [LEGEND(m, '✓', '✗'), ''];
  if (m.pods.length === 0) return [...out, t('No pods or workloads in the given files.'), ...footer(m, locate).map(escapeMarkdownCell)].join('\n') + '\n';
  const titles = m.pods.map((p) => mdName(podTitle(p)));
  out.push(`| from \\ to | ${titles.join(' | ')} |`);
  out.push(`|---|${m.pods.map(() => ':-:').join('|')}|`);
  m.pods.forEach((_, i) => out.push(`| ${titles[i]} | ${m.allowed[i].map((a) => (a ? '✓' : '✗')).join(' | ')} |`));
  const tail = footer(m, locate);
  if (tail.length) out.push('', ...tail.map((s) => `- ${escapeMarkdownCell(s)}`));
  return out.join('\n') + '\n';
}
