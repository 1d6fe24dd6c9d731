/// <reference lib="dom" />
/**
 * The matrix: sources (rows) × destinations (columns) for one port/protocol or any port,
 * virtualised (only the cells in view exist in the DOM, redrawn on scroll), so 1,000 × 1,000
 * scrolls as 20 × 20 does. Arrow keys move the active cell, Enter explains it.
 */
import type { ReachEdge, ReachNode } from '../../../server/src/core/ide/reachModel';
import { edgeAllows } from './view';

const CELL_W = 26;
const CELL_H = 22;
const ROW_HEAD_W = 220;
const COL_HEAD_H = 130;

export interface MatrixHandlers {
  readonly strings: (key: string) => string;
  readonly onCell: (from: ReachNode, to: ReachNode) => void;
}

export class MatrixView {
  private nodes: readonly ReachNode[] = [];
  private edges = new Map<string, ReachEdge>();
  private port: number | undefined;
  private protocol: string | undefined;
  private active = { r: 0, c: 0 };
  private frame = 0;
  private readonly spacer: HTMLDivElement;
  private readonly cells: HTMLDivElement;
  private readonly rowHeads: HTMLDivElement;
  private readonly colHeads: HTMLDivElement;
  private readonly corner: HTMLDivElement;

  constructor(private readonly scroller: HTMLDivElement, private readonly h: MatrixHandlers) {
    scroller.classList.add('matrix');
    scroller.tabIndex = 0;
    scroller.setAttribute('role', 'grid');
    this.spacer = this.div('matrix-spacer');
    this.cells = this.div('matrix-cells');
    this.colHeads = this.div('matrix-colheads');
    this.rowHeads = this.div('matrix-rowheads');
    this.corner = this.div('matrix-corner');
    scroller.addEventListener('scroll', () => this.schedule());
    scroller.addEventListener('keydown', (ev) => this.key(ev));
    scroller.addEventListener('click', (ev) => {
      const cell = (ev.target as HTMLElement).closest('.cell') as HTMLElement | null;
      if (!cell) return;
      this.active = { r: Number(cell.dataset.r), c: Number(cell.dataset.c) };
      this.explainActive();
      this.draw();
    });
    new ResizeObserver(() => this.schedule()).observe(scroller);
  }

  private div(cls: string): HTMLDivElement {
    const d = document.createElement('div');
    d.className = cls;
    this.scroller.appendChild(d);
    return d;
  }

  /** Shows `nodes` against themselves on `port`/`protocol` (undefined: any port). */
  set(nodes: readonly ReachNode[], edges: readonly ReachEdge[], port: number | undefined, protocol: string | undefined): void {
    this.nodes = nodes;
    this.edges = new Map(edges.map((e) => [`${e.from}\u0000${e.to}`, e]));
    this.port = port;
    this.protocol = protocol;
    this.active = { r: Math.min(this.active.r, Math.max(0, nodes.length - 1)), c: Math.min(this.active.c, Math.max(0, nodes.length - 1)) };
    this.spacer.style.width = `${ROW_HEAD_W + nodes.length * CELL_W}px`;
    this.spacer.style.height = `${COL_HEAD_H + nodes.length * CELL_H}px`;
    this.scroller.setAttribute('aria-rowcount', String(nodes.length + 1));
    this.scroller.setAttribute('aria-colcount', String(nodes.length + 1));
    this.corner.textContent = `${this.h.strings('From')} ↓  ${this.h.strings('To')} →`;
    this.corner.title = this.h.strings('rows are sources (from), columns are destinations (to)');
    this.draw();
  }

