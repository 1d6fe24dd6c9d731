/**
 * The workspace's inventory: Namespaces (with their labels, plus kubernetes.io/metadata.name that
 * the API server always sets), Pods, and workloads read as the pods they create (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob: their pod template's
 * labels and container ports). Items of `kind: List` and of typed lists (`PodList`,
 * `DeploymentList`, …) count too. Pod IPs come from status.podIP / status.podIPs when present
 * (as in `kubectl get pods -o yaml`). An object kubectl would refuse because YAML read one of
 * its string fields as a boolean or number (`namespace: yes`) is left out: it is never applied.
 */
import type { Span } from '../text';
import { getEntry, scalarString } from '../syntax/tree';
import type { YDocument, YMap, YNode, YScalar } from '../syntax/tree';
import { tPair } from '../l10n';
import type { Localized } from '../l10n';
import { listKind } from './classify';
import type { ListItemDefaults } from './classify';
import { parseIPSloppy } from '../semantics/cidr';
import { asArray, asLabels, asObject, asString, Plain, toPlain } from './plain';

export interface SourceRef {
  /** Whatever the caller uses to name the file (a URI or a path). */
  readonly file: string;
  readonly span: Span;
}

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
}

export type PodKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'ReplicationController' | 'Job' | 'CronJob';

export interface PodInfo {
  readonly namespace: string;
  /** The Pod's name, or the workload's name for the pods it creates. */
  readonly name: string;
  readonly kind: PodKind;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly ContainerPort[];
  /** Known pod IPs as bytes (4 or 16), from status. */
  readonly ips: readonly (readonly number[])[];
  readonly source: SourceRef;
  /** Whether metadata.namespace was written (otherwise "default" is assumed). */
  readonly namespaceWritten: boolean;
}

export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly source?: SourceRef;
}

export interface Inventory {
  readonly pods: readonly PodInfo[];
  readonly namespaces: readonly NamespaceInfo[];
}

const WORKLOADS: Record<string, (spec: { [k: string]: Plain }) => Plain | undefined> = {
  Deployment: (s) => s.template,
  StatefulSet: (s) => s.template,
  DaemonSet: (s) => s.template,
  ReplicaSet: (s) => s.template,
  ReplicationController: (s) => s.template,
  Job: (s) => s.template,
  CronJob: (s) => asObject(asObject(s.jobTemplate)?.spec)?.template,
};

function containerPorts(podSpec: { [k: string]: Plain } | undefined): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const list of [podSpec?.containers, podSpec?.initContainers]) {
    for (const c of asArray(list)) {
      for (const p of asArray(asObject(c)?.ports)) {
        const o = asObject(p);
        const port = o?.containerPort;
        if (typeof port !== 'number') continue;
        out.push({ name: asString(o?.name), port, protocol: asString(o?.protocol) ?? 'TCP' });
      }
    }
  }
  return out;
}

function podIPs(status: { [k: string]: Plain } | undefined): number[][] {
  const texts = new Set<string>();
  const single = asString(status?.podIP);
  if (single) texts.add(single);
  for (const e of asArray(status?.podIPs)) {
    const ip = asString(asObject(e)?.ip);
    if (ip) texts.add(ip);
  }
  const out: number[][] = [];
  for (const t of texts) {
    const ip = parseIPSloppy(t);
    if (ip) out.push(ip.family === 6 && ip.bytes.slice(0, 12).every((b, i) => b === (i < 10 ? 0 : 0xff)) ? ip.bytes.slice(12) : ip.bytes);
  }
  return out;
}

const INVENTORY_KINDS = new Set(['Namespace', 'Pod', ...Object.keys(WORKLOADS)]);

