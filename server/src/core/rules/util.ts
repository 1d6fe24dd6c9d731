/** Small helpers the rule files share: finding a span for a field path, walking selectors and peers. */
import type { Span } from '../text';
import type { RuleContext } from './rule';
import type { LabelSelector, NetworkPolicyPeer, NetworkPolicyPort } from '../model/types';

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