  allowed(r: number, c: number): boolean {
    return edgeAllows(this.edges.get(`${this.nodes[r].id}\u0000${this.nodes[c].id}`), this.port, this.protocol);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Creates the cells and headers in view (and a margin), nothing else. */
  draw(): void {
    const sx = this.scroller.scrollLeft;
    const sy = this.scroller.scrollTop;
    const vw = this.scroller.clientWidth;
    const vh = this.scroller.clientHeight;
    const n = this.nodes.length;
    const c0 = Math.max(0, Math.floor(sx / CELL_W) - 2);
    const c1 = Math.min(n, Math.ceil((sx + vw - ROW_HEAD_W) / CELL_W) + 2);
    const r0 = Math.max(0, Math.floor(sy / CELL_H) - 2);
    const r1 = Math.min(n, Math.ceil((sy + vh - COL_HEAD_H) / CELL_H) + 2);
    const s = this.h.strings;
    const yes = s('allowed');
    const no = s('blocked');
    const cells = document.createDocumentFragment();
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        const ok = this.allowed(r, c);
        const d = document.createElement('div');
        d.className = `cell ${ok ? 'allowed' : 'blocked'}${r === this.active.r && c === this.active.c ? ' active' : ''}`;
        d.dataset.r = String(r);
        d.dataset.c = String(c);
        d.setAttribute('role', 'gridcell');
        d.title = `${this.nodes[r].label} → ${this.nodes[c].label}: ${ok ? yes : no}`;
        d.textContent = ok ? '✓' : '·';
        d.style.transform = `translate(${ROW_HEAD_W + c * CELL_W}px, ${COL_HEAD_H + r * CELL_H}px)`;
        cells.appendChild(d);
      }
    }
    this.cells.replaceChildren(cells);
    const rows = document.createDocumentFragment();
    for (let r = r0; r < r1; r++) rows.appendChild(this.head('rowhead', this.nodes[r], sx, COL_HEAD_H + r * CELL_H, r === this.active.r));
    this.rowHeads.replaceChildren(rows);
    const cols = document.createDocumentFragment();
    for (let c = c0; c < c1; c++) cols.appendChild(this.head('colhead', this.nodes[c], ROW_HEAD_W + c * CELL_W, sy, c === this.active.c));
    this.colHeads.replaceChildren(cols);
    this.corner.style.transform = `translate(${sx}px, ${sy}px)`;
    const active = this.nodes[this.active.r] && this.nodes[this.active.c];
    if (active) this.scroller.setAttribute('aria-label', `${this.nodes[this.active.r].label} → ${this.nodes[this.active.c].label}: ${this.allowed(this.active.r, this.active.c) ? yes : no}`);
  }

  private head(cls: string, node: ReachNode, x: number, y: number, active: boolean): HTMLDivElement {
    const d = document.createElement('div');
    d.className = `${cls}${active ? ' active' : ''}${node.kind === 'external' ? ' external' : ''}`;
    d.textContent = node.kind === 'pods' ? `${node.namespace}/${node.label}` : node.label;
    d.title = node.members.join(', ') || node.label;
    d.style.transform = `translate(${x}px, ${y}px)`;
    return d;
  }

  private key(ev: KeyboardEvent): void {
    const n = this.nodes.length;
    if (!n) return;
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], PageUp: [-20, 0], PageDown: [20, 0], Home: [0, -n], End: [0, n] };
    const m = moves[ev.key];
    if (m) {
      ev.preventDefault();
      this.active = { r: Math.max(0, Math.min(n - 1, this.active.r + m[0])), c: Math.max(0, Math.min(n - 1, this.active.c + m[1])) };
      this.reveal();
      this.draw();
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      this.explainActive();
    }
  }

  private reveal(): void {
    const x = ROW_HEAD_W + this.active.c * CELL_W;
    const y = COL_HEAD_H + this.active.r * CELL_H;
    const s = this.scroller;
    if (x - ROW_HEAD_W < s.scrollLeft) s.scrollLeft = x - ROW_HEAD_W;
    else if (x + CELL_W > s.scrollLeft + s.clientWidth) s.scrollLeft = x + CELL_W - s.clientWidth;
    if (y - COL_HEAD_H < s.scrollTop) s.scrollTop = y - COL_HEAD_H;
    else if (y + CELL_H > s.scrollTop + s.clientHeight) s.scrollTop = y + CELL_H - s.clientHeight;
  }

  private explainActive(): void {
    const from = this.nodes[this.active.r];
    const to = this.nodes[this.active.c];
    if (from && to) this.h.onCell(from, to);
  }
}
