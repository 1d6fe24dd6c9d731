/**
 * What the reachability view shows of the model, given the user's choices (collapsed namespaces,
 * filter, focus, external/DNS shown): plain data, no DOM, so it is tested in node
 * (test/core/reachView.test.ts). It decides visibility and grouping only; every verdict (which
 * edge exists, with which ports) is the server's.
 */
import type { PortSpan, ReachEdge, ReachabilityModel, ReachNode } from '../../../server/src/core/ide/reachModel';

export interface ViewState {
  /** Namespaces drawn as one node. */
  readonly collapsed: ReadonlySet<string>;
  readonly filter: string;
  /** A node id: show it and its neighbours only (nothing collapsed). */
  readonly focus?: string;
  readonly showExternal: boolean;
  readonly showDns: boolean;
  /** Namespaces the picker hides (the page of `matrix --format html`, which cannot ask the server again). */
  readonly hiddenNamespaces?: ReadonlySet<string>;
}

export interface VNode {
  readonly id: string;
  readonly kind: 'pods' | 'external' | 'namespace';
  readonly label: string;
  /** Pods' namespace (for a collapsed namespace: its name). */
  readonly namespace?: string;
  /** The model's node (absent for a collapsed namespace). */
  readonly node?: ReachNode;
  /** A collapsed namespace: how many model nodes and pods it stands for. */
  readonly count?: number;
  readonly pods?: number;
}

export interface VEdge {
  /** Model edge id, or `from->to` of view node ids for several edges drawn as one. */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly label: string;
  /** The model's edges drawn by this one (one unless namespaces are collapsed). */
  readonly edges: readonly ReachEdge[];
  /** Added, or its ports changed, since the baseline. */
  readonly changed: boolean;
  /** In the baseline, not in the model any more (drawn dashed). */
  readonly removed: boolean;
}

export interface GraphView {
  /** Expanded namespaces with their visible nodes (in model order). */
  readonly groups: readonly { readonly namespace: string; readonly nodes: readonly VNode[] }[];
  /** Collapsed namespaces and external ranges. */
  readonly top: readonly VNode[];
  readonly edges: readonly VEdge[];
  readonly nodeCount: number;
}

/** What an edge was when the panel opened: to tell what changed since (a Map, or `baselineOf`). */
export interface Baseline {
  get(id: string): { readonly from: string; readonly to: string; readonly label: string } | undefined;
  keys(): Iterable<string>;
}

/** The model each `baselineOf` baseline was taken from (models are never changed once received). */
const baselineSource = new WeakMap<Baseline, ReachabilityModel>();

/** The baseline of `model`, built on first use: a model compared with its own baseline has no change, at no cost. */
export function baselineOf(model: ReachabilityModel): Baseline {
  let map: Map<string, { from: string; to: string; label: string }> | undefined;
  const edges = () => (map ??= new Map(model.edges.map((e) => [e.id, { from: e.from, to: e.to, label: e.label }])));
  const b: Baseline = { get: (id) => edges().get(id), keys: () => edges().keys() };
  baselineSource.set(b, model);
  return b;
}

/** Edges added or relabelled, and edge ids removed, since `baseline`. */
export function changesSince(model: ReachabilityModel, baseline: Baseline): { changed: Set<string>; removed: string[] } {
  if (baselineSource.get(baseline) === model) return { changed: new Set(), removed: [] };
  const changed = new Set<string>();
  const present = new Set<string>();
  for (const e of model.edges) {
    present.add(e.id);
    if (baseline.get(e.id)?.label !== e.label) changed.add(e.id);
  }
  const removed = [...baseline.keys()].filter((id) => !present.has(id));
  return { changed, removed };
}

/** Whether `n` matches the filter text (label, members, namespace, ranges; case-insensitive). */
export function matches(n: ReachNode, needle: string): boolean {
  if (!needle) return true;
  const hay = [n.label, n.namespace ?? '', ...n.members, ...(n.cidrs ?? [])].join('\n').toLowerCase();
  return hay.includes(needle);
}

/**
 * The model nodes to show: those matching the filter (or the focus), with their neighbours, less
 * the external ranges and kube-dns when hidden. The focus and filter win over hiding.
 */
