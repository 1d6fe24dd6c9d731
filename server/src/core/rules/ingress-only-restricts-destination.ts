/**
 * NP406 ingress-only-restricts-destination: an ingress-only policy (allow frontend to backend)
 * limits who may reach the pods it selects, not where its sources may go. When the peers' pods
 * are not egress-isolated by any policy, they may still connect to every other pod (the
 * database) and outside address, which such a policy is often believed to prevent. Info, with a
 * fix that appends a new YAML document: an egress policy for the source pods allowing only the
 * selected pods (on the rule's ports) and DNS.
 */
import type { FilePolicy, Rule, WorkspaceRuleContext } from './rule';
import type { LabelSelector, NetworkPolicyPort } from '../model/types';
import type { PodInfo } from '../model/inventory';
import type { CompiledPeer, CompiledPolicy, CompiledRule } from '../semantics/compile';
import { formatSelector, isEmptySelector, matchesSelector } from '../semantics/selector';
import { peerMatches } from '../semantics/evaluate';
import { fileSpanAt, standInPod } from './util';
import { afterNode, blockMap, eolOf, styleOf, Value } from './yamlEdit';
import { DNS_RULE } from './egress-blocks-dns';
import { t } from '../l10n';

const NAME_LABEL = 'kubernetes.io/metadata.name';

/** The one namespace a peer's pods live in, when the peer says it exactly. */
function sourceNamespace(c: CompiledPolicy, peer: CompiledPeer): string | undefined {
  const ns = peer.namespaceSelector;
  if (!ns) return c.ref.namespace;
  const keys = Object.keys(ns.matchLabels ?? {});
  return keys.length === 1 && keys[0] === NAME_LABEL && !(ns.matchExpressions ?? []).length ? ns.matchLabels![NAME_LABEL] : undefined;
}

function selectorValue(sel: LabelSelector): Value {
  const out: Record<string, Value> = {};
  if (Object.keys(sel.matchLabels ?? {}).length) out.matchLabels = { ...sel.matchLabels };
  if ((sel.matchExpressions ?? []).length) {
    out.matchExpressions = sel.matchExpressions!.map((r) => {
      const e: Record<string, Value> = { key: r?.key ?? '', operator: r?.operator ?? '' };
      if (r?.values?.length) e.values = [...r.values];
      return e;
    });
  }
  return out;
}

function portsValue(ports: readonly (NetworkPolicyPort | undefined)[] | undefined): Value | undefined {
  if (!ports?.length) return undefined;
  return ports.map((p) => {
    const e: Record<string, Value> = {};
    if (p?.protocol !== undefined) e.protocol = p.protocol;
    if (p?.port !== undefined) e.port = p.port;
    if (p?.endPort !== undefined) e.endPort = p.endPort;
    return e;
  });
}

function policyName(ctx: WorkspaceRuleContext, c: CompiledPolicy, sel: LabelSelector, ns: string, names: Map<string, Set<string>>): string {
  const labels = sel.matchLabels ?? {};
  const label = labels.app ?? labels['app.kubernetes.io/name'] ?? Object.values(labels)[0];
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 200);
  const base = clean(label ? `${label}-egress` : `${c.ref.name}-sources-egress`) || 'sources-egress';
  let taken = names.get(ns);
  if (!taken) names.set(ns, (taken = new Set(ctx.lookups.policiesIn(ns).map((p) => p.ref.name))));
  for (const candidate of [base, `${base}-to-${clean(c.ref.name)}`]) if (!taken.has(candidate)) return candidate;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

