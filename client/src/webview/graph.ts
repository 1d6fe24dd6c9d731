/// <reference lib="dom" />
/**
 * The graph: ELK's layered layout (elkjs in a worker, layout.ts; namespaces are compound nodes)
 * drawn as SVG, or the quick layout while ELK is not ready. Nodes and edges are focusable (Tab),
 * Enter/Space activates them; wheel zooms, drag pans.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { elkLayout, quickLayout } from './layout';
import type { GraphView, VEdge, VNode } from './view';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_H = 34;
const CHAR_W = 7;
/** More edges than this: no edge labels in the layout (the label is the edge's tooltip and accessible name). */
const LABELLED_EDGES = 150;
/**
 * More edges than this: ELK packs the nodes (`box`, milliseconds) and edges are straight lines.
 * The layered algorithm routes edges but its crossing minimisation grows fast with dense graphs
 * (34 nodes with 401 edges took 6-14 s on the bench machine under load).
 */
const ROUTED_EDGES = 120;
/** The quick layout's straight edges cross more: labels (at their middles) only up to this many. */
const QUICK_LABELLED_EDGES = 24;

export interface GraphHandlers {
  readonly strings: (key: string) => string;
  readonly onEdge: (edge: VEdge) => void;
  readonly onNode: (node: VNode) => void;
  /** The pane's size, to choose the layout's direction. */
  readonly size?: { readonly width: number; readonly height: number };
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

function width(text: string, min = 90): number {
  return Math.max(min, Math.min(320, text.length * CHAR_W + 28));
}

function subtitle(n: VNode, s: (k: string) => string): string {
  if (n.kind === 'namespace') return n.id === 'external:*' ? String(n.count ?? 0) : `${s('Pods')}: ${n.pods ?? 0}`;
  if (n.node && n.node.members.length > 1) return s('{0} identical pods').replace('{0}', String(n.node.members.length));
  if (n.node?.kind === 'external') return n.node.unmatched ? '' : (n.node.cidrs ?? []).slice(0, 2).join(', ');
  return '';
}

function elkNode(n: VNode, s: (k: string) => string): ElkNode {
  const sub = subtitle(n, s);
  return { id: n.id, width: width(n.label.length > sub.length ? n.label : sub), height: sub ? NODE_H + 12 : NODE_H };
}

/** The ELK graph of `view`: boxes sized for their labels, namespaces as compound nodes, and the options. */
function elkGraph(view: GraphView, h: GraphHandlers): { graph: ElkNode; routed: boolean; labelled: boolean } {
  const routed = view.edges.length <= ROUTED_EDGES;
  const labelled = routed && view.edges.length <= LABELLED_EDGES;
  const packing = { 'elk.algorithm': 'box', 'elk.spacing.nodeNode': '24', 'elk.aspectRatio': String(Math.max(0.5, (h.size?.width || 1200) / Math.max(1, h.size?.height || 800))) };
  const children: ElkNode[] = [
    ...view.groups.map((g) => ({
      id: `group:${g.namespace}`,
      labels: [{ text: g.namespace, width: width(g.namespace, 20), height: 16 }],
      layoutOptions: { 'elk.padding': '[top=28,left=12,bottom=12,right=12]', 'elk.nodeLabels.placement': 'INSIDE V_TOP H_LEFT', ...(routed ? {} : packing) },
      children: g.nodes.map((n) => elkNode(n, h.strings)),
    })),
    ...view.top.map((n) => elkNode(n, h.strings)),
  ];
  const edges: ElkExtendedEdge[] = !routed ? [] : view.edges.map((e) => ({
    id: e.id,
    sources: [e.from],
    targets: [e.to],
    labels: labelled ? [{ text: e.label, width: Math.min(220, e.label.length * 6.2 + 6), height: 14 }] : [],
  }));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: !routed ? { ...packing, 'elk.json.shapeCoords': 'ROOT' } : {
      'elk.algorithm': 'layered',
      // Left to right in a wide pane, top to bottom in a tall one (a panel beside the editor).
      'elk.direction': h.size && h.size.width > 0 && h.size.width < h.size.height ? 'DOWN' : 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'POLYLINE',
      'elk.spacing.nodeNode': '18',
      'elk.layered.spacing.nodeNodeBetweenLayers': '50',
      'elk.spacing.edgeLabel': '2',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
    },
    children,
    edges,
  };
  return { graph, routed, labelled };
}

