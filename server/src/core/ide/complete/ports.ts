/** Completion of `port`: the named and numeric container ports of the destination pods. */
import { t } from '../../l10n';
import type { ContainerPort, PodInfo } from '../../model/inventory';
import { matchesSelector } from '../../semantics/selector';
import type { CompletionEntry, Site } from './types';
import { policyNamespace } from './types';
import type { Tok } from './scan';
import { unquote, child } from './scan';
import { scalarItem } from './schema';
import { summary, podTitle, selectorOf, peerPods } from './workspace';

/** Ports of the destination pods: the pods the policy selects (ingress) or the rule's `to` peers select (egress). */
export function portItems(site: Site, direction: 'ingress' | 'egress', portItem: Tok, start: number, end: number, typed: string, prefix: string): CompletionEntry[] {
  const world = site.world();
  if (!world) return [];
  const ns = policyNamespace(site);
  let pods: PodInfo[] = [];
  if (direction === 'ingress') {
    const sel = selectorOf(child(child(site.policy, 'spec'), 'podSelector')) ?? {};
    pods = world.pods.filter((p) => p.namespace === ns && matchesSelector(sel, p.labels));
  } else {
    // portItem is the `- ` of ports; its parent the `ports` key; its parent the rule's `- `.
    const rule = portItem.parent?.parent;
    const to = child(rule, 'to');
    const peers = to ? to.children.filter((d) => d.kind === 'dash') : [];
    if (peers.length === 0) pods = [...world.pods];
    else {
      const seen = new Set<PodInfo>();
      for (const peer of peers) for (const p of peerPods(world, peer, ns) ?? []) seen.add(p);
      pods = [...seen];
    }
  }
  const protocol = unquote(child(portItem, 'protocol')?.value ?? '');
  const named = new Map<string, string[]>();
  const numbers = new Map<number, string[]>();
  const add = <K>(m: Map<K, string[]>, k: K, v: string) => {
    const l = m.get(k);
    if (l) {
      if (!l.includes(v)) l.push(v);
    } else m.set(k, [v]);
  };
  for (const p of pods) {
    for (const cp of p.ports as readonly ContainerPort[]) {
      if (protocol && cp.protocol !== protocol) continue;
      if (cp.name) add(named, cp.name, t('{0} on {1}', `${cp.port}/${cp.protocol}`, podTitle(p)));
      add(numbers, cp.port, t('{0} on {1}', `${cp.port}/${cp.protocol}${cp.name ? ` (${cp.name})` : ''}`, podTitle(p)));
    }
  }
  const out: CompletionEntry[] = [];
  let i = 0;
  for (const [name, where] of [...named.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(scalarItem(name, 'port', start, end, typed, prefix, i++, t('named port: {0}', summary(where)), t('Named port `{0}`, resolved on each destination pod: {1}', name, where.join('; '))));
  }
  for (const [n, where] of [...numbers.entries()].sort((a, b) => a[0] - b[0])) {
    const e = scalarItem(String(n), 'port', start, end, '', prefix, i++, t('container port {0}', summary(where)), undefined, false);
    out.push(e);
  }
  return out;
}

