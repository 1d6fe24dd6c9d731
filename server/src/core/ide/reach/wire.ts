/**
 * The reachability model on the wire (`netpolLens/reachability`'s answer, the view's message, the
 * page `matrix --format html` embeds): the same model with its edges packed. An edge there is
 * three numbers, the index of its `from` node, of its `to` node and of its connection set in
 * `conns` (each distinct set of allowed ports once, with its label), so a model of thousands of
 * edges is a small fraction of the JSON the object form takes. `decodeReachability` gives back the
 * object form exactly (edge ids, order and all). Pure, no dependencies: the webview bundles it.
 */
import type { ReachabilityModel, ReachabilityWire, ReachConn, ReachEdge } from '../reachModel';
import { REACH_WIRE_VERSION } from '../reachModel';

/** The model in wire form. Edges whose ends are not nodes of the model cannot occur (the builder makes none); they are dropped. */
export function encodeReachability(model: ReachabilityModel): ReachabilityWire {
  const { edges, ...rest } = model;
  const nodeIndex = new Map<string, number>();
  model.nodes.forEach((n, i) => nodeIndex.set(n.id, i));
  const conns: ReachConn[] = [];
  const connIndex = new Map<string, number>();
  const packed: number[] = [];
  for (const e of edges) {
    const from = nodeIndex.get(e.from);
    const to = nodeIndex.get(e.to);
    if (from === undefined || to === undefined) continue;
    // The label is the text of the set (one label, one set), the protocol ranges tell them apart anyway.
    const key = `${e.label}\u0000${JSON.stringify(e.allowed)}`;
    let c = connIndex.get(key);
    if (c === undefined) {
      c = conns.push({ allowed: e.allowed, label: e.label, all: e.all }) - 1;
      connIndex.set(key, c);
    }
    packed.push(from, to, c);
  }
  return { ...rest, version: REACH_WIRE_VERSION, conns, edges: packed };
}

/**
 * The object form of a wire model. Anything that is not a wire model of this version (an older
 * server's object-form answer included) is returned as it is when it already has object edges,
 * else undefined; malformed triples are skipped.
 */
export function decodeReachability(wire: unknown): ReachabilityModel | undefined {
  if (!wire || typeof wire !== 'object') return undefined;
  const w = wire as Partial<ReachabilityWire> & { edges?: unknown };
  if (!Array.isArray(w.nodes) || !Array.isArray(w.edges)) return undefined;
  if (w.version === undefined) return w.edges.every((e) => e && typeof e === 'object') ? (wire as ReachabilityModel) : undefined;
  if (w.version !== REACH_WIRE_VERSION || !Array.isArray(w.conns)) return undefined;
  const { version: _v, conns, edges: packed, ...rest } = w as ReachabilityWire;
  const nodes = w.nodes;
  const edges: ReachEdge[] = [];
  for (let i = 0; i + 2 < packed.length; i += 3) {
    const from = nodes[packed[i]]?.id;
    const to = nodes[packed[i + 1]]?.id;
    const c = conns[packed[i + 2]];
    if (from === undefined || to === undefined || !c) continue;
    edges.push({ id: `${from}->${to}`, from, to, allowed: c.allowed, label: c.label, all: c.all });
  }
  return { ...rest, edges };
}