/** Lays out `view` with ELK (in its worker) and draws it into `svg` (replacing what was there); rejects when ELK cannot run. */
export async function drawGraph(svg: SVGSVGElement, view: GraphView, h: GraphHandlers): Promise<void> {
  const { graph, routed, labelled } = elkGraph(view, h);
  const laid = await elkLayout(graph);
  render(svg, view, laid, h, labelled);
  svg.dataset.layout = routed ? 'layered' : 'packed';
}

/** Draws `view` into `svg` at once in the quick layout (rows of boxes, straight edges): what the view shows until ELK is ready. */
export function drawQuick(svg: SVGSVGElement, view: GraphView, h: GraphHandlers): void {
  const { graph, labelled } = elkGraph(view, h);
  const aspect = Math.max(0.5, (h.size?.width || 1200) / Math.max(1, h.size?.height || 800));
  render(svg, view, quickLayout(graph, aspect), h, labelled);
  svg.dataset.layout = 'quick';
}

function render(svg: SVGSVGElement, view: GraphView, laid: ElkNode, h: GraphHandlers, labelled: boolean): void {
  const s = h.strings;
  svg.replaceChildren();
  const defs = el('defs', {}, svg);
  for (const kind of ['', '-changed', '-removed']) {
    const m = el('marker', { id: `arrow${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrowhead${kind}` }, m);
  }
  const world = el('g', { class: 'world' }, svg);
  const shapes = new Map<string, ElkNode>();
  const walk = (n: ElkNode) => {
    shapes.set(n.id, n);
    for (const c of n.children ?? []) walk(c);
  };
  walk(laid);
  // Namespaces first (behind), then edges, then nodes (on top, focus order: nodes, then edges).
  for (const g of view.groups) {
    const box = shapes.get(`group:${g.namespace}`);
    if (!box) continue;
    const gg = el('g', { class: 'namespace', 'data-namespace': g.namespace }, world);
    el('rect', { x: box.x ?? 0, y: box.y ?? 0, width: box.width ?? 0, height: box.height ?? 0, rx: 6 }, gg);
    const t = el('text', { x: (box.x ?? 0) + 10, y: (box.y ?? 0) + 18, class: 'namespace-label' }, gg);
    t.textContent = g.namespace;
  }
  const edgeLayer = el('g', { class: 'edges' }, world);
  const nodeLayer = el('g', { class: 'nodes' }, world);
  const laidEdges = new Map<string, ElkExtendedEdge>();
  const collect = (n: ElkNode) => {
    for (const e of n.edges ?? []) laidEdges.set(e.id, e);
    for (const c of n.children ?? []) collect(c);
  };
  collect(laid);
  const nodeById = new Map<string, VNode>();
  for (const n of [...view.top, ...view.groups.flatMap((g) => g.nodes)]) nodeById.set(n.id, n);
  const nameOf = (id: string) => nodeById.get(id)?.label ?? id;
  for (const e of view.edges) {
    const le = laidEdges.get(e.id);
    const sec = le?.sections?.[0];
    const pts = sec ? [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint] : straight(shapes.get(e.from), shapes.get(e.to));
    if (!pts) continue;
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const cls = `edge${e.changed ? ' changed' : ''}${e.removed ? ' removed' : ''}`;
    const g = el('g', { class: cls, tabindex: 0, role: 'button', 'data-id': e.id, 'data-from': e.from, 'data-to': e.to, 'aria-label': `${nameOf(e.from)} → ${nameOf(e.to)}: ${e.label}` }, edgeLayer);
    el('title', {}, g).textContent = `${nameOf(e.from)} → ${nameOf(e.to)}\n${e.label}`;
    el('path', { d, class: 'hit' }, g);
    el('path', { d, class: 'line', 'marker-end': `url(#arrow${e.removed ? '-removed' : e.changed ? '-changed' : ''})` }, g);
    const label = labelled ? le?.labels?.[0] : undefined;
    if (label && label.x !== undefined && label.y !== undefined) {
      const t = el('text', { x: label.x + 3, y: label.y + 11, class: 'edge-label' }, g);
      t.textContent = e.label;
    } else if (labelled && !le && view.edges.length <= QUICK_LABELLED_EDGES) {
      // A straight edge (quick layout): the label at its middle.
      const a = pts[0];
      const b = pts[pts.length - 1];
      const t = el('text', { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 3, 'text-anchor': 'middle', class: 'edge-label' }, g);
      t.textContent = e.label;
    }
    const activate = () => h.onEdge(e);
    g.addEventListener('click', activate);
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        activate();
      }
    });
  }
  for (const n of nodeById.values()) {
    const box = shapes.get(n.id);
    if (!box) continue;
    drawNode(nodeLayer, n, box, h);
  }
}