/** Where a workload keeps its pod template (CronJob: inside its jobTemplate). */
const TEMPLATE_PATH: Record<string, readonly string[]> = {
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/**
 * A string field of an inventory object that YAML read as something else (`namespace: yes`,
 * `name: 1.10`, a label `app: on`): kubectl (and the API server) refuse the whole object.
 */
export interface InventoryTypeError {
  /** The object's kind (Pod, Deployment, Namespace, …). */
  readonly kind: string;
  /** The field path kubectl names (metadata.namespace, spec.template.metadata.labels). */
  readonly path: string;
  readonly span: Span;
  /** The value as written, and what YAML made of it. */
  readonly text: string;
  readonly resolvedAs: 'bool' | 'int' | 'float';
  /** Whether it was written plain (a quote fixes it) rather than as a flow collection or tag. */
  readonly plain: boolean;
  /** Go's decoder message, in kubectl's English and the current locale. */
  readonly detail: Localized;
}

function nonString(node: YNode | undefined): node is YScalar & { value: { type: 'bool' | 'int' | 'float' } } {
  return node?.kind === 'scalar' && (node.value.type === 'bool' || node.value.type === 'int' || node.value.type === 'float');
}

function metadataTypeErrors(kind: string, meta: YNode | undefined, prefix: string, own: boolean, out: InventoryTypeError[]): void {
  if (meta?.kind !== 'map') return;
  const push = (path: string, node: YScalar & { value: { type: 'bool' | 'int' | 'float' } }): void => {
    const got = node.value.type === 'bool' ? 'bool' : 'number';
    out.push({
      kind,
      path,
      span: node.span,
      text: node.text,
      resolvedAs: node.value.type,
      plain: node.style === 'plain',
      detail: tPair('json: cannot unmarshal {0} into {1}', got, tPair('Go struct field {0} of type {1}', `ObjectMeta.${path}`, 'string')),
    });
  };
  for (const e of meta.entries) {
    if (own && (e.key === 'name' || e.key === 'namespace' || e.key === 'generateName') && nonString(e.value)) push(`${prefix}.${e.key}`, e.value);
    if (e.key === 'labels' && e.value?.kind === 'map') {
      for (const l of e.value.entries) if (nonString(l.value)) push(`${prefix}.labels`, l.value);
    }
  }
}

/** The type errors that make kubectl refuse an inventory object (its metadata and its pod template's). */
export function inventoryTypeErrors(node: YNode, kind: string): InventoryTypeError[] {
  const out: InventoryTypeError[] = [];
  if (node.kind !== 'map') return out;
  metadataTypeErrors(kind, getEntry(node, 'metadata')?.value, 'metadata', true, out);
  if (WORKLOADS[kind]) {
    const path = TEMPLATE_PATH[kind] ?? ['spec', 'template'];
    let tpl: YNode | undefined = node;
    for (const k of path) tpl = getEntry(tpl, k)?.value;
    metadataTypeErrors(kind, getEntry(tpl, 'metadata')?.value, `${path.join('.')}.metadata`, false, out);
  }
  return out;
}

/**
 * Every Namespace, Pod and workload object of a document with its kind: the document itself, or
 * the items of a `List` or of a typed list (`PodList`, `DeploymentList`, …; an item naming
 * neither kind nor apiVersion is of the list's item kind, as apimachinery decodes it).
 */
export function inventoryObjects(root: YNode | undefined, visit: (node: YMap, kind: string) => void, defaults?: ListItemDefaults, depth = 0): void {
  if (root?.kind !== 'map' || depth > 8) return;
  const kindEntry = getEntry(root, 'kind');
  const kindNode = kindEntry?.value;
  let kind = kindNode?.kind === 'scalar' && kindNode.value.type === 'string' ? kindNode.value.value : undefined;
  if (!kindEntry && !getEntry(root, 'apiVersion') && defaults?.kind) kind = defaults.kind;
  if (kind === undefined) return;
  const list = listKind(kind, scalarString(getEntry(root, 'apiVersion')?.value));
  if (list) {
    const items = getEntry(root, 'items')?.value;
    if (items?.kind === 'seq') for (const item of items.items) inventoryObjects(item, visit, list, depth + 1);
    return;
  }
  if (INVENTORY_KINDS.has(kind)) visit(root, kind);
}

function fromObject(node: YMap, kind: string, file: string, pods: PodInfo[], namespaces: NamespaceInfo[]): void {
  // kubectl refuses the object (NP103 in analyze.ts says so): it never reaches the cluster.
  if (inventoryTypeErrors(node, kind).length > 0) return;
  const obj = asObject(toPlain(node));
  if (!obj) return;
  const meta = asObject(obj.metadata);
  if (obj.metadata !== undefined && obj.metadata !== null && !meta) return; // `metadata: 5`: not an object kubectl can read
  const name = asString(meta?.name) ?? '';
  const source: SourceRef = { file, span: node.span };
  if (kind === 'Namespace') {
    if (name) namespaces.push({ name, labels: { ...asLabels(meta?.labels), 'kubernetes.io/metadata.name': name }, source });
    return;
  }
  const ns = asString(meta?.namespace);
  if (kind === 'Pod') {
    pods.push({
      namespace: ns || 'default',
      name,
      kind,
      labels: asLabels(meta?.labels),
      ports: containerPorts(asObject(obj.spec)),
      ips: podIPs(asObject(obj.status)),
      source,
      namespaceWritten: !!ns,
    });
    return;
  }
  const tpl = WORKLOADS[kind] ? asObject(WORKLOADS[kind](asObject(obj.spec) ?? {})) : undefined;
  if (!tpl) return;
  pods.push({
    namespace: ns || 'default',
    name,
    kind: kind as PodKind,
    labels: asLabels(asObject(tpl.metadata)?.labels),
    ports: containerPorts(asObject(tpl.spec)),
    ips: [],
    source,
    namespaceWritten: !!ns,
  });
}

/** Reads Namespaces, Pods and workloads from one file's parsed documents. */
export function extractInventory(docs: readonly YDocument[], file: string): Inventory {
  const pods: PodInfo[] = [];
  const namespaces: NamespaceInfo[] = [];
  for (const d of docs) if (d.root && !d.truncated) inventoryObjects(d.root, (node, kind) => fromObject(node, kind, file, pods, namespaces));
  return { pods, namespaces };
}

export function mergeInventories(parts: readonly Inventory[]): Inventory {
  return { pods: parts.flatMap((p) => p.pods), namespaces: parts.flatMap((p) => p.namespaces) };
}
