/** Completion from the workspace: namespaces, label keys and values of the pods or namespaces a selector selects among. */
import { t } from '../../l10n';
import type { LabelSelector } from '../../model/types';
import type { PodInfo } from '../../model/inventory';
import { namespaceLabels, World } from '../../semantics/evaluate';
import { matchesSelector } from '../../semantics/selector';
import type { CompletionEntry, Site } from './types';
import { policyNamespace } from './types';
import type { Tok } from './scan';
import { unquote, child } from './scan';
import { offered, scalarItem } from './schema';

// --- the workspace --------------------------------------------------------------------------

export interface Subject {
  readonly title: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Labels every controller stamps on its pods: offered last. */
export const GENERATED_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'batch.kubernetes.io/controller-uid', 'controller-uid', 'batch.kubernetes.io/job-name', 'job-name', 'pod-template-generation', 'apps.kubernetes.io/pod-index']);

export function summary(titles: readonly string[], max = 3): string {
  const shown = titles.slice(0, max).join(', ');
  return titles.length > max ? t('{0} and {1} more', shown, titles.length - max) : shown;
}

export function podTitle(p: PodInfo): string {
  return `${p.namespace}/${p.name}${p.kind === 'Pod' ? '' : ` (${p.kind})`}`;
}

/** Reads a label selector written under `node` (block or flow style), as far as it is written. */
export function selectorOf(node: Tok | undefined): LabelSelector | undefined {
  if (!node) return undefined;
  const flow = (v: string): Record<string, string> | undefined => {
    const m = /^\{(.*)\}$/.exec(v.trim());
    if (!m) return undefined;
    const out: Record<string, string> = {};
    for (const part of m[1].split(',')) {
      const kv = /^\s*("[^"]*"|'[^']*'|[^:]+?)\s*:\s*(.*?)\s*$/.exec(part);
      if (kv) out[unquote(kv[1])] = unquote(kv[2]);
    }
    return out;
  };
  const list = (n: Tok | undefined): string[] => {
    if (!n) return [];
    const v = n.value ?? '';
    const m = /^\[(.*)\]$/.exec(v);
    if (m) return m[1].split(',').map((x) => unquote(x.trim())).filter((x) => x !== '');
    return n.children.filter((c) => c.kind === 'dash').flatMap((d) => d.children.filter((c) => c.kind === 'scalar' && !c.cursor).map((c) => unquote(c.value ?? '')));
  };
  const value = node.value ?? '';
  if (value.startsWith('{')) {
    if (/^\{\s*\}$/.test(value)) return {};
    const inner = /^\{\s*matchLabels\s*:\s*(\{[^}]*\})\s*\}$/.exec(value);
    return inner ? { matchLabels: flow(inner[1]) } : undefined;
  }
  const sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] } = {};
  const ml = child(node, 'matchLabels');
  if (ml) {
    const f = ml.value ? flow(ml.value) : undefined;
    sel.matchLabels = f ?? {};
    if (!f) for (const c of ml.children) if (c.kind === 'key' && !c.cursor && c.value) sel.matchLabels[c.key!] = unquote(c.value);
  }
  const me = child(node, 'matchExpressions');
  if (me) {
    sel.matchExpressions = [];
    for (const d of me.children) {
      if (d.kind !== 'dash') continue;
      const key = unquote(child(d, 'key')?.value ?? '');
      const operator = unquote(child(d, 'operator')?.value ?? '');
      if (key && operator) sel.matchExpressions.push({ key, operator, values: list(child(d, 'values')) });
    }
  }
  return sel as LabelSelector;
}

/** The pods a peer (podSelector/namespaceSelector written under `peer`) selects, for a policy in `ns`. */
export function peerPods(world: World, peer: Tok, ns: string): PodInfo[] | undefined {
  const podSel = child(peer, 'podSelector');
  const nsSel = child(peer, 'namespaceSelector');
  if (!podSel && !nsSel) return undefined;
  const namespaces = peerNamespaces(world, peer, ns);
  const sel = podSel ? selectorOf(podSel) ?? {} : {};
  return world.pods.filter((p) => namespaces.has(p.namespace) && matchesSelector(sel, p.labels));
}

export function peerNamespaces(world: World, peer: Tok, ns: string): Set<string> {
  const nsSel = child(peer, 'namespaceSelector');
  if (!nsSel) return new Set([ns]);
  const sel = selectorOf(nsSel) ?? {};
  return new Set([...world.namespaces.keys()].filter((n) => matchesSelector(sel, namespaceLabels(world, n))));
}

export function podsKnown(n: number): string {
  return n === 1 ? t('1 pod known') : t('{0} pods known', n);
}

