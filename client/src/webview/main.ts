/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The reachability view (bundled to dist/webview.js): runs in the VS Code webview (talks to the
 * panel through postMessage) or in the standalone page of `netpol-lens matrix --format html`
 * (reads the model and explanations embedded in the page). It draws; the server decides.
 */
import { drawGraph, drawQuick, GraphHandlers, PanZoom } from './graph';
import { elkFailed, elkWarm, startElk } from './layout';
import { MatrixView } from './matrix';
import type { EdgeExplanation, ExplainEdgeParams, FromView, ReachabilityModel, StandaloneData, ToView } from './protocol';
import { NamespacePicker } from './picker';
import { allCollapsed, Baseline, baselineOf, changesSince, graphView, initialCollapsed, portChoices, trafficRef, VEdge, visibleNodes, VNode } from './view';
import type { ReachNode } from '../../../server/src/core/ide/reachModel';
import { decodeReachability } from '../../../server/src/core/ide/reach/wire';


declare function acquireVsCodeApi(): { postMessage(msg: unknown): void; getState(): unknown; setState(s: unknown): void };

/** Beyond this many nodes the graph is not laid out (collapse, filter or focus first); the matrix still shows all. */
const MAX_GRAPH_NODES = 400;

interface Host {
  readonly standalone: boolean;
  post(msg: FromView): void;
}

const vscodeApi = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
let standalone: StandaloneData | undefined;

let model: ReachabilityModel | undefined;
let extraStrings: Record<string, string> = {};
let baseline: Baseline | undefined;
let collapsed = new Set<string>();
let explanations: Record<string, EdgeExplanation> | undefined;
let focus: string | undefined;
let tab: 'graph' | 'matrix' = 'graph';
let generation = 0;
let painted = false;
let paintedNow: () => void = () => undefined;
/** Resolves once the first view is on screen (the layout worker starts then, so it does not slow the first paint). */
const firstPaint = new Promise<void>((resolve) => (paintedNow = resolve));
let nextRequest = 1;
const pending = new Map<number, { title: string }>();

const S = (key: string): string => model?.strings[key] ?? extraStrings[key] ?? key;

const host: Host = {
  standalone: !vscodeApi,
  post(msg) {
    if (vscodeApi) vscodeApi.postMessage(msg);
    else answerLocally(msg);
  },
};

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

// ---- the page ----------------------------------------------------------------------------------

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
const tabGraph = h('button', { role: 'tab', id: 'tab-graph', 'aria-selected': 'true' });
const tabMatrix = h('button', { role: 'tab', id: 'tab-matrix', 'aria-selected': 'false' });
const filter = h('input', { type: 'search', id: 'filter' });
const showExternal = h('input', { type: 'checkbox', id: 'show-external', checked: '' });
const showDns = h('input', { type: 'checkbox', id: 'show-dns', checked: '' });
const labelExternal = h('label', {}, showExternal, h('span'));
const labelDns = h('label', {}, showDns, h('span'));
const collapseAll = h('button', { id: 'collapse-all' });
const expandAll = h('button', { id: 'expand-all' });
const showAll = h('button', { id: 'show-all' });
const picker = new NamespacePicker({
  strings: (k) => S(k),
  standalone: !vscodeApi,
  hide: () => void redraw(),
  ask: (namespaces) => {
    document.body.classList.add('updating');
    host.post({ type: 'namespaces', namespaces });
  },
});
const zoomIn = h('button', { id: 'zoom-in' }, '+');
const zoomOut = h('button', { id: 'zoom-out' }, '−');
const fit = h('button', { id: 'fit' }, '⤢');
const portSelect = h('select', { id: 'port' });
/** Any port typed by the user (`5432`, `53/UDP`): wins over the list while it holds a valid port. */
const portInput = h('input', { type: 'text', id: 'port-input', size: '9', placeholder: '8080/TCP' });
const status = h('div', { id: 'status', role: 'status' });
const changes = h('div', { id: 'changes', role: 'status' });
const notices = h('div', { id: 'notices' });
const graphPane = h('div', { id: 'graph', role: 'tabpanel' });
const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
svg.setAttribute('id', 'graph-svg');
graphPane.appendChild(svg);
const graphMessage = h('div', { id: 'graph-message' });
graphPane.appendChild(graphMessage);
const matrixPane = h('div', { id: 'matrix', role: 'tabpanel', hidden: '' });
const explain = h('aside', { id: 'explain', 'aria-live': 'polite' });
app.append(
  h('div', { id: 'toolbar', role: 'toolbar' }, h('div', { role: 'tablist' }, tabGraph, tabMatrix), filter, labelExternal, labelDns, picker.button, collapseAll, expandAll, showAll, zoomOut, zoomIn, fit, portSelect, portInput),
  h('div', { id: 'statusbar' }, status, changes),
  picker.panel,
  notices,
  h('div', { id: 'main' }, graphPane, matrixPane, explain),
);
const panZoom = new PanZoom(svg);
// The panel resized (moved, maximized, the window): show the whole graph again.
let resizeFrame = 0;
new ResizeObserver(() => {
  if (resizeFrame) return;
  resizeFrame = requestAnimationFrame(() => {
    resizeFrame = 0;
    if (svg.childNodes.length) panZoom.fit();
  });
}).observe(graphPane);
const matrix = new MatrixView(matrixPane, { strings: S, onCell: (from, to) => explainPair(from, to, chosenPort()) });

