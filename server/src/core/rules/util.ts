/** Small helpers the rule files share: finding a span for a field path, walking selectors and peers. */
import type { Span } from '../text';
import type { PolicyDocument, RuleContext, WorkspaceRuleContext } from './rule';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../model/types';
import type { AnalyzedPolicy } from '../model/analyzed';
import type { PodInfo } from '../model/inventory';
import { getEntry, YNode } from '../syntax/tree';
import { formatSelector, isEmptySelector, matchesSelector } from '../semantics/selector';
import { within } from './yamlEdit';

/** Parent of a field path: `a.b[0].c` -> `a.b[0]`, `a.b[0]` -> `a.b`, `a.m[k]` -> `a.m`. */
export function parentPath(path: string): string {
  const m = /^(.*?)(?:\.[^.[\]]+|\[[^\]]*\])$/.exec(path);
  return m ? m[1] : '';
}

/**
 * The span to underline for a field path: the value (or key) where the field was written (the
 * key when the value is empty), else the key of the nearest written ancestor (a missing field is
 * reported on its parent), else the document's anchor.
 */
export function spanAt(ctx: RuleContext, path: string, which: 'value' | 'key' | 'head' = 'value'): Span {
  const spans = ctx.doc.decoded?.spans;
  const own = spans?.get(path);
  if (own) {
    if (which === 'key') return own.key ?? own.value;
    // An empty value (`name:`) has no text to underline: point at its key instead.
    if (own.value.start === own.value.end && own.key) return own.key;
    if (which === 'head') return headSpan(ctx.text, own.key ?? own.value);
    return own.value;
  }
  for (let p = parentPath(path); p; p = parentPath(p)) {
    const s = spans?.get(p);
    if (s) return s.key ?? headSpan(ctx.text, s.value);
  }
  return ctx.doc.anchor;
}

/** The first line of a span, without trailing spaces: keeps squiggles on big maps readable. */
export function headSpan(text: string, s: Span): Span {
  const nl = text.indexOf('\n', s.start);
  let end = nl >= 0 && nl < s.end ? nl : s.end;
  while (end > s.start && /\s/.test(text[end - 1])) end--;
  return { start: s.start, end: Math.max(end, s.start) };
}

export interface SelectorAt {
  readonly selector: LabelSelector;
  readonly path: string;
}

/** Every label selector in a policy spec, with its field path. */
export function selectorsOf(ctx: RuleContext): SelectorAt[] {
  const spec = ctx.doc.decoded?.value.spec;
  if (!spec) return [];
  const out: SelectorAt[] = [];
  if (spec.podSelector) out.push({ selector: spec.podSelector, path: 'spec.podSelector' });
  for (const { peer, path } of peersOf(ctx)) {
    if (peer.podSelector) out.push({ selector: peer.podSelector, path: `${path}.podSelector` });
    if (peer.namespaceSelector) out.push({ selector: peer.namespaceSelector, path: `${path}.namespaceSelector` });
  }
  return out;
}

export interface PeerAt {
  readonly peer: NetworkPolicyPeer;
  readonly path: string;
}

export function peersOf(ctx: RuleContext): PeerAt[] {
  const spec = ctx.doc.decoded?.value.spec;
  const out: PeerAt[] = [];
  spec?.ingress?.forEach((r, i) => r?.from?.forEach((peer, j) => out.push({ peer: peer ?? {}, path: `spec.ingress[${i}].from[${j}]` })));
  spec?.egress?.forEach((r, i) => r?.to?.forEach((peer, j) => out.push({ peer: peer ?? {}, path: `spec.egress[${i}].to[${j}]` })));
  return out;
}

export interface PortAt {
  readonly port: NetworkPolicyPort;
  readonly path: string;
}

export function portsOf(ctx: RuleContext): PortAt[] {
  const spec = ctx.doc.decoded?.value.spec;
  const out: PortAt[] = [];
  spec?.ingress?.forEach((r, i) => r?.ports?.forEach((port, j) => out.push({ port: port ?? {}, path: `spec.ingress[${i}].ports[${j}]` })));
  spec?.egress?.forEach((r, i) => r?.ports?.forEach((port, j) => out.push({ port: port ?? {}, path: `spec.egress[${i}].ports[${j}]` })));
  return out;
}