/** A straight edge between two laid-out boxes, from border to border (a loop for a box to itself). */
function straight(a: ElkNode | undefined, b: ElkNode | undefined): { x: number; y: number }[] | undefined {
  if (!a || !b) return undefined;
  const box = (n: ElkNode) => ({ x: n.x ?? 0, y: n.y ?? 0, w: n.width ?? 0, h: n.height ?? 0 });
  const p = box(a);
  const q = box(b);
  if (a === b) return [{ x: p.x + p.w - 10, y: p.y }, { x: p.x + p.w - 10, y: p.y - 14 }, { x: p.x + p.w + 14, y: p.y - 14 }, { x: p.x + p.w + 14, y: p.y + 10 }, { x: p.x + p.w, y: p.y + 10 }];
  const c1 = { x: p.x + p.w / 2, y: p.y + p.h / 2 };
  const c2 = { x: q.x + q.w / 2, y: q.y + q.h / 2 };
  const clip = (c: { x: number; y: number }, r: { w: number; h: number }, dx: number, dy: number) => {
    const k = Math.min(dx ? r.w / 2 / Math.abs(dx) : Infinity, dy ? r.h / 2 / Math.abs(dy) : Infinity, 1);
    return { x: c.x + dx * k, y: c.y + dy * k };
  };
  const dx = c2.x - c1.x;
  const dy = c2.y - c1.y;
  return [clip(c1, p, dx, dy), clip(c2, q, -dx, -dy)];
}