function texts(): void {
  tabGraph.textContent = S('Graph');
  tabMatrix.textContent = S('Matrix');
  filter.placeholder = `${S('Filter pods, namespaces, labels')} (/)`;
  filter.setAttribute('aria-label', S('Filter'));
  (labelExternal.lastChild as HTMLElement).textContent = S('Show external addresses');
  (labelDns.lastChild as HTMLElement).textContent = S('Show DNS');
  collapseAll.textContent = S('Collapse namespaces');
  expandAll.textContent = S('Expand all');
  showAll.textContent = S('Show everything');
  zoomIn.title = S('Zoom in');
  zoomOut.title = S('Zoom out');
  fit.title = S('Fit to view');
  for (const b of [zoomIn, zoomOut, fit]) b.setAttribute('aria-label', b.title);
  if (!explain.dataset.shown) explain.replaceChildren(h('p', { class: 'hint' }, S('Click an edge or a cell to see why it is allowed or blocked')));
}

function state() {
  return { collapsed, filter: filter.value, focus, showExternal: showExternal.checked, showDns: showDns.checked, hiddenNamespaces: picker.hiddenNamespaces };
}

function chosenPort(): { port?: number; protocol?: string } {
  const typed = /^\s*(\d{1,5})\s*(?:\/\s*(tcp|udp|sctp))?\s*$/i.exec(portInput.value);
  if (typed && Number(typed[1]) >= 1 && Number(typed[1]) <= 65535) return { port: Number(typed[1]), protocol: (typed[2] ?? 'TCP').toUpperCase() };
  const v = portSelect.value;
  if (!v) return {};
  const [protocol, port] = v.split('/');
  return { port: Number(port), protocol };
}

function fillPorts(m: ReachabilityModel): void {
  const before = portSelect.value;
  portSelect.replaceChildren(h('option', { value: '' }, S('any port')));
  for (const c of portChoices(m)) portSelect.appendChild(h('option', { value: `${c.protocol}/${c.port}` }, `${c.port}/${c.protocol}`));
  portSelect.value = [...portSelect.options].some((o) => o.value === before) ? before : '';
  portSelect.setAttribute('aria-label', `${S('Port')} / ${S('Protocol')}`);
  portInput.setAttribute('aria-label', `${S('Port')} / ${S('Protocol')}`);
}

// ---- drawing -----------------------------------------------------------------------------------

