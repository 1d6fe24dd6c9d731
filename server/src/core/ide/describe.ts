/**
 * `kubectl get networkpolicy` and `kubectl describe networkpolicy` for policies read from files,
 * in kubectl's own layout (pkg/describe and the table printer): what the user would see after
 * `kubectl apply`. The server applies defaults before it stores an object, so the describe text
 * shows the effective policyTypes. Files carry no creation time: AGE and "Created on" say so.
 * Every policy in the files is listed, including ones the API server would reject: the listing
 * mirrors the files; `netpol-lens check` reports the problems.
 */
import type { Workspace } from '../workspace';
import { effectivePolicyTypes } from '../semantics/compile';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../model/types';
import { decodeObject } from '../model/decode';
import { formatSelector } from '../semantics/selector';
import { alignTabs, DESCRIBE_TABS, escapeTerminal, TABLE_TABS } from './tabwriter';

export interface PolicyEntry {
  readonly name: string;
  readonly namespace: string;
  readonly file: string;
  /** Offset of the policy object in its file. */
  readonly offset: number;
  /** Whether the API server would accept it. */
  readonly valid: boolean;
  /** The object as decoded (fields that failed to decode are absent). */
  readonly value: NetworkPolicy;
}

/** Every NetworkPolicy object in the workspace, in file order. */
export function listPolicies(ws: Workspace): PolicyEntry[] {
  const out: PolicyEntry[] = [];
  for (const f of ws.files) {
    for (const p of f.analysis.policies) {
      const value: NetworkPolicy = p.decoded?.value ?? (p.doc.yaml.truncated ? {} : decodeObject<NetworkPolicy>(p.doc.node).value);
      out.push({
        name: value.metadata?.name ?? value.metadata?.generateName ?? '(unnamed)',
        namespace: value.metadata?.namespace || 'default',
        file: f.file,
        offset: p.base + p.doc.node.span.start,
        valid: p.valid,
        value,
      });
    }
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order the API server lists objects in: by namespace, then name (stable for duplicates). */
export function sortPolicies(entries: readonly PolicyEntry[]): PolicyEntry[] {
  return [...entries].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
}

export { effectivePolicyTypes } from '../semantics/compile';

/**
 * The table of `kubectl get networkpolicy`: NAME, POD-SELECTOR, AGE, with a leading NAMESPACE
 * column (as with `-A`) when `withNamespace` is set or the entries span several namespaces.
 * Rows are printed in the order given. Empty input gives an empty string (kubectl prints no header).
 */
export function renderPolicyTable(entries: readonly PolicyEntry[], opts: { readonly withNamespace?: boolean } = {}): string {
  if (entries.length === 0) return '';
  const withNs = opts.withNamespace ?? new Set(entries.map((e) => e.namespace)).size > 1;
  const rows: string[][] = [[...(withNs ? ['NAMESPACE'] : []), 'NAME', 'POD-SELECTOR', 'AGE']];
  for (const e of entries) rows.push([...(withNs ? [e.namespace] : []), e.name, formatSelector(e.value.spec?.podSelector ?? {}), '<unknown>']);
  return alignTabs(rows.map((r) => r.map(escapeTerminal).join('\t')).join('\n') + '\n', TABLE_TABS);
}

const SKIPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_ANNOTATION_BYTES = 140;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function byteLength(s: string): number {
  return utf8.encode(s).length;
}

function shorten(s: string, max: number): string {
  const bytes = utf8.encode(s);
  return bytes.length > max ? fromUtf8.decode(bytes.slice(0, max)) + '...' : s;
}

function sortedKeys(o: Readonly<Record<string, string>>): string[] {
  return Object.keys(o).sort(compare);
}

function labelLines(title: string, labels: Readonly<Record<string, string>> | undefined): string[] {
  const keys = sortedKeys(labels ?? {});
  if (keys.length === 0) return [`${title}:\t<none>`];
  return keys.map((k, i) => `${i === 0 ? `${title}:` : ''}\t${k}=${labels![k]}`);
}

function annotationLines(title: string, annotations: Readonly<Record<string, string>> | undefined): string[] {
  const keys = sortedKeys(annotations ?? {}).filter((k) => !SKIPPED_ANNOTATIONS.has(k));
  if (keys.length === 0) return [`${title}:\t<none>`];
  const out: string[] = [];
  keys.forEach((k, i) => {
    const lead = i === 0 ? `${title}:\t` : '\t';
    const value = annotations![k].endsWith('\n') ? annotations![k].slice(0, -1) : annotations![k];
    if (byteLength(value) + byteLength(k) + 2 > MAX_ANNOTATION_BYTES || value.includes('\n')) {
      out.push(`${lead}${k}:`);
      for (const part of value.split('\n')) out.push(`\t  ${shorten(part, MAX_ANNOTATION_BYTES - 2)}`);
    } else out.push(`${lead}${k}: ${value}`);
  });
  return out;
}

function present<T>(v: T | null | undefined): v is T {
  return v !== undefined && v !== null;
}

function portText(p: NetworkPolicyPort | null | undefined): string {
  const proto = p?.protocol ?? 'TCP';
  // An absent port prints as Go prints a nil *IntOrString.
  const port = present(p?.port) ? String(p!.port) : '<nil>';
  return present(p?.endPort) ? `To Port Range: ${port}-${p!.endPort}/${proto}` : `To Port: ${port}/${proto}`;
}

function peerLines(label: 'From' | 'To', peer: NetworkPolicyPeer | null | undefined, indent: string): string[] {
  const out = [`${indent}${label}:`];
  const ns = peer?.namespaceSelector;
  const pod = peer?.podSelector;
  const sel = (s: LabelSelector) => formatSelector(s);
  if (present(pod) && present(ns)) out.push(`${indent}  NamespaceSelector: ${sel(ns)}`, `${indent}  PodSelector: ${sel(pod)}`);
  else if (present(pod)) out.push(`${indent}  PodSelector: ${sel(pod)}`);
  else if (present(ns)) out.push(`${indent}  NamespaceSelector: ${sel(ns)}`);
  else if (present(peer?.ipBlock)) {
    out.push(`${indent}  IPBlock:`, `${indent}    CIDR: ${peer!.ipBlock!.cidr ?? ''}`, `${indent}    Except: ${(peer!.ipBlock!.except ?? []).join(', ')}`);
  }
  return out;
}

function ruleLines(direction: 'ingress' | 'egress', rules: readonly ({ ports?: NetworkPolicyPort[]; from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[] } | null | undefined)[], indent: string): string[] {
  if (rules.length === 0) return [`${indent}<none> (Selected pods are isolated for ${direction} connectivity)`];
  const label = direction === 'ingress' ? 'From' : 'To';
  const out: string[] = [];
  rules.forEach((rule, i) => {
    const ports = rule?.ports ?? [];
    if (ports.length === 0) out.push(`${indent}To Port: <any> (traffic allowed to all ports)`);
    else for (const p of ports) out.push(indent + portText(p));
    const peers = (direction === 'ingress' ? rule?.from : rule?.to) ?? [];
    if (peers.length === 0) out.push(`${indent}${label}: <any> (traffic not restricted by ${direction === 'ingress' ? 'source' : 'destination'})`);
    else for (const peer of peers) out.push(...peerLines(label, peer, indent));
    if (i !== rules.length - 1) out.push(`${indent}----------`);
  });
  return out;
}

/** The text of `kubectl describe networkpolicy NAME` for one policy (ends with a newline). */
export function describePolicy(e: PolicyEntry): string {
  const v = e.value;
  const spec = v.spec ?? {};
  const types = effectivePolicyTypes(v);
  const podSelector = spec.podSelector ?? {};
  const lines: string[] = [
    `Name:\t${e.name}`,
    `Namespace:\t${e.namespace}`,
    'Created on:\t<unknown> (from file)',
    ...labelLines('Labels', v.metadata?.labels),
    ...annotationLines('Annotations', v.metadata?.annotations),
    'Spec:',
    `  PodSelector:     ${formatSelector(podSelector) === '<none>' ? '<none> (Allowing the specific traffic to all pods in this namespace)' : formatSelector(podSelector)}`,
  ];
  if (types.includes('Ingress')) lines.push('  Allowing ingress traffic:', ...ruleLines('ingress', spec.ingress ?? [], '    '));
  else lines.push('  Not affecting ingress traffic');
  if (types.includes('Egress')) lines.push('  Allowing egress traffic:', ...ruleLines('egress', spec.egress ?? [], '    '));
  else lines.push('  Not affecting egress traffic');
  lines.push(`  Policy Types: ${types.length > 0 ? types.join(', ') : '<none>'}`);
  return alignTabs(lines.map(escapeTerminal).join('\n') + '\n', DESCRIBE_TABS);
}

/** Several policies as `kubectl describe networkpolicy` prints a list of them. */
export function describePolicies(entries: readonly PolicyEntry[]): string {
  return entries.map(describePolicy).join('\n\n');
}

/**
 * The policies `kubectl describe networkpolicy NAME` would show: the ones named exactly NAME or,
 * when there is none, kubectl's fallback: every policy whose name starts with NAME.
 */
export function findPolicies(entries: readonly PolicyEntry[], name: string): { readonly matches: PolicyEntry[]; readonly byPrefix: boolean } {
  const exact = entries.filter((e) => e.name === name);
  if (exact.length > 0) return { matches: exact, byPrefix: false };
  return { matches: name ? entries.filter((e) => e.name.startsWith(name)) : [], byPrefix: true };
}

/** kubectl's output for the prefix fallback: each description followed by an empty line. */
export function describeByPrefix(entries: readonly PolicyEntry[]): string {
  return entries.map((e) => describePolicy(e) + '\n').join('');
}
