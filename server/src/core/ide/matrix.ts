/**
 * The reachability matrix of every pod to every pod on one port, as text, Markdown and JSON.
 * (The explanation of one verdict is in explain.ts, policy parts as text in peers.ts; both are
 * re-exported here for the modules that import them from this one.)
 *
 * The matrix gives exactly the answers `evaluate` gives, pair by pair, but computes them in
 * O(pods² × selecting rules): the policies selecting each pod are found once per pod, every peer's
 * matching pods once per peer (as a byte mask), and then each pod's allowed destinations (egress)
 * and allowed sources (ingress) are ORs of those masks.
 */
import type { PodInfo } from '../model/inventory';
import type { CompiledPeer, CompiledPolicy, CompiledRule, RejectedPolicy } from '../semantics/compile';
import { Endpoint, peerMatches, portEntryMatches, World } from '../semantics/evaluate';
import { matchesSelector } from '../semantics/selector';
import { Locate, where } from './provenance';
import { podLabel, podTitle, policyName } from './peers';
import { locationOf } from './explain';
import { t } from '../l10n';
import { escapeControls, escapeMarkdownCell } from './escape';

export { podTitle, describePeer, describePort } from './peers';
export { explainTraffic, renderTrafficText } from './explain';
export type { PolicyLocation, AllowedBy, DirectionExplanation, TrafficExplanation } from './explain';

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