function drawNode(layer: SVGGElement, n: VNode, box: ElkNode, h: GraphHandlers): void {
  const s = h.strings;
  const x = box.x ?? 0;
  const y = box.y ?? 0;
  const w = box.width ?? 0;
  const ht = box.height ?? 0;
  const node = n.node;
  const classes = ['node', n.kind];
  if (node?.isDns) classes.push('dns');
  if (node?.isolation.ingress.length) classes.push('iso-ingress');
  if (node?.isolation.egress.length) classes.push('iso-egress');
  const tips: string[] = [n.kind === 'namespace' ? `${s('Namespace')} ${n.label}` : n.label];
  if (node) {
    if (node.members.length > 1) tips.push(`${s('Members')}: ${node.members.join(', ')}`);
    if (node.kind === 'pods') {
      tips.push(node.isolation.ingress.length ? `${s('Isolated for ingress')} (${s('isolated by')} ${node.isolation.ingress.map((p) => p.policy).join(', ')})` : s('Not isolated for ingress: every source may connect'));
      tips.push(node.isolation.egress.length ? `${s('Isolated for egress')} (${s('isolated by')} ${node.isolation.egress.map((p) => p.policy).join(', ')})` : s('Not isolated for egress: may connect anywhere (the other end must still allow it)'));
    }
    if (node.dns) tips.push(s(node.dns === 'allowed' ? 'DNS allowed' : node.dns === 'blocked' ? 'DNS blocked' : 'DNS unknown'));
    if (node.isDns) tips.push(s('cluster DNS (kube-dns)'));
    if (node.cidrs?.length) tips.push(node.cidrs.join(', '));
  }
  const g = el('g', { class: classes.join(' '), tabindex: 0, role: 'button', 'data-id': n.id, 'aria-label': tips.join('. ') }, layer);
  el('title', {}, g).textContent = tips.join('\n');
  el('rect', { x, y, width: w, height: ht, rx: n.kind === 'external' ? ht / 2 : 4, class: 'box' }, g);
  // Isolation per direction: a bar on the side traffic comes in (left) or goes out (right).
  if (node?.isolation.ingress.length) el('rect', { x, y, width: 5, height: ht, class: 'iso-bar iso-in' }, g);
  if (node?.isolation.egress.length) el('rect', { x: x + w - 5, y, width: 5, height: ht, class: 'iso-bar iso-out' }, g);
  const label = el('text', { x: x + w / 2, y: y + 21, 'text-anchor': 'middle', class: 'node-label' }, g);
  label.textContent = n.label.length > 42 ? `${n.label.slice(0, 40)}…` : n.label;
  const sub = subtitle(n, s);
  if (sub) {
    const t = el('text', { x: x + w / 2, y: y + 36, 'text-anchor': 'middle', class: 'node-sub' }, g);
    t.textContent = sub;
  }
  if (node?.dns) {
    const b = el('text', { x: x + w - 8, y: y - 3, 'text-anchor': 'end', class: `dns-badge dns-${node.dns}` }, g);
    b.textContent = `${s('DNS')} ${node.dns === 'allowed' ? '✓' : node.dns === 'blocked' ? '✗' : '?'}`;
  }
  const activate = () => h.onNode(n);
  g.addEventListener('click', activate);
  g.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      activate();
    }
  });
}

/** Pan and zoom of the drawn graph through the svg's viewBox (wheel, drag, buttons). */
export class PanZoom {
  private box = { x: 0, y: 0, w: 100, h: 100 };
  constructor(private readonly svg: SVGSVGElement) {
    svg.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const r = svg.getBoundingClientRect();
      this.zoom(ev.deltaY < 0 ? 1 / 1.15 : 1.15, (ev.clientX - r.left) / Math.max(1, r.width), (ev.clientY - r.top) / Math.max(1, r.height));
    }, { passive: false });
    let drag: { x: number; y: number } | undefined;
    svg.addEventListener('pointerdown', (ev) => {
      if ((ev.target as Element).closest('.node, .edge')) return;
      drag = { x: ev.clientX, y: ev.clientY };
      svg.setPointerCapture(ev.pointerId);
    });
    svg.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      const r = svg.getBoundingClientRect();
      const k = this.box.w / Math.max(1, r.width);
      this.box.x -= (ev.clientX - drag.x) * k;
      this.box.y -= (ev.clientY - drag.y) * k;
      drag = { x: ev.clientX, y: ev.clientY };
      this.apply();
    });
    svg.addEventListener('pointerup', () => (drag = undefined));
  }

  /** Shows the whole drawing. */
  fit(): void {
    const g = this.svg.querySelector('.world') as SVGGElement | null;
    const b = g?.getBBox();
    if (!b || b.width === 0) return;
    const r = this.svg.getBoundingClientRect();
    const pad = 20;
    const w = b.width + 2 * pad;
    const h = b.height + 2 * pad;
    // Keep the panel's aspect ratio; never magnify a small graph beyond 1.5×.
    const scale = Math.max(w / Math.max(1, r.width), h / Math.max(1, r.height), 1 / 1.5);
    this.box = { w: r.width * scale, h: r.height * scale, x: b.x - pad, y: b.y - pad };
    this.apply();
  }

  zoom(factor: number, fx = 0.5, fy = 0.5): void {
    const nw = this.box.w * factor;
    const nh = this.box.h * factor;
    this.box = { x: this.box.x + (this.box.w - nw) * fx, y: this.box.y + (this.box.h - nh) * fy, w: nw, h: nh };
    this.apply();
  }

  private apply(): void {
    const { x, y, w, h } = this.box;
    this.svg.setAttribute('viewBox', `${x} ${y} ${w} ${h}`);
  }
}