async function redraw(): Promise<void> {
  if (!model) return;
  const m = model;
  const gen = ++generation;
  const st = m.stats;
  status.textContent = `${S('{0} pods, {1} policies').replace('{0}', String(st.pods)).replace('{1}', String(st.policies))} · ${S('{0} nodes, {1} edges').replace('{0}', String(st.nodes)).replace('{1}', String(st.edges))} · ${S('computed in {0} ms').replace('{0}', String(Math.round(st.ms)))}`;
  const diff = baseline ? changesSince(m, baseline) : { changed: new Set<string>(), removed: [] };
  changes.textContent = diff.changed.size || diff.removed.length ? S('Changed since the panel opened: {0} added or changed, {1} removed').replace('{0}', String(diff.changed.size)).replace('{1}', String(diff.removed.length)) : '';
  drawNotices(m);
  showAll.hidden = !focus;
  if (tab === 'matrix') {
    const p = chosenPort();
    matrix.set(visibleNodes(m, { ...state(), focus: undefined }), m.edges, p.port, p.protocol);
    markPainted();
    return;
  }
  const view = graphView(m, state(), baseline ?? new Map(), S);
  if (m.nodes.length === 0) return showGraphMessage(S('No pods or workloads in the workspace: add their manifests to see who can reach whom.'));
  if (view.nodeCount === 0) return showGraphMessage(S('Nothing matches the filter.'));
  if (view.nodeCount > MAX_GRAPH_NODES) return showGraphMessage(S('The graph has too many nodes to draw at once ({0}): collapse namespaces, filter or focus on a pod.').replace('{0}', String(view.nodeCount)));
  graphMessage.textContent = '';
  const handlers: GraphHandlers = { strings: S, onEdge: explainEdge, onNode: activateNode, size: { width: graphPane.clientWidth, height: graphPane.clientHeight } };
  const quick = () => {
    const q = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    drawQuick(q, view, handlers);
    show(q, 'quick');
  };
  // Until ELK has laid out a graph in this page (its worker starts after the first paint and takes
  // a second or more), the same graph is drawn at once in the quick layout, then ELK's replaces it.
  if (!elkWarm() || elkFailed()) quick();
  if (elkFailed()) return;
  if (!elkWarm()) {
    await firstPaint;
    if (gen !== generation) return;
    startElk();
  }
  const fresh = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  try {
    await drawGraph(fresh, view, handlers);
  } catch (err) {
    // No layout worker here (refused, or it failed): the quick layout is the view.
    document.body.dataset.layoutError = err instanceof Error ? err.message : String(err);
    if (gen === generation) quick();
    return;
  }
  if (gen !== generation) return;
  show(fresh, 'elk');
  if (!performance.getEntriesByName('netpol-layout').length) requestAnimationFrame(() => performance.mark('netpol-layout'));
}

/** Puts a drawn graph in the page (keeping the focused node or edge) and marks the paint. */
function show(fresh: SVGSVGElement, layout: 'quick' | 'elk'): void {
  const hadFocus = document.activeElement instanceof Element && svg.contains(document.activeElement) ? (document.activeElement as Element).getAttribute('data-id') : undefined;
  svg.replaceChildren(...fresh.childNodes);
  svg.dataset.layout = fresh.dataset.layout;
  svg.style.display = '';
  panZoom.fit();
  if (hadFocus) (svg.querySelector(`[data-id="${CSS.escape(hadFocus)}"]`) as SVGElement | null)?.focus();
  // `elk`: ELK's layout of this generation is drawn (tests that click edge labels wait for it); `quick`: the quick layout.
  document.body.dataset.layout = layout;
  markPainted();
}

function showGraphMessage(text: string): void {
  svg.style.display = 'none';
  graphMessage.textContent = text;
  markPainted();
}

function markPainted(): void {
  document.body.dataset.rendered = String(generation);
  if (painted) return;
  painted = true;
  requestAnimationFrame(() => {
    performance.mark('netpol-first-paint');
    document.body.dataset.painted = 'true';
    paintedNow();
  });
}

function drawNotices(m: ReachabilityModel): void {
  const parts: HTMLElement[] = [];
  if (m.notApplied.length) {
    parts.push(h('details', { class: 'not-applied', open: '' }, h('summary', {}, S('Policies not applied (the API server would reject them)')), h('ul', {}, ...m.notApplied.map((p) => h('li', {}, linkTo(p, p.policy), `: ${p.reason}`)))));
  }
  if (m.caveats.length) parts.push(h('details', { class: 'caveats' }, h('summary', {}, S('Caveats')), h('ul', {}, ...m.caveats.map((c) => h('li', {}, c)))));
  // `omittedNamespaces` is newer than the contract this was written against: read it when present.
  const omitted = (m as { omittedNamespaces?: readonly string[] }).omittedNamespaces;
  if (omitted?.length) {
    const choose = h('button', { id: 'omitted-choose' }, S('Choose namespaces…'));
    choose.addEventListener('click', () => picker.open());
    parts.push(h('p', { class: 'omitted' }, `${S('Namespaces left out (too many connections to show at once): choose namespaces with the filter')}: ${omitted.join(', ')} `, choose));
  }
  notices.replaceChildren(...parts);
}