export function visibleNodes(model: ReachabilityModel, state: ViewState): ReachNode[] {
  const needle = state.filter.trim().toLowerCase();
  const hidden = state.hiddenNamespaces;
  const inView = (n: ReachNode) => !hidden || n.namespace === undefined || !hidden.has(n.namespace);
  const shown = (n: ReachNode) => (state.showExternal || n.kind !== 'external') && (state.showDns || !n.isDns);
  let seeds: Set<string> | undefined;
  if (state.focus && model.nodes.some((n) => n.id === state.focus)) seeds = new Set([state.focus]);
  else if (needle) seeds = new Set(model.nodes.filter((n) => inView(n) && matches(n, needle)).map((n) => n.id));
  if (!seeds) return model.nodes.filter((n) => inView(n) && shown(n));
  const keep = new Set(seeds);
  for (const e of model.edges) {
    if (seeds.has(e.from)) keep.add(e.to);
    if (seeds.has(e.to)) keep.add(e.from);
  }
  return model.nodes.filter((n) => keep.has(n.id) && (seeds!.has(n.id) || (inView(n) && shown(n))));
}

export interface NamespaceChoice {
  readonly name: string;
  /** Its nodes are in the model (else: left out past the edge limit, or not asked for). */
  readonly inModel: boolean;
  /** Left out by the server past its edge limit. */
  readonly omitted: boolean;
  /** Shown now: in the model and not hidden. */
  readonly shown: boolean;
}

/**
 * What the namespace picker offers: every namespace of the workspace (`allNamespaces`; from an
 * older server, the model's and the omitted ones), in name order, with whether it is shown.
 */
