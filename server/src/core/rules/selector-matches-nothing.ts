/**
 * NP401 selector-matches-nothing: a podSelector or namespaceSelector of a policy that matches no
 * pod (or namespace) among the workspace's manifests, usually a label typo: the policy then
 * selects, or allows, nothing. Pods come from Pod and workload manifests; namespaceSelectors are
 * checked only when the workspace has Namespace manifests (only they carry labels). A warning
 * where the workspace has pods of the namespace concerned; a hint when it has no pods at all (a policy-only repository would otherwise be covered in notes);
 * nothing for namespaces it has no pods of (kube-system's pods are rarely in a repository), nor
 * for a peer meant for the cluster DNS (kube-system AND k8s-app=kube-dns) whose pods the workspace
 * does not show; when only kube-system's labels are unknown, it says so instead of "nothing".
 */
import type { Rule, WorkspaceRuleContext, FilePolicy } from './rule';
import type { LabelSelector } from '../model/types';
import type { PodInfo } from '../model/inventory';
import { formatSelector, isEmptySelector, matchesSelector } from '../semantics/selector';
import { namespaceLabels } from '../semantics/evaluate';
import { fileSpanAt } from './util';
import { isKubeDnsPeer, KUBE_SYSTEM } from '../semantics/kubeDns';
import { t } from '../l10n';

/** Namespaces every cluster has, whether or not the workspace names them. */
const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

function listNames(names: readonly string[], max = 4): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? t('{0} and {1} more', shown, names.length - max) : shown;
}

/** For a selector's matchLabels keys, the values the candidates have: a typo is then plain to see. */
function nearby(sel: LabelSelector, pods: readonly PodInfo[]): string {
  const parts: string[] = [];
  for (const key of Object.keys(sel.matchLabels ?? {})) {
    const values = [...new Set(pods.map((p) => p.labels[key]).filter((v): v is string => v !== undefined))].sort();
    if (values.length) parts.push(`${key}=${listNames(values)}`);
  }
  return parts.length ? t('; there: {0}', parts.join('; ')) : '';
}

export const selectorMatchesNothing: Rule = {
  meta: { code: 'NP401', slug: 'selector-matches-nothing', severity: 'warning', title: 'Selector matching no pod or namespace in the workspace', fixable: false, source: 'kube-linter dangling-networkpolicy; Popeye; k8sgpt #157' },
  scope: 'workspace',
  check() {},
  checkWorkspace(ctx) {
    const world = ctx.world;
    const namespaceManifests = [...world.namespaces.values()].some((n) => n.source);
    const known = [...new Set([...world.namespaces.keys(), ...BUILT_IN_NAMESPACES])];
    for (const fp of ctx.policies) {
      const c = fp.compiled;
      if (!c) continue;
      const ns = c.ref.namespace;
      if (!isEmptySelector(c.podSelector)) checkPods(ctx, fp, c.podSelector, [ns], 'spec.podSelector', 'selects');
      for (const [dir, rules, word] of [['ingress', c.ingress, 'from'], ['egress', c.egress, 'to']] as const) {
        for (const r of rules) {
          for (const peer of r.peers ?? []) {
            if (peer.ipBlock) continue;
            const path = `spec.${dir}[${r.index}].${word}[${peer.index}]`;
            let nsList = [ns];
            if (peer.namespaceSelector) {
              const sel = peer.namespaceSelector;
              nsList = known.filter((n) => matchesSelector(sel, namespaceLabels(world, n)));
              if (nsList.length === 0) {
                if (namespaceManifests && isKubeDnsPeer(peer) && !world.namespaces.get(KUBE_SYSTEM)?.source) {
                  // kube-system's labels are not in the workspace: say what the cluster has, not "nothing".
                  ctx.report({ path: `${path}.namespaceSelector`, span: fileSpanAt(ctx, fp.analyzed, `${path}.namespaceSelector`, 'key'), message: t('namespaceSelector {0} matches no namespace in the workspace, which does not show kube-system (no Namespace manifest for it): in most clusters kube-system has only the label kubernetes.io/metadata.name=kube-system, so select it by that', formatSelector(sel)) });
                } else if (namespaceManifests) {
                  ctx.report({ path: `${path}.namespaceSelector`, span: fileSpanAt(ctx, fp.analyzed, `${path}.namespaceSelector`, 'key'), message: t('namespaceSelector {0} matches no namespace in the workspace (it has {1}), so this peer allows nothing; check the labels against the Namespace manifests', formatSelector(sel), listNames(known.sort())) });
                }
                continue;
              }
            }
            if (peer.podSelector && !isEmptySelector(peer.podSelector)) checkPods(ctx, fp, peer.podSelector, nsList, `${path}.podSelector`, 'allows', isKubeDnsPeer(peer));
          }
        }
      }
    }
  },
};

function checkPods(ctx: WorkspaceRuleContext, fp: FilePolicy, sel: LabelSelector, namespaces: readonly string[], path: string, verb: string, kubeDns = false): void {
  const candidates = namespaces.flatMap((n) => ctx.lookups.podsIn(n));
  if (candidates.some((p) => matchesSelector(sel, p.labels))) return;
  // The cluster DNS, spelled right: its pods are in the cluster even when the workspace's manifests
  // of kube-system (if any) do not include them. Nothing to report; the hover says as much.
  if (kubeDns) return;
  const where = namespaces.length === 1 ? t('namespace {0}', namespaces[0]) : t('namespaces {0}', listNames(namespaces));
  const span = fileSpanAt(ctx, fp.analyzed, path, 'key');
  const consequence = verb === 'selects' ? t('so this policy selects no pod') : t('so this peer allows no pod');
  if (candidates.length) {
    ctx.report({ path, span, message: t('podSelector {0} matches none of the {1} Pods and workloads of {2} in the workspace, {3}{4}', formatSelector(sel), candidates.length, where, consequence, nearby(sel, candidates)) });
  } else if (ctx.world.pods.length === 0 && !namespaces.every((n) => SYSTEM_NAMESPACES.has(n))) {
    ctx.report({ path, span, severity: 'hint', message: t('podSelector {0} matches no pod in the workspace: it has no Pod or workload manifests to check selectors against (add them to the workspace to catch label typos)', formatSelector(sel)) });
  }
}
