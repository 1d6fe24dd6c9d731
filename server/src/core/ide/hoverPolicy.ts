/**
 * The hover on a policy's name: the verdict first (hoverVerdict.ts: per selected pod, who may
 * connect to it and where it may connect), then the rule-by-rule explanation, then what the
 * verdict rests on (which policies isolate each pod, DNS).
 */
import type { PodInfo } from '../model/inventory';
import type { CompiledPolicy, RejectedPolicy } from '../semantics/compile';
import { policiesSelecting, World } from '../semantics/evaluate';
import { connIsEmpty } from '../semantics/connset';
import { connectionsOf, podsMatchedBy } from '../semantics/reach';
import { formatSelector, isEmptySelector, matchesSelector } from '../semantics/selector';
import { code, describeRule, dnsAllowed, list, podName, selectedPods } from './hoverText';
import { verdictBlock } from './hoverVerdict';
import { getLocale, t } from '../l10n';

/** Selected pods the verdict block shows. */
const VERDICT_PODS = 3;

export function policyTitle(c: CompiledPolicy | RejectedPolicy): string {
  return `**NetworkPolicy ${code(`${c.ref.namespace}/${c.ref.name}`)}**`;
}

/** For a direction the policy isolates without rules: the other policies selecting the same pods that still allow something. */
export function additiveWarning(world: World, c: CompiledPolicy, dir: 'ingress' | 'egress', pods: readonly PodInfo[] = selectedPods(world, c)): string | undefined {
  const isolates = dir === 'ingress' ? c.isolatesIngress : c.isolatesEgress;
  const rules = dir === 'ingress' ? c.ingress : c.egress;
  if (!isolates || rules.length > 0) return undefined;
  const others = world.policies.filter((o) => o !== c && o.ref.namespace === c.ref.namespace && (dir === 'ingress' ? o.ingress.length && o.isolatesIngress : o.egress.length && o.isolatesEgress) && pods.some((pod) => matchesSelector(o.podSelector, pod.labels)));
  if (!others.length) return undefined;
  return t(others.length === 1 ? '⚠ Policies only add allowances: {0} also selects these pods and still allows the {1} its rules name. This policy cannot take that away.' : '⚠ Policies only add allowances: {0} also select these pods and still allow the {1} their rules name. This policy cannot take that away.', list(others.map((o) => o.ref.name)), dir);
}

/**
 * The last explanations per world (a World never changes; a new one comes with every edit), so
 * hovering the same name again, or a name priming explained, answers at once. At most EXPLAINED_MAX
 * per world, each for the locale it was written in.
 */
const EXPLAINED = new WeakMap<World, Map<CompiledPolicy | RejectedPolicy, { readonly locale: string; readonly text: string }>>();
const EXPLAINED_MAX = 64;

/** The policy's hover: verdict, rules, what the verdict rests on (kept per world, see EXPLAINED). */
export function explainPolicy(world: World, c: CompiledPolicy | RejectedPolicy): string {
  let memo = EXPLAINED.get(world);
  if (!memo) EXPLAINED.set(world, (memo = new Map()));
  const locale = getLocale();
  const known = memo.get(c);
  if (known && known.locale === locale) return known.text;
  const text = writePolicyExplanation(world, c);
  if (memo.size >= EXPLAINED_MAX) memo.delete(memo.keys().next().value!);
  memo.set(c, { locale, text });
  return text;
}