function egressPolicyFix(ctx: WorkspaceRuleContext, fp: FilePolicy, c: CompiledPolicy, rule: CompiledRule, sel: LabelSelector, ns: string, name: string) {
  const text = ctx.text;
  if (text === undefined) return undefined;
  const p = fp.analyzed;
  // styleOf reads columns only, which a document start (base) at a line start does not change.
  const style = styleOf(p.base ? text.slice(p.base, p.base + p.doc.yaml.span.end) : text, p.doc.node);
  const target: Record<string, Value> = ns === c.ref.namespace ? { podSelector: selectorValue(c.podSelector) } : { namespaceSelector: { matchLabels: { [NAME_LABEL]: c.ref.namespace } }, podSelector: selectorValue(c.podSelector) };
  const toSelected: Record<string, Value> = { to: [target] };
  const ports = portsValue(c.value.spec?.ingress?.[rule.index]?.ports);
  if (ports) toSelected.ports = ports;
  const doc: Value = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec: { podSelector: selectorValue(sel), policyTypes: ['Egress'], egress: [toSelected, DNS_RULE] },
  };
  const eol = eolOf(text);
  const at = afterNode(text, { start: p.base + p.doc.yaml.span.start, end: p.base + p.doc.yaml.span.end });
  const lines = blockMap(doc as { readonly [k: string]: Value }, 0, style);
  return { title: t("Add an egress policy {0} for these source pods (only {1}'s pods and DNS)", `${ns}/${name}`, c.ref.name), edits: [{ span: { start: at, end: at }, newText: `${eol}---${eol}${lines.join(eol)}` }] };
}

function podName(p: PodInfo): string {
  return `${p.namespace}/${p.name}`;
}

export const ingressOnlyRestrictsDestination: Rule = {
  meta: { code: 'NP406', slug: 'ingress-only-restricts-destination', severity: 'info', title: "Ingress-only policy whose source pods may still connect anywhere", fixable: true, source: 'Kubernetes docs: a connection needs the source\'s egress and the destination\'s ingress to allow it' },
  scope: 'workspace',
  check() {},
  checkWorkspace(ctx) {
    const world = ctx.world;
    const names = new Map<string, Set<string>>();
    for (const fp of ctx.policies) {
      const c = fp.compiled;
      if (!c || !c.isolatesIngress || c.isolatesEgress) continue;
      const selected = new Set(ctx.lookups.podsIn(c.ref.namespace).filter((p) => matchesSelector(c.podSelector, p.labels)));
      for (const rule of c.ingress) {
        for (const peer of rule.peers ?? []) {
          const sel = peer.podSelector;
          if (peer.ipBlock || !sel || isEmptySelector(sel)) continue;
          const ns = sourceNamespace(c, peer);
          let sources = (peer.namespaceSelector ? world.pods : ctx.lookups.podsIn(c.ref.namespace)).filter((pod) => !selected.has(pod) && peerMatches(world, c, peer, { kind: 'pod', pod }));
          if (!sources.length && ns !== undefined) {
            const s = standInPod(sel, ns, { file: ctx.file, span: c.ref.span });
            if (s && !(ns === c.ref.namespace && matchesSelector(c.podSelector, s.labels))) sources = [s];
          }
          const free = sources.filter((pod) => !ctx.lookups.isolated(pod, 'egress'));
          if (!free.length) continue;
          // Pods nothing isolates for ingress accept these sources' connections too.
          const elsewhere = world.pods.filter((p) => !selected.has(p) && !sources.includes(p) && !ctx.lookups.isolated(p, 'ingress'));
          const known = free.filter((p) => world.pods.includes(p));
          const who = t('pods with {0}', `${formatSelector(sel)}${known.length ? ` (${known.slice(0, 3).map(podName).join(', ')}${known.length > 3 ? ', …' : ''})` : ''}`);
          const reach = t('any pod that does not restrict its own ingress{0} and any outside address', elsewhere.length ? ` (${elsewhere.slice(0, 3).map(podName).join(', ')}${elsewhere.length > 3 ? ', …' : ''})` : '');
          const path = `spec.ingress[${rule.index}].from[${peer.index}]`;
          const name = ns !== undefined ? policyName(ctx, c, sel, ns, names) : undefined;
          ctx.report({
            path,
            span: fileSpanAt(ctx, fp.analyzed, path, 'head'),
            message: t('this policy only limits who may connect to the pods it selects: {0} are not isolated for egress by any policy, so they may still connect to {1}. To limit where they connect, add an egress policy selecting them{2}', who, reach, name ? t(' (the quick fix appends one allowing only these pods and DNS)') : ''),
            fix: ns !== undefined && name ? egressPolicyFix(ctx, fp, c, rule, sel, ns, name) : undefined,
          });
        }
      }
    }
  },
};