/** Replaces a span's text with a double-quoted YAML string of `value`. */
export function quoteEdit(s: Span, value: string): { span: Span; newText: string } {
  return { span: s, newText: JSON.stringify(value) };
}

/**
 * Whether an unknown field is the object's top-level `status` (removed from NetworkPolicy in
 * Kubernetes 1.28; `kubectl get -o yaml` of older clusters writes `status: {}`). It changes
 * nothing the policy says, so it does not hold back the other findings (see analyze.ts).
 */
export function isStatusField(f: { readonly path: string }): boolean {
  return f.path === 'status';
}

/**
 * The decoded policy when it decoded cleanly (no NP1xx type errors or unknown fields): lints
 * (NP3xx) read only such policies, since a dropped field (`form:` for `from:`) would make them
 * misread the rule. Undefined otherwise.
 */
export function cleanPolicy(ctx: { readonly doc: PolicyDocument }): NetworkPolicy | undefined {
  const d = ctx.doc.decoded;
  return d && d.typeErrors.length === 0 && d.unknownFields.every(isStatusField) ? d.value : undefined;
}

/**
 * The YAML node written at a field path under `root` (`spec.ingress[0].from[1]`), or undefined.
 * With `written`, only a node written in place (not reached through an alias or merge key, whose
 * text lives elsewhere) is returned: quick fixes edit text, so they need that.
 */
export function nodeAt(root: YNode, path: string, written = false): YNode | undefined {
  let node: YNode | undefined = root;
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (let m = re.exec(path); m && node; m = re.exec(path)) {
    const parent: YNode = node;
    const key = m[1] ?? m[2];
    if (parent.kind === 'seq' && m[2] !== undefined && /^[0-9]+$/.test(key)) node = parent.items[Number(key)];
    else if (parent.kind === 'map') node = getEntry(parent, key)?.value;
    else node = undefined;
    if (node && written && !within(node, parent)) return undefined;
  }
  return node;
}

/** A selector in words for messages: `app=web`, or the given phrase when it is empty. */
export function selectorText(sel: LabelSelector | undefined, empty: string): string {
  return sel && !isEmptySelector(sel) ? formatSelector(sel) : empty;
}

/**
 * A pod that a selector selects, made up from it (matchLabels, In's first value, Exists), to
 * stand in for the pods a workspace without workload manifests cannot name. Undefined when the
 * selector cannot select anything so built.
 */
export function standInPod(sel: LabelSelector, namespace: string, source: PodInfo['source']): PodInfo | undefined {
  const labels: Record<string, string> = { ...(sel.matchLabels ?? {}) };
  for (const r of sel.matchExpressions ?? []) {
    const key = r?.key ?? '';
    if (!key || Object.prototype.hasOwnProperty.call(labels, key)) continue;
    if (r?.operator === 'In' && r.values?.length) labels[key] = r.values[0];
    else if (r?.operator === 'Exists') labels[key] = 'x';
  }
  if (!matchesSelector(sel, labels)) return undefined;
  const name = labels.app ?? labels['app.kubernetes.io/name'] ?? (formatSelector(sel) === '<none>' ? 'any' : formatSelector(sel));
  return { namespace, name: `(pods with ${name})`, kind: 'Pod', labels, ports: [], ips: [], source, namespaceWritten: true };
}

/**
 * spanAt for one of a workspace rule's file policies, in file offsets: its spans are relative to
 * its `base` (incremental analysis), the text is the whole file's.
 */
export function fileSpanAt(ctx: WorkspaceRuleContext, p: AnalyzedPolicy, path: string, which: 'value' | 'key' | 'head' = 'value'): Span {
  const spans = p.decoded?.spans;
  const shift = (s: Span): Span => ({ start: s.start + p.base, end: s.end + p.base });
  const head = (s: Span): Span => (ctx.text === undefined ? s : headSpan(ctx.text, s));
  const own = spans?.get(path);
  if (own) {
    if (which === 'key') return shift(own.key ?? own.value);
    if (own.value.start === own.value.end && own.key) return shift(own.key);
    if (which === 'head') return head(shift(own.key ?? own.value));
    return shift(own.value);
  }
  for (let q = parentPath(path); q; q = parentPath(q)) {
    const s = spans?.get(q);
    if (s) return s.key ? shift(s.key) : head(shift(s.value));
  }
  return shift(p.doc.anchor);
}