function writePolicyExplanation(world: World, c: CompiledPolicy | RejectedPolicy): string {
  const out: string[] = [];
  if ('reason' in c) {
    out.push(t('**NetworkPolicy {0} — not applied**', code(`${c.ref.namespace}/${c.ref.name}`)), '', t('The API server would reject it (see the errors in this document), so it allows and isolates nothing until they are fixed.'));
    return out.join('\n');
  }
  out.push(`${policyTitle(c)}${c.namespaceWritten ? '' : t(" (no namespace written: assumed `default`, kubectl uses the current context's)")}`, '');
  const pods = selectedPods(world, c);
  const sel = isEmptySelector(c.podSelector) ? t('**every pod** in {0}', code(c.ref.namespace)) : t('pods in {0} with {1}', code(c.ref.namespace), code(formatSelector(c.podSelector)));

  // 1. The verdict.
  if (pods.length) out.push(...verdictBlock(world, pods, VERDICT_PODS), '---', '');
  else if (world.pods.length === 0) out.push(t('_No Pods or workloads in the workspace, so no pod can be named. Add their manifests to see who can reach whom._'), '', '---', '');

  // 2. The rules.
  out.push(t('**Selects** {0} — in the workspace: {1}', sel, list(pods.map(podName))), '');
  const types = [c.isolatesIngress ? 'Ingress' : '', c.isolatesEgress ? 'Egress' : ''].filter(Boolean).join(t(' and ')) || t('nothing');
  const why = c.policyTypesWritten ? '' : c.isolatesEgress ? t(' (policyTypes not written: Ingress by default, plus Egress because it has egress rules)') : t(' (policyTypes not written: Ingress by default, and not Egress because it has no egress rules)');
  out.push(t('**Isolates** {0}{1}.', types, why), '');
  if (c.isolatesIngress) {
    out.push(c.ingress.length === 0 ? t('**Ingress**: no rule, so on its own this policy blocks **all incoming traffic** to the selected pods.') : t('**Ingress allowed** (any one rule suffices):'), '');
    c.ingress.forEach((r, i) => out.push(`${i + 1}. ${describeRule(world, c, r, 'ingress')}`));
    if (c.ingress.length) out.push('');
  } else if (c.ingress.length) out.push(t('⚠ It has ingress rules but policyTypes leaves Ingress out, so **they are ignored**.'), '');
  if (c.isolatesEgress) {
    out.push(c.egress.length === 0 ? t('**Egress**: no rule, so on its own this policy blocks **all outgoing traffic** from the selected pods.') : t('**Egress allowed** (any one rule suffices):'), '');
    c.egress.forEach((r, i) => out.push(`${i + 1}. ${describeRule(world, c, r, 'egress')}`));
    if (c.egress.length) out.push('');
  } else if (c.egress.length) out.push(t('⚠ It has egress rules but policyTypes leaves Egress out, so **they are ignored**.'), '');
  if (!c.isolatesEgress) out.push(t('It restricts no egress: neither where the selected pods may connect, nor where the sources it names may connect.'), '');
  const sources = c.ingress.flatMap((r) => (r.peers ?? []).flatMap((peer) => podsMatchedBy(world, c, peer)));
  const unique = [...new Set(sources)].filter((s0) => !pods.includes(s0)).slice(0, 3);
  for (const src of unique) {
    const selected = new Set(pods);
    const { pods: all, self, outSets } = connectionsOf(world, src, { outOnly: true });
    const elsewhere = all.filter((other, k) => k !== self && !selected.has(other) && !connIsEmpty(outSets[k]));
    if (elsewhere.length) out.push(t('{0} can still connect to {1}: this policy only limits who reaches the pods it selects.', code(podName(src)), list(elsewhere.map(podName))), '');
  }
  for (const dir of ['ingress', 'egress'] as const) {
    const w = additiveWarning(world, c, dir, pods);
    if (w) out.push(w, '');
  }

  // 3. What the verdict rests on.
  if (pods.length) {
    out.push('---', '', t("**Reachability** (all policies in the workspace; a connection needs the source's egress and the destination's ingress):"), '');
    let dnsBlocked = false;
    for (const pod of pods.slice(0, VERDICT_PODS)) {
      const inIsolated = policiesSelecting(world, pod, 'ingress');
      const egIsolated = policiesSelecting(world, pod, 'egress');
      const ing = inIsolated.length ? t('isolated by {0}', list(inIsolated.map((p) => p.ref.name))) : t('not isolated: every source may connect');
      const eg = egIsolated.length ? t('isolated by {0}', list(egIsolated.map((p) => p.ref.name))) : t('not isolated: may connect anywhere (the other end must still allow it)');
      out.push(`- ${t('{0}: ingress {1}; egress {2}', code(podName(pod)), ing, eg)}`);
      if (egIsolated.length && !dnsAllowed(world, pod)) dnsBlocked = true;
    }
    out.push('');
    if (dnsBlocked) out.push(t('⚠ **DNS is blocked**: no egress rule allows UDP 53 to kube-dns (kube-system, k8s-app=kube-dns). Host names stop resolving, so `curl http://external-api.com` fails with "Could not resolve host" even where the address is allowed.'), '');
  }
  out.push(t('_Blocked connections are usually dropped, so clients see a timeout rather than "connection refused". NetworkPolicy cannot match domain names: only pods, namespaces and IP ranges._'));
  return out.join('\n');
}