function activateNode(n: VNode): void {
  if (n.kind === 'namespace' && n.namespace !== undefined) collapsed.delete(n.namespace);
  else focus = focus === n.id ? undefined : n.id;
  void redraw();
}

// ---- explanations ------------------------------------------------------------------------------

function nodeById(id: string): ReachNode | undefined {
  return model?.nodes.find((n) => n.id === id);
}

function explainEdge(e: VEdge): void {
  explain.dataset.shown = 'true';
  if (e.edges.length === 1 && !e.removed) return explainPair(nodeById(e.edges[0].from), nodeById(e.edges[0].to), {});
  const title = e.removed ? `${nodeById(e.from)?.label ?? e.from} → ${nodeById(e.to)?.label ?? e.to}: ${S('none')}` : e.label;
  const list = h('ul', { class: 'edge-list' });
  for (const m of e.edges.slice(0, 200)) {
    const b = h('button', { class: 'link' }, `${nodeById(m.from)?.label ?? m.from} → ${nodeById(m.to)?.label ?? m.to}: ${m.label}`);
    b.addEventListener('click', () => explainPair(nodeById(m.from), nodeById(m.to), {}));
    list.appendChild(h('li', {}, b));
  }
  explain.replaceChildren(h('h3', {}, title), list);
}

function explainPair(from: ReachNode | undefined, to: ReachNode | undefined, p: { port?: number; protocol?: string }): void {
  if (!from || !to) return;
  explain.dataset.shown = 'true';
  const requestId = nextRequest++;
  const title = `${from.label} → ${to.label}`;
  pending.set(requestId, { title });
  explain.replaceChildren(h('h3', {}, title), h('p', { class: 'hint' }, S('Loading…')));
  const params: ExplainEdgeParams = { from: from.id, to: to.id, ...(p.port !== undefined ? { port: p.port, protocol: p.protocol as ExplainEdgeParams['protocol'] } : {}) };
  host.post({ type: 'explain', requestId, params });
}

function showExplanation(requestId: number, x: EdgeExplanation | undefined, error?: string, command?: string): void {
  const req = pending.get(requestId);
  if (!req) return;
  pending.delete(requestId);
  if (requestId !== nextRequest - 1) return; // a later click wins
  if (!x) {
    const body = command ? [h('p', {}, S('No explanation stored in this file for that pair; run:')), h('pre', { class: 'command' }, command)] : [h('p', { class: 'error' }, error ?? S('Error'))];
    explain.replaceChildren(h('h3', {}, req.title), ...body);
    return;
  }
  const verdict = h('p', { class: `verdict ${x.allowed ? 'allowed' : 'blocked'}` }, `${x.port}/${x.protocol}: ${S(x.allowed ? 'allowed' : 'blocked')}`);
  const links = h('ul', { class: 'links' }, ...x.links.map((l) => h('li', {}, linkTo(l, l.label))));
  explain.replaceChildren(h('h3', {}, req.title), verdict, h('p', { class: 'connections' }, `${S('Allowed ports')}: ${x.connections}`), h('pre', { class: 'lines' }, x.lines.join('\n')), links);
}

function linkTo(l: { file: string; line: number; column?: number }, label: string): HTMLElement {
  const where = `${l.file.replace(/^file:\/\//, '')}:${l.line}`;
  if (host.standalone) return h('span', { class: 'source', title: where }, `${label} (${where})`);
  const a = h('a', { href: '#', class: 'source', title: `${S('Open in editor')}: ${where}` }, label);
  a.addEventListener('click', (ev) => {
    ev.preventDefault();
    host.post({ type: 'open', file: l.file, line: l.line, column: l.column });
  });
  return a;
}

/** The explanations the page embeds after the script (read on the first click: the page is drawn before they are parsed). */
function readExplanations(): Record<string, EdgeExplanation> {
  try {
    return JSON.parse(document.getElementById('netpol-explanations')?.textContent || '{}') as Record<string, EdgeExplanation>;
  } catch {
    return {};
  }
}

