/**
 * NP404 namespace-not-isolated: a Pod or workload (or the Namespace holding it) in a namespace
 * that no NetworkPolicy of the workspace lives in, while other namespaces have policies. A
 * policy only selects pods of its own namespace, so these pods accept connections from anywhere
 * and may connect anywhere; a default-deny policy in their namespace would isolate them. A hint:
 * leaving a namespace open can be deliberate. Nothing is said in a workspace without policies,
 * nor about the cluster's own namespaces (kube-system, kube-public, kube-node-lease).
 */
import type { Rule } from './rule';
import type { Span } from '../text';
import { columnOf, lineEndOf } from './yamlEdit';
import { headSpan } from './util';
import { t } from '../l10n';

/** The span of an object's own `kind:` value (a key at the object's column); else its first line. */
function kindSpan(text: string | undefined, s: Span): Span {
  if (text === undefined) return { start: s.start, end: s.start };
  if (text[s.start] === '{') {
    // A flow map: its own kind is the first `kind:` key (nested maps come later, if at all).
    const m = /[{,][ \t\r\n]*kind:[ \t]*["']?([A-Za-z]+)/.exec(text.slice(s.start, s.end));
    if (m) {
      const start = s.start + m.index + m[0].length - m[1].length;
      return { start, end: start + m[1].length };
    }
  }
  const col = columnOf(text, s.start);
  const first = s.start - col;
  for (let lineStart = first; lineStart < s.end; ) {
    const lineEnd = lineEndOf(text, lineStart);
    const keyAt = lineStart === first ? s.start : lineStart + col;
    if (keyAt <= lineEnd && (lineStart === first || /^ *$/.test(text.slice(lineStart, keyAt)))) {
      const m = /^kind:[ \t]*["']?([A-Za-z]+)/.exec(text.slice(keyAt, lineEnd));
      if (m) {
        const start = keyAt + m[0].length - m[1].length;
        return { start, end: start + m[1].length };
      }
    }
    const nl = text.indexOf('\n', lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return headSpan(text, s);
}

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export const namespaceNotIsolated: Rule = {
  meta: { code: 'NP404', slug: 'namespace-not-isolated', severity: 'hint', title: 'Pods in a namespace that no NetworkPolicy isolates', fixable: false, source: 'kube-score pod-networkpolicy; Polaris missingNetworkPolicy; kube-linter non-isolated-pod' },
  scope: 'workspace',
  check() {},
  checkWorkspace(ctx) {
    const world = ctx.world;
    if (world.policies.length === 0) return;
    const withPolicy = new Set(world.policies.map((p) => p.ref.namespace));
    // The cluster's own namespaces are left to the platform.
    const covered = (ns: string) => withPolicy.has(ns) || SYSTEM_NAMESPACES.has(ns);
    for (const pod of ctx.inventory.pods) {
      if (covered(pod.namespace) || pod.source.file !== ctx.file) continue;
      ctx.report({
        span: kindSpan(ctx.text, pod.source.span),
        message: t('no NetworkPolicy of the workspace is in namespace {0}, so the pods of {1} are not isolated: anything may connect to them and they may connect anywhere (policies in other namespaces do not apply here). A default-deny policy in {0} would isolate them', pod.namespace, `${pod.kind} ${pod.name}`),
      });
    }
    for (const ns of ctx.inventory.namespaces) {
      if (covered(ns.name) || !ns.source || ns.source.file !== ctx.file) continue;
      const pods = world.pods.filter((p) => p.namespace === ns.name);
      if (!pods.length) continue;
      ctx.report({
        span: kindSpan(ctx.text, ns.source.span),
        message: t(pods.length === 1 ? 'no NetworkPolicy of the workspace is in namespace {0}, so its pods ({1} Pod or workload manifest in the workspace) are not isolated: anything may connect to them and they may connect anywhere. A default-deny policy in {0} would isolate them' : 'no NetworkPolicy of the workspace is in namespace {0}, so its pods ({1} Pod or workload manifests in the workspace) are not isolated: anything may connect to them and they may connect anywhere. A default-deny policy in {0} would isolate them', ns.name, pods.length),
      });
    }
  },
};
