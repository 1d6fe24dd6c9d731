/**
 * Compiles NetworkPolicy objects into the form the evaluator reads, with the API server's
 * defaults applied explicitly and provenance (file, spans) kept:
 *   - protocol defaults to TCP;
 *   - policyTypes, when empty, defaults to [Ingress], plus Egress only when spec.egress has at
 *     least one rule (so `egress: []` alone does not isolate egress);
 *   - a rule's missing or empty `from`/`to` means every peer, a missing or empty `ports` every port;
 *   - a policy without metadata.namespace is taken to live in "default".
 * Policies the API server would reject are kept aside as "not applied" with the reason.
 */
import type { AnalyzedPolicy } from '../model/analyzed';
import type { IPBlock, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../model/types';
import type { Span } from '../text';
import { Cidr, parseCidr } from './cidr';
import { asObject, asString, toPlain } from '../model/plain';
import { getLocale, t } from '../l10n';

export interface PolicyRef {
  readonly name: string;
  readonly namespace: string;
  readonly file: string;
  /** The policy object's span in its file. */
  readonly span: Span;
}

export interface CompiledPort {
  readonly index: number;
  readonly protocol: string;
  readonly protocolDefaulted: boolean;
  /** Undefined: every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
  readonly span: Span;
}

export interface CompiledIPBlock {
  readonly cidrText: string;
  readonly cidr: Cidr;
  readonly except: readonly { readonly text: string; readonly cidr: Cidr }[];
}

export interface CompiledPeer {
  readonly index: number;
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: CompiledIPBlock;
  readonly span: Span;
}

export interface CompiledRule {
  readonly index: number;
  /** Undefined: every peer (from/to absent or empty). */
  readonly peers?: readonly CompiledPeer[];
  /** Undefined: every port (ports absent or empty). */
  readonly ports?: readonly CompiledPort[];
  readonly span: Span;
}

export interface CompiledPolicy {
  readonly ref: PolicyRef;
  readonly namespaceWritten: boolean;
  readonly podSelector: LabelSelector;
  readonly podSelectorSpan: Span;
  readonly isolatesIngress: boolean;
  readonly isolatesEgress: boolean;
  /** Whether policyTypes was written (else it is the API default). */
  readonly policyTypesWritten: boolean;
  readonly ingress: readonly CompiledRule[];
  readonly egress: readonly CompiledRule[];
  readonly value: NetworkPolicy;
}

export interface RejectedPolicy {
  readonly ref: PolicyRef;
  readonly reason: string;
  /**
   * What it would select were it accepted (when its spec could be decoded): for explanations
   * only ("selects it but is not applied"), never for a verdict.
   */
  readonly intended?: { readonly podSelector: LabelSelector; readonly types: readonly string[] };
}

export interface CompiledPolicies {
  readonly policies: readonly CompiledPolicy[];
  readonly rejected: readonly RejectedPolicy[];
}

function compileIPBlock(b: IPBlock): CompiledIPBlock | undefined {
  const cidr = b.cidr ? parseCidr(b.cidr) : undefined;
  if (!cidr || !b.cidr) return undefined;
  const except = (b.except ?? []).flatMap((t) => {
    const c = parseCidr(t);
    return c ? [{ text: t, cidr: c }] : [];
  });
  return { cidrText: b.cidr, cidr, except };
}

/**
 * policyTypes as the API server stores them (SetDefaults_NetworkPolicy): as written when written;
 * otherwise Ingress, plus Egress when spec.egress has at least one rule.
 */
export function effectivePolicyTypes(value: NetworkPolicy): string[] {
  const written = value.spec?.policyTypes;
  if (written && written.length > 0) return [...written];
  return (value.spec?.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

export function compilePolicy(p: AnalyzedPolicy, file: string): CompiledPolicy | RejectedPolicy {
  const v: NetworkPolicy = p.decoded?.value ?? {};
  const spans = p.decoded?.spans;
  const shift = (sp: Span): Span => (p.base ? { start: sp.start + p.base, end: sp.end + p.base } : sp);
  const at = (path: string): Span => shift(spans?.get(path)?.value ?? p.doc.node.span);
  // An object we could not decode (an unserved apiVersion) still has a name and namespace to show.
  const rawMeta = p.decoded ? undefined : asObject(asObject(toPlain(p.doc.node))?.metadata);
  const namespace = v.metadata?.namespace || asString(rawMeta?.namespace) || 'default';
  const name = v.metadata?.name ?? v.metadata?.generateName ?? asString(rawMeta?.name) ?? asString(rawMeta?.generateName) ?? '(unnamed)';
  const ref: PolicyRef = { name, namespace, file, span: shift(p.doc.node.span) };
  if (!p.valid || !p.decoded) {
    const intended = p.decoded && (!v.spec?.podSelector || typeof v.spec.podSelector === 'object') ? { podSelector: v.spec?.podSelector ?? {}, types: effectivePolicyTypes(v) } : undefined;
    return { ref, reason: t('the API server would reject this policy (see its errors), so it is not applied'), ...(intended ? { intended } : {}) };
  }
  const spec = v.spec ?? {};
  const explicit = spec.policyTypes && spec.policyTypes.length > 0 ? spec.policyTypes : undefined;
  const egressRules = spec.egress ?? [];
  const types = effectivePolicyTypes(v);
  const isolatesIngress = types.includes('Ingress');
  const isolatesEgress = types.includes('Egress');
  const ports = (list: NetworkPolicyPort[] | undefined, base: string): CompiledPort[] | undefined =>
    list && list.length > 0
      ? list.map((pt, j) => ({ index: j, protocol: pt?.protocol ?? 'TCP', protocolDefaulted: pt?.protocol === undefined, port: pt?.port, endPort: pt?.endPort, span: at(`${base}.ports[${j}]`) }))
      : undefined;
  const peers = (list: NetworkPolicyPeer[] | undefined, base: string): CompiledPeer[] | undefined =>
    list && list.length > 0
      ? list.map((peer, j) => ({
          index: j,
          podSelector: peer?.podSelector,
          namespaceSelector: peer?.namespaceSelector,
          ipBlock: peer?.ipBlock ? compileIPBlock(peer.ipBlock) : undefined,
          span: at(`${base}[${j}]`),
        }))
      : undefined;
  return {
    ref,
    namespaceWritten: !!v.metadata?.namespace,
    podSelector: spec.podSelector ?? {},
    podSelectorSpan: at('spec.podSelector'),
    isolatesIngress,
    isolatesEgress,
    policyTypesWritten: !!explicit,
    ingress: (spec.ingress ?? []).map((r, i) => ({ index: i, peers: peers(r?.from, `spec.ingress[${i}].from`), ports: ports(r?.ports, `spec.ingress[${i}]`), span: at(`spec.ingress[${i}]`) })),
    egress: egressRules.map((r, i) => ({ index: i, peers: peers(r?.to, `spec.egress[${i}].to`), ports: ports(r?.ports, `spec.egress[${i}]`), span: at(`spec.egress[${i}]`) })),
    value: v,
  };
}

/**
 * Memo: the compiled form of an analysed policy (immutable, a pure function of the policy object,
 * its file and the locale of the rejection reason). The language server rebuilds the World after
 * every edit from mostly the same policy objects (incremental analysis keeps unchanged documents'
 * objects), so a rebuild compiles only what changed.
 */
const COMPILED = new WeakMap<AnalyzedPolicy, { readonly file: string; readonly locale: string; readonly result: CompiledPolicy | RejectedPolicy }>();

/** `compilePolicy`, memoised per policy object (see COMPILED). */
export function compileOnce(policy: AnalyzedPolicy, file: string): CompiledPolicy | RejectedPolicy {
  const locale = getLocale();
  const hit = COMPILED.get(policy);
  if (hit && hit.file === file && hit.locale === locale) return hit.result;
  const result = compilePolicy(policy, file);
  COMPILED.set(policy, { file, locale, result });
  return result;
}

export function compilePolicies(list: readonly { readonly policy: AnalyzedPolicy; readonly file: string }[]): CompiledPolicies {
  const policies: CompiledPolicy[] = [];
  const rejected: RejectedPolicy[] = [];
  for (const { policy, file } of list) {
    const c = compileOnce(policy, file);
    if ('reason' in c) rejected.push(c);
    else policies.push(c);
  }
  return { policies, rejected };
}
