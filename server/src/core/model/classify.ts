/**
 * Finds the NetworkPolicy objects in parsed YAML documents: a document whose kind is
 * NetworkPolicy, or the items of a `kind: List` / `NetworkPolicyList` (as `kubectl get -o yaml`
 * writes them). NetworkPolicy kinds of other API groups (Calico's projectcalico.org) are not ours
 * and are left alone, as is every other kind.
 */
import type { Span } from '../text';
import { YDocument, YMap, YNode, getEntry, scalarString } from '../syntax/tree';

export interface PolicyObject {
  readonly node: YMap;
  readonly apiVersion: string | undefined;
  readonly anchor: Span;
}

/**
 * Ours: networking.k8s.io (any version), extensions (the removed beta), and group-less versions
 * (`v1`: a typo the user meant for us). Other groups' NetworkPolicy kinds (Calico's
 * projectcalico.org) are not.
 */
function isOurs(apiVersion: string | undefined): boolean {
  if (apiVersion === undefined || !apiVersion.includes('/')) return true;
  const group = apiVersion.slice(0, apiVersion.indexOf('/'));
  return group === 'networking.k8s.io' || group === 'extensions';
}

function asPolicy(node: YNode | undefined, defaultKind?: string): PolicyObject | undefined {
  if (!node || node.kind !== 'map') return undefined;
  const kindEntry = getEntry(node, 'kind');
  const kind = scalarString(kindEntry?.value) ?? (kindEntry ? undefined : defaultKind);
  if (kind !== 'NetworkPolicy') return undefined;
  const apiVersion = scalarString(getEntry(node, 'apiVersion')?.value) ?? (defaultKind ? 'networking.k8s.io/v1' : undefined);
  if (!isOurs(apiVersion)) return undefined;
  const anchor = kindEntry?.value?.span ?? kindEntry?.keySpan ?? { start: node.span.start, end: node.span.start };
  return { node, apiVersion, anchor };
}

export function findPolicies(doc: YDocument): PolicyObject[] {
  const root = doc.root;
  const direct = asPolicy(root);
  if (direct) return [direct];
  if (root?.kind !== 'map') return [];
  const kind = scalarString(getEntry(root, 'kind')?.value);
  if (kind !== 'List' && kind !== 'NetworkPolicyList') return [];
  const items = getEntry(root, 'items')?.value;
  if (items?.kind !== 'seq') return [];
  const out: PolicyObject[] = [];
  for (const item of items.items) {
    const p = asPolicy(item, kind === 'NetworkPolicyList' ? 'NetworkPolicy' : undefined);
    if (p) out.push(p);
  }
  return out;
}