export function namespaceItems(site: Site, start: number, end: number, typed: string, prefix: string): CompletionEntry[] {
  const world = site.world();
  if (!world) return [];
  const counts = new Map<string, number>();
  for (const p of world.pods) counts.set(p.namespace, (counts.get(p.namespace) ?? 0) + 1);
  return [...world.namespaces.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((ns, i) =>
      scalarItem(ns.name, 'namespace', start, end, typed, prefix, i, podsKnown(counts.get(ns.name) ?? 0) + (ns.source ? '' : t(' (no Namespace manifest)'))),
    );
}

/** The subjects whose labels a selector at `selectorPath` (…podSelector or …namespaceSelector) selects among. */
export function subjects(site: Site, which: string): { subjects: Subject[]; what: 'pods' | 'namespaces' } | undefined {
  const world = site.world();
  if (!world) return undefined;
  let selIndex = -1;
  site.chain.forEach((n, i) => {
    if (n.kind === 'key' && n.key === which) selIndex = i;
  });
  let out: { subjects: Subject[]; what: 'pods' | 'namespaces' };
  if (which === 'namespaceSelector') {
    out = { what: 'namespaces', subjects: [...world.namespaces.keys()].sort().map((n) => ({ title: n, labels: namespaceLabels(world, n) })) };
  } else {
    const ns = policyNamespace(site);
    // The peer holding the selector: the dash item under from/to.
    const peer = selIndex > 0 ? site.chain[selIndex - 1] : undefined;
    let pods: readonly PodInfo[];
    if (peer && peer.kind === 'dash') {
      const namespaces = peerNamespaces(world, peer, ns);
      pods = world.pods.filter((p) => namespaces.has(p.namespace));
    } else pods = world.pods.filter((p) => p.namespace === ns);
    if (pods.length === 0) pods = world.pods;
    out = { what: 'pods', subjects: pods.map((p) => ({ title: podTitle(p), labels: p.labels })) };
  }
  // Those matching the other matchLabels entries already written (when any do).
  const written = selIndex >= 0 ? selectorOf(site.chain[selIndex])?.matchLabels : undefined;
  if (written && Object.keys(written).length) {
    const narrowed = out.subjects.filter((sub) => matchesSelector({ matchLabels: written }, sub.labels));
    if (narrowed.length) out = { ...out, subjects: narrowed };
  }
  return out;
}

/** Label keys at a matchLabels key position. */
export function labelKeyItems(site: Site, parent: Tok, start: number, end: number, hasColon: boolean): CompletionEntry[] {
  const which = /(podSelector|namespaceSelector)\.matchLabels$/.exec(site.path)?.[1];
  if (!which) return [];
  const present = new Set(parent.children.filter((x) => x.kind === 'key' && !x.cursor).map((x) => x.key!));
  const line = site.lines[site.cursorLine];
  const existingColon = hasColon && line.text.slice(end - line.start).trimStart().startsWith(':');
  return labelKeyEntries(site, which, present, start, end, '', '', !existingColon);
}

export function labelKeyEntries(site: Site, which: string, present: ReadonlySet<string>, start: number, end: number, typed: string, prefix: string, asKey: boolean): CompletionEntry[] {
  const s = subjects(site, which);
  if (!s) return [];
  const keys = new Map<string, { values: Set<string>; titles: string[] }>();
  for (const sub of s.subjects) {
    for (const [k, v] of Object.entries(sub.labels)) {
      if (present.has(k)) continue;
      let e = keys.get(k);
      if (!e) keys.set(k, (e = { values: new Set(), titles: [] }));
      e.values.add(v);
      e.titles.push(sub.title);
    }
  }
  const sorted = [...keys.entries()].sort((a, b) => Number(GENERATED_LABELS.has(a[0])) - Number(GENERATED_LABELS.has(b[0])) || b[1].titles.length - a[1].titles.length || a[0].localeCompare(b[0]));
  return sorted.map(([k, e], i) => {
    const detail = s.what === 'pods' ? t('label of pods: {0}', summary(e.titles)) : t('label of namespaces: {0}', summary(e.titles));
    const doc = t('Values: {0}', [...e.values].sort().map((v) => `\`${v}\``).join(', '));
    if (!asKey) return scalarItem(k, 'labelKey', start, end, typed, prefix, i, detail, doc);
    const entry = scalarItem(k, 'labelKey', start, end, '', '', i, detail, doc);
    return { ...entry, newText: `${entry.newText}: `, retrigger: true };
  });
}

export function labelValueItems(site: Site, which: string, key: string, start: number, end: number, typed: string, prefix: string, listed: ReadonlySet<string> = new Set()): CompletionEntry[] {
  const s = subjects(site, which);
  if (!s) return [];
  const values = new Map<string, string[]>();
  for (const sub of s.subjects) {
    if (!Object.prototype.hasOwnProperty.call(sub.labels, key)) continue;
    const v = sub.labels[key];
    if (listed.has(v)) continue;
    const list = values.get(v);
    if (list) list.push(sub.title);
    else values.set(v, [sub.title]);
  }
  return [...values.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([v, titles], i) => scalarItem(v, 'labelValue', start, end, typed, prefix, i, s.what === 'pods' ? t('pods: {0}', summary(titles)) : t('namespaces: {0}', summary(titles))));
}