/** The standalone page answers from what it embeds, or names the command to run. */
function answerLocally(msg: FromView): void {
  if (msg.type !== 'explain' || !standalone) return;
  const { from, to, port, protocol } = msg.params;
  const edge = model?.edges.find((e) => e.from === from && e.to === to);
  explanations ??= standalone.explanations ?? readExplanations();
  const stored = edge ? explanations[edge.id] : undefined;
  const fits = stored && (port === undefined || (stored.port === port && stored.protocol === protocol));
  const f = nodeById(from);
  const t = nodeById(to);
  const command = f && t ? `netpol-lens traffic <files> --from ${trafficRef(f)} --to ${trafficRef(t)} --port ${port ?? stored?.port ?? 80}/${protocol ?? stored?.protocol ?? 'TCP'}` : undefined;
  setTimeout(() => showExplanation(msg.requestId, fits ? stored : undefined, undefined, command), 0);
}

// ---- events ------------------------------------------------------------------------------------

function setTab(t: 'graph' | 'matrix'): void {
  tab = t;
  tabGraph.setAttribute('aria-selected', String(t === 'graph'));
  tabMatrix.setAttribute('aria-selected', String(t === 'matrix'));
  graphPane.hidden = t !== 'graph';
  matrixPane.hidden = t !== 'matrix';
  for (const b of [collapseAll, expandAll, zoomIn, zoomOut, fit]) b.hidden = t !== 'graph';
  portSelect.hidden = t !== 'matrix';
  portInput.hidden = t !== 'matrix';
  void redraw();
}

tabGraph.addEventListener('click', () => setTab('graph'));
tabMatrix.addEventListener('click', () => setTab('matrix'));
let filterTimer = 0;
filter.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = window.setTimeout(() => void redraw(), 150);
});
for (const c of [showExternal, showDns, portSelect, portInput]) c.addEventListener('change', () => void redraw());
collapseAll.addEventListener('click', () => {
  collapsed = model ? allCollapsed(model) : new Set();
  void redraw();
});
expandAll.addEventListener('click', () => {
  collapsed = new Set();
  void redraw();
});
showAll.addEventListener('click', () => {
  focus = undefined;
  filter.value = '';
  void redraw();
});
zoomIn.addEventListener('click', () => panZoom.zoom(1 / 1.25));
zoomOut.addEventListener('click', () => panZoom.zoom(1.25));
fit.addEventListener('click', () => panZoom.fit());
document.addEventListener('keydown', (ev) => {
  const typing = ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement;
  if (ev.key === '/' && !typing) {
    ev.preventDefault();
    filter.focus();
    filter.select();
  } else if (ev.key === 'Escape' && focus) {
    focus = undefined;
    void redraw();
  }
});

function receive(msg: ToView): void {
  if (msg.type === 'model') {
    const decoded = decodeReachability(msg.model);
    if (!decoded) {
      status.textContent = `${S('Error')}: ${S('The model is of an unknown version: update the extension.')}`;
      return;
    }
    const first = !model;
    model = decoded;
    if (msg.strings) extraStrings = { ...msg.strings };
    if (first) {
      baseline = baselineOf(decoded);
      collapsed = initialCollapsed(decoded);
      texts();
    }
    fillPorts(decoded);
    picker.set(decoded);
    document.body.classList.remove('updating');
    void redraw();
  } else if (msg.type === 'explanation') {
    showExplanation(msg.requestId, msg.explanation, msg.error);
  } else if (msg.type === 'updating') {
    document.body.classList.add('updating');
  } else if (msg.type === 'error') {
    status.textContent = `${S('Error')}: ${msg.message}`;
  }
}

window.addEventListener('message', (ev: MessageEvent<ToView>) => {
  if (ev.data && typeof ev.data === 'object' && 'type' in ev.data) receive(ev.data);
});
setTab('graph');

const embedded = document.getElementById('netpol-data');
if (embedded?.textContent) {
  standalone = JSON.parse(embedded.textContent) as StandaloneData;
  receive({ type: 'model', model: standalone.model, strings: standalone.strings });
} else {
  texts();
  host.post({ type: 'ready' });
}
