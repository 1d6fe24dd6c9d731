/**
 * The hover's first lines: per selected pod, who may connect to it and where it may connect, in
 * the fewest words. Exact: the sets are `connectionsBetween`'s over every port (semantics/reach.ts
 * computes them in bulk), so "any port" means every port of every protocol, and the container
 * ports are shown only as what the pod listens on.
 *
 *   **`default/backend (Deployment)`** · listens on 8080/TCP
 *   - ✔ from `default/frontend-pod` — any port
 *   - ✘ from `default/database`, `kube-system/coredns` · outside the cluster
 *   - ✔ to outside `203.0.113.5/32` — TCP 443
 *   - ✘ to `default/frontend-pod`, … · ⚠ DNS blocked
 */
import type { PodInfo } from '../model/inventory';
import type { CompiledPolicy } from '../semantics/compile';
import { policiesSelecting, World } from '../semantics/evaluate';
import { ALL_CONNECTIONS, ConnSet, connIsAll, connIsEmpty, formatConn, rulePortSet } from '../semantics/connset';
import { connectionsOf } from '../semantics/reach';
import { code, dnsAllowed, podName } from './hoverText';
import { t } from '../l10n';

/** Names shown per verdict line before "+N more". */
export const VERDICT_NAMES = 4;

const IP_DEST = { kind: 'ip', bytes: [], text: '' } as const;

function ports(set: ConnSet): string {
  return formatConn(set, { all: t('any port'), none: t('none') });
}

/** `a`, `b` — any port · `c` — TCP 80 (names grouped by the same set, in the world's order), cut at VERDICT_NAMES. */
function allowedList(entries: readonly { pod: PodInfo; set: ConnSet }[], extra: readonly string[]): string {
  const groups = new Map<string, string[]>();
  const shown = Math.min(entries.length, VERDICT_NAMES);
  for (const e of entries.slice(0, shown)) {
    const key = ports(e.set);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(code(podName(e.pod)));
  }
  const parts = [...groups].map(([p, names]) => `${names.join(', ')} — ${p}`);
  if (entries.length > shown) parts.push(t('+{0} more', entries.length - shown));
  return [...parts, ...extra].join(' · ');
}

function blockedList(pods: readonly PodInfo[], extra: readonly string[]): string {
  const parts = [pods.slice(0, VERDICT_NAMES).map((p) => code(podName(p))).join(', ')].filter(Boolean);
  if (pods.length > VERDICT_NAMES) parts.push(t('+{0} more', pods.length - VERDICT_NAMES));
  return [...parts, ...extra].join(' · ');
}

/** What the isolating policies allow from (ingress) or to (egress) addresses outside the cluster, per rule: `outside cidr except … — ports`. */
function outside(pols: readonly CompiledPolicy[], dir: 'ingress' | 'egress'): string[] {
  const out: string[] = [];
  for (const p of pols) {
    for (const r of dir === 'ingress' ? p.ingress : p.egress) {
      const blocks = r.peers ? r.peers.filter((x) => x.ipBlock).map((x) => x.ipBlock!) : undefined;
      if (blocks && blocks.length === 0) continue;
      const set = rulePortSet(r, IP_DEST);
      if (connIsEmpty(set)) continue; // only named ports: nothing outside has them
      if (!blocks) {
        out.push(t('outside the cluster — {0}', ports(set)));
        continue;
      }
      const where = blocks.map((b) => (b.except.length ? t('{0} except {1}', code(b.cidrText), b.except.map((e) => code(e.text)).join(', ')) : code(b.cidrText))).join(', ');
      out.push(t('outside {0} — {1}', where, ports(set)));
    }
  }
  return [...new Set(out)];
}

/** The verdict lines (Markdown list items) for one pod. */
export function podVerdict(world: World, pod: PodInfo): string[] {
  const inPols = policiesSelecting(world, pod, 'ingress');
  const egPols = policiesSelecting(world, pod, 'egress');
  const inAllowed: { pod: PodInfo; set: ConnSet }[] = [];
  const outAllowed: { pod: PodInfo; set: ConnSet }[] = [];
  const inBlocked: PodInfo[] = [];
  const outBlocked: PodInfo[] = [];
  let inAll = true;
  let outAll = true;
  const { pods, self, inSets, outSets } = connectionsOf(world, pod);
  for (let k = 0; k < pods.length; k++) {
    if (k === self) continue;
    const other = pods[k];
    const inSet = inSets[k];
    const outSet = outSets[k];
    if (connIsEmpty(inSet)) inBlocked.push(other);
    else inAllowed.push({ pod: other, set: inSet });
    if (connIsEmpty(outSet)) outBlocked.push(other);
    else outAllowed.push({ pod: other, set: outSet });
    inAll &&= inSet === ALL_CONNECTIONS || connIsAll(inSet);
    outAll &&= outSet === ALL_CONNECTIONS || connIsAll(outSet);
  }
  const lines: string[] = [];
  const direction = (isolating: readonly CompiledPolicy[], dir: 'ingress' | 'egress', allowed: typeof inAllowed, blocked: readonly PodInfo[], all: boolean) => {
    if (isolating.length === 0 && all) {
      lines.push(dir === 'ingress' ? t('✔ from anywhere: ingress not restricted') : t('✔ to anywhere: egress not restricted'));
      return;
    }
    const out = isolating.length ? outside(isolating, dir) : [t('outside the cluster — {0}', t('any port'))];
    if (allowed.length || out.length) lines.push(`${dir === 'ingress' ? t('✔ from') : t('✔ to')} ${allowedList(allowed, out)}`);
    const blockedOutside = out.length === 0 ? [t('outside the cluster')] : [];
    // Not isolated here: what is blocked is blocked by the other end's policies.
    const why = isolating.length === 0 ? [dir === 'ingress' ? t('(by their egress policies)') : t('(by their ingress policies)')] : [];
    if (blocked.length || blockedOutside.length) lines.push(`${dir === 'ingress' ? t('✘ from') : t('✘ to')} ${blockedList(blocked, [...blockedOutside, ...why])}`);
  };
  direction(inPols, 'ingress', inAllowed, inBlocked, inAll);
  direction(egPols, 'egress', outAllowed, outBlocked, outAll);
  if (egPols.length) lines.push(dnsAllowed(world, pod) ? t('✔ DNS (UDP 53 to kube-dns)') : t('⚠ DNS blocked: no UDP 53 to kube-dns'));
  return lines;
}

/** The pod's heading line: its name, and what it listens on (its container ports). */
export function podHeading(pod: PodInfo): string {
  const listens = [...new Set(pod.ports.map((p) => `${p.port}/${p.protocol}`))];
  return `**${code(podName(pod))}**${listens.length ? ' · ' + t('listens on {0}', listens.join(', ')) : ''}`;
}

/** The verdict block: up to `max` selected pods, each a heading and its list, separated by blank lines. */
export function verdictBlock(world: World, pods: readonly PodInfo[], max = 3): string[] {
  const out: string[] = [];
  for (const pod of pods.slice(0, max)) {
    out.push(podHeading(pod), '');
    for (const l of podVerdict(world, pod)) out.push(`- ${l}`);
    out.push('');
  }
  if (pods.length > max) out.push(t('…and {0} more selected pods.', pods.length - max), '');
  return out;
}