export function namespaceChoices(model: ReachabilityModel, hidden: ReadonlySet<string> = new Set()): NamespaceChoice[] {
  const inModel = new Set(model.namespaces.map((n) => n.name));
  const omitted = new Set(model.omittedNamespaces ?? []);
  const all = model.allNamespaces ?? [...new Set([...inModel, ...omitted])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return all.map((name) => ({ name, inModel: inModel.has(name), omitted: omitted.has(name), shown: inModel.has(name) && !hidden.has(name) }));
}

/**
 * The picker applied: what to ask the server for (`ask`: the chosen namespaces, when some chosen
 * one is not in the model; undefined when the model already holds every chosen one), and the
 * model's namespaces to hide meanwhile.
 */
export function applyNamespaceChoice(model: ReachabilityModel, chosen: ReadonlySet<string>): { ask?: string[]; hidden: Set<string> } {
  const choices = namespaceChoices(model);
  const hidden = new Set(choices.filter((c) => c.inModel && !chosen.has(c.name)).map((c) => c.name));
  const missing = choices.some((c) => !c.inModel && chosen.has(c.name));
  return { ...(missing ? { ask: choices.filter((c) => chosen.has(c.name)).map((c) => c.name) } : {}), hidden };
}

/** The key in `ViewState.collapsed` that draws every external range as one node. */
export const EXTERNAL_GROUP = '*external*';

function nsNodeId(ns: string): string {
  return ns === EXTERNAL_GROUP ? 'external:*' : `ns:${ns}`;
}

/** The graph to draw: namespaces expanded or collapsed, edges between what is drawn. */
export function graphView(model: ReachabilityModel, state: ViewState, baseline: Baseline, strings: (key: string) => string): GraphView {
  const visible = visibleNodes(model, state);
  const collapsed = state.focus ? new Set<string>() : state.collapsed;
  const drawnAs = new Map<string, string>();
  const groups = new Map<string, VNode[]>();
  const top: VNode[] = [];
  const nsNodes = new Map<string, { count: number; pods: number }>();
  for (const n of visible) {
    const key = n.kind === 'external' ? EXTERNAL_GROUP : n.namespace;
    if (key !== undefined && collapsed.has(key)) {
      const c = nsNodes.get(key) ?? { count: 0, pods: 0 };
      c.count++;
      c.pods += n.members.length;
      nsNodes.set(key, c);
      drawnAs.set(n.id, nsNodeId(key));
      continue;
    }
    drawnAs.set(n.id, n.id);
    const v: VNode = { id: n.id, kind: n.kind, label: n.label, namespace: n.namespace, node: n };
    if (n.kind === 'pods' && n.namespace !== undefined) {
      const list = groups.get(n.namespace) ?? [];
      list.push(v);
      groups.set(n.namespace, list);
    } else top.push(v);
  }
  for (const [ns, c] of nsNodes) {
    const label = ns === EXTERNAL_GROUP ? strings('External addresses') : ns;
    top.unshift({ id: nsNodeId(ns), kind: 'namespace', label, namespace: ns, count: c.count, pods: c.pods });
  }
  const { changed, removed } = changesSince(model, baseline);
  const byPair = new Map<string, { from: string; to: string; edges: ReachEdge[]; changed: boolean }>();
  for (const e of model.edges) {
    const from = drawnAs.get(e.from);
    const to = drawnAs.get(e.to);
    if (from === undefined || to === undefined) continue;
    const key = `${from}->${to}`;
    const agg = byPair.get(key) ?? { from, to, edges: [], changed: false };
    agg.edges.push(e);
    agg.changed ||= changed.has(e.id);
    byPair.set(key, agg);
  }
  const edges: VEdge[] = [];
  for (const [key, a] of byPair) {
    const single = a.edges.length === 1 && a.from === a.edges[0].from && a.to === a.edges[0].to;
    edges.push({
      id: single ? a.edges[0].id : key,
      from: a.from,
      to: a.to,
      label: single ? a.edges[0].label : strings('{0} connections').replace('{0}', String(a.edges.length)),
      edges: a.edges,
      changed: a.changed,
      removed: false,
    });
  }
  for (const id of removed) {
    const b = baseline.get(id)!;
    const from = drawnAs.get(b.from);
    const to = drawnAs.get(b.to);
    if (from === undefined || to === undefined || from !== b.from || to !== b.to) continue;
    edges.push({ id: `removed:${id}`, from, to, label: b.label, edges: [], changed: true, removed: true });
  }
  const groupList = [...groups].map(([namespace, nodes]) => ({ namespace, nodes }));
  return { groups: groupList, top, edges, nodeCount: top.length + groupList.reduce((n, g) => n + g.nodes.length, 0) };
}

/** Whether `edge` allows `port`/`protocol` (`port` undefined: any port of any protocol). */
export function edgeAllows(edge: ReachEdge | undefined, port: number | undefined, protocol: string | undefined): boolean {
  if (!edge) return false;
  if (port === undefined) return true;
  return edge.allowed.some((s: PortSpan) => s.protocol === protocol && s.ports.some(([lo, hi]) => lo <= port && port <= hi));
}

/** The ports worth offering in the matrix: every single port and range start the edges mention, by protocol. */
export function portChoices(model: ReachabilityModel, max = 200): { port: number; protocol: string }[] {
  const seen = new Map<string, { port: number; protocol: string }>();
  // Edges decoded from the wire share their port sets: each set is read once.
  const read = new Set<readonly PortSpan[]>();
  for (const e of model.edges) {
    if (e.all || read.has(e.allowed)) continue;
    read.add(e.allowed);
    for (const s of e.allowed) {
      for (const [lo, hi] of s.ports) {
        if (lo === 1 && hi === 65535) continue;
        const k = `${s.protocol}/${lo}`;
        if (!seen.has(k)) seen.set(k, { port: lo, protocol: s.protocol });
        if (seen.size >= max) break;
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
}

/** Every namespace, and the external ranges as one node. */
export function allCollapsed(model: ReachabilityModel): Set<string> {
  return new Set([...model.namespaces.map((n) => n.name), EXTERNAL_GROUP]);
}

/** Namespaces (and external ranges) to collapse at first: all, when the model has more than `threshold` nodes. */
export function initialCollapsed(model: ReachabilityModel, threshold = 60): Set<string> {
  return model.nodes.length > threshold ? allCollapsed(model) : new Set();
}

/** The `netpol-lens traffic` reference for a node: `ns/name` of its first member, `ip:ADDRESS` for a range. */
export function trafficRef(n: ReachNode): string {
  if (n.kind === 'external') {
    const cidr = n.cidrs?.[0] ?? n.label;
    return `ip:${cidr.replace(/\/\d+$/, '')}`;
  }
  return n.members[0] ?? n.label;
}
