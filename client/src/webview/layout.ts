/// <reference lib="dom" />
/**
 * Where the graph's boxes go. Two layouts of the same ELK graph (graph.ts builds it):
 *
 * - `quickLayout`: rows of boxes (a namespace's pods in a grid inside its box), straight edges;
 *   synchronous and a few milliseconds for hundreds of nodes. The view draws it while ELK is not
 *   ready yet (its first layout in a page), so the first paint does not wait for ELK.
 * - `elkLayout`: ELK (elkjs) in a Web Worker made from the worker script's text (a `blob:` URL:
 *   VS Code webviews and the HTML page allow `worker-src blob:` and nothing else), so compiling
 *   and starting ELK (1.6 MB of generated code, about a second) never blocks the page. The text is
 *   not part of the view's script (parsing it there delayed the first paint): the HTML page embeds
 *   it in a `<script type="text/plain" id="netpol-elk-worker">` at its end, the VS Code panel names
 *   dist/elk-worker.js in `<body data-elk-worker="…">` and it is fetched. If the worker cannot
 *   start or fails, `elkLayout` rejects and the quick layout stays.
 */
import ELK from 'elkjs/lib/elk-api.js';
import type { ELK as ElkApi, ElkNode } from 'elkjs/lib/elk-api';

let elk: Promise<ElkApi> | undefined;
let failure: Error | undefined;
const failed = new Set<(err: Error) => void>();
let laidOut = false;

/** The worker script's text: embedded in the page, or fetched from the URL the page names. */
async function workerSource(): Promise<string> {
  if (document.readyState === 'loading') await new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true }));
  const embedded = document.getElementById('netpol-elk-worker');
  if (embedded?.textContent) return embedded.textContent;
  const url = document.body.dataset.elkWorker;
  if (!url) throw new Error('no layout worker script in the page');
  const res = await fetch(url);
  if (!res.ok) throw new Error(`the layout worker script: ${res.status} ${res.statusText}`);
  return res.text();
}

/** Starts the ELK worker (once). */
export function startElk(): void {
  if (elk || failure) return;
  elk = workerSource().then((source) => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    return new ELK({
      workerFactory: () => {
        const w = new Worker(url);
        // A worker the CSP or the browser refuses, or that throws, fails every layout asked of it.
        w.addEventListener('error', (ev) => fail(new Error(ev.message || 'the layout worker failed')));
        return w;
      },
    });
  });
  elk.catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
}

function fail(err: Error): void {
  failure ??= err;
  for (const f of [...failed]) f(err);
  failed.clear();
}

/** Whether ELK has laid out a graph in this page (it answers fast from then on). */
export function elkWarm(): boolean {
  return laidOut;
}

/** Whether ELK cannot be used in this page (the quick layout is final then). */
export function elkFailed(): boolean {
  return failure !== undefined;
}

/** Lays `graph` out with ELK in the worker; rejects when the worker cannot run. */
export async function elkLayout(graph: ElkNode): Promise<ElkNode> {
  startElk();
  if (failure || !elk) throw failure ?? new Error('no layout worker');
  const pending = elk;
  let onFail: ((err: Error) => void) | undefined;
  try {
    const laid = await new Promise<ElkNode>((resolve, reject) => {
      onFail = reject;
      failed.add(reject);
      pending.then((api) => api.layout(graph)).then(resolve, reject);
    });
    laidOut = true;
    return laid;
  } finally {
    if (onFail) failed.delete(onFail);
  }
}

const GAP = 56;
const PAD = { top: 28, left: 12, bottom: 12, right: 12 };

/**
 * Boxes in rows no wider than about `aspect` times their height (shelf packing, in the given
 * order), from (x0, y0). Returns the extent used.
 */
function rows(items: readonly ElkNode[], aspect: number, x0: number, y0: number, gap: number): { width: number; height: number } {
  const area = items.reduce((a, n) => a + ((n.width ?? 0) + gap) * ((n.height ?? 0) + gap), 0);
  const widest = items.reduce((a, n) => Math.max(a, n.width ?? 0), 0);
  const limit = Math.max(widest, Math.sqrt(area * Math.max(0.2, aspect)));
  let x = 0;
  let y = 0;
  let rowH = 0;
  let width = 0;
  for (const n of items) {
    const w = n.width ?? 0;
    if (x > 0 && x + w > limit) {
      x = 0;
      y += rowH + gap;
      rowH = 0;
    }
    n.x = x0 + x;
    n.y = y0 + y;
    x += w + gap;
    rowH = Math.max(rowH, n.height ?? 0);
    width = Math.max(width, x - gap);
  }
  return { width, height: y + rowH };
}

/** Moves a laid-out box and everything in it by (dx, dy). */
function shift(n: ElkNode, dx: number, dy: number): void {
  n.x = (n.x ?? 0) + dx;
  n.y = (n.y ?? 0) + dy;
  for (const c of n.children ?? []) shift(c, dx, dy);
}

/**
 * The quick layout of an ELK graph (the root's children: boxes, or compound boxes whose children
 * are boxes), in root coordinates as graph.ts asks ELK for (`elk.json.shapeCoords: ROOT`). Edges
 * get no sections: they are drawn straight. Returns a copy; `graph` is not changed.
 */
export function quickLayout(graph: ElkNode, aspect: number): ElkNode {
  const root: ElkNode = { ...graph, edges: [], children: (graph.children ?? []).map((c) => ({ ...c, children: c.children?.map((k) => ({ ...k })) })) };
  for (const c of root.children ?? []) {
    if (!c.children?.length) continue;
    const inner = rows(c.children, 1.6, 0, 0, 18);
    const labelW = c.labels?.[0]?.width ?? 0;
    c.width = Math.max(inner.width, labelW) + PAD.left + PAD.right;
    c.height = inner.height + PAD.top + PAD.bottom;
    c.x = 0;
    c.y = 0;
    for (const k of c.children) shift(k, PAD.left, PAD.top);
  }
  // Compound boxes first laid at (0, 0): place every top box, then move each compound's children along.
  const placed = (root.children ?? []).map((c) => ({ c, x: c.x ?? 0, y: c.y ?? 0 }));
  const extent = rows(root.children ?? [], aspect, 0, 0, GAP);
  for (const { c, x, y } of placed) for (const k of c.children ?? []) shift(k, (c.x ?? 0) - x, (c.y ?? 0) - y);
  root.x = 0;
  root.y = 0;
  root.width = extent.width;
  root.height = extent.height;
  return root;
}
