/**
 * The workspace's inventory: Namespaces (with their labels, plus kubernetes.io/metadata.name that
 * the API server always sets), Pods, and workloads read as the pods they create (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob: their pod template's
 * labels and container ports). `kind: List` items count too. Pod IPs come from status.podIP /
 * status.podIPs when present (as in `kubectl get pods -o yaml`).
 */
import type { Span } from '../text';
import { getEntry } from '../syntax/tree';
import type { YDocument, YNode } from '../syntax/tree';
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

const INVENTORY_KINDS = new Set(['List', 'Namespace', 'Pod', ...Object.keys(WORKLOADS)]);

function fromObject(node: YNode, file: string, pods: PodInfo[], namespaces: NamespaceInfo[]): void {
  if (node.kind !== 'map') return;
  const kindNode = getEntry(node, 'kind')?.value;
  if (kindNode?.kind !== 'scalar' || kindNode.value.type !== 'string' || !INVENTORY_KINDS.has(kindNode.value.value)) return;
  const obj = asObject(toPlain(node));
  if (!obj) return;
  const kind = asString(obj.kind);
  const meta = asObject(obj.metadata);
  const name = asString(meta?.name) ?? '';
  const source: SourceRef = { file, span: node.span };
  if (kind === 'List') {
    const items = node.entries.find((e) => e.key === 'items')?.value;
    if (items?.kind === 'seq') for (const item of items.items) fromObject(item, file, pods, namespaces);
    return;
  }
  if (kind === 'Namespace' && name) {
    namespaces.push({ name, labels: { ...asLabels(meta?.labels), 'kubernetes.io/metadata.name': name }, source });
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
  const tpl = kind && WORKLOADS[kind] ? asObject(WORKLOADS[kind](asObject(obj.spec) ?? {})) : undefined;
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
  for (const d of docs) if (d.root && !d.truncated) fromObject(d.root, file, pods, namespaces);
  return { pods, namespaces };
}

export function mergeInventories(parts: readonly Inventory[]): Inventory {
  return { pods: parts.flatMap((p) => p.pods), namespaces: parts.flatMap((p) => p.namespaces) };
}
