/**
 * Finds the NetworkPolicy objects in parsed YAML documents: a document whose kind is
 * NetworkPolicy, or the items of a `kind: List` or of any typed list (`NetworkPolicyList`,
 * `PodList`, …: as `kubectl get -o yaml` and the API write them). NetworkPolicy kinds of other
 * API groups (Calico's projectcalico.org) are not ours and are left alone, as is every other kind.
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

function asPolicy(node: YNode | undefined, item?: ListItemDefaults): PolicyObject | undefined {
  if (!node || node.kind !== 'map') return undefined;
  const kindEntry = getEntry(node, 'kind');
  const apiEntry = getEntry(node, 'apiVersion');
  // Like apimachinery's decodeToList: an item of a typed list (PodList, NetworkPolicyList) with
  // neither kind nor apiVersion is of the list's item kind and version. A NetworkPolicyList's
  // items default each one on its own (they are policies whatever else they say).
  const policyList = item?.kind === 'NetworkPolicy';
  const defaulted = policyList || (!kindEntry && !apiEntry);
  const kind = kindEntry ? scalarString(kindEntry.value) : defaulted ? item?.kind : undefined;
  if (kind !== 'NetworkPolicy') return undefined;
  const apiVersion = apiEntry ? scalarString(apiEntry.value) : defaulted ? item?.apiVersion ?? (policyList ? 'networking.k8s.io/v1' : undefined) : undefined;
  if (!isOurs(apiVersion)) return undefined;
  const anchor = kindEntry?.value?.span ?? kindEntry?.keySpan ?? { start: node.span.start, end: node.span.start };
  return { node, apiVersion, anchor };
}

/** What an item of a list defaults to when it names neither its kind nor its apiVersion. */
export interface ListItemDefaults {
  readonly kind: string | undefined;
  readonly apiVersion: string | undefined;
}

/**
 * Whether `kind` is a list kubectl reads item by item: `List`, and every typed list (`PodList`,
 * `NetworkPolicyList`, `DeploymentList`, …), as `kubectl get -o yaml` and the API return them.
 * Returns the defaults of its items (the kind without `List`), or undefined when it is no list.
 */
export function listKind(kind: string | undefined, apiVersion: string | undefined): ListItemDefaults | undefined {
  if (kind === 'List') return { kind: undefined, apiVersion: undefined };
  if (kind && kind.length > 4 && kind.endsWith('List')) return { kind: kind.slice(0, -4), apiVersion };
  return undefined;
}

export function findPolicies(doc: YDocument): PolicyObject[] {
  const root = doc.root;
  const direct = asPolicy(root);
  if (direct) return [direct];
  if (root?.kind !== 'map') return [];
  const list = listKind(scalarString(getEntry(root, 'kind')?.value), scalarString(getEntry(root, 'apiVersion')?.value));
  if (!list) return [];
  const items = getEntry(root, 'items')?.value;
  if (items?.kind !== 'seq') return [];
  const out: PolicyObject[] = [];
  for (const item of items.items) {
    const p = asPolicy(item, list);
    if (p) out.push(p);
  }
  return out;
}
