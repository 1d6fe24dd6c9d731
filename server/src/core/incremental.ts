/**
 * Incremental analysis for the editor: the YAML stream is cut at its document markers (`---`,
 * `...` at the start of a line, which always end a document), and each document's analysis is
 * reused while its text is unchanged, wherever it moved in the file. A keystroke then costs one
 * document's parse and checks plus the cut, not the whole file. The cache is plain data the
 * caller owns (one per open file); this module keeps no state.
 */
import { analyzeDocuments, AnalyzedPolicy, Diagnostic, Settings } from './analyze';
import { extractInventory, Inventory, PodInfo } from './model/inventory';
import { parseYamlStream } from './syntax/tree';
import type { FileAnalysis } from './workspace';

interface ChunkResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly policies: readonly AnalyzedPolicy[];
  readonly inventory: Inventory;
  /** The results moved to where the document last stood in the file (reused while it stays there). */
  placed?: Placed;
}

interface Placed {
  readonly start: number;
  readonly diagnostics: readonly Diagnostic[];
  readonly policies: readonly AnalyzedPolicy[];
  readonly pods: readonly PodInfo[];
  readonly namespaces: readonly Inventory['namespaces'][number][];
}

/** A chunk's results with file offsets, for the document starting at `start`. */
function place(r: ChunkResult, start: number): Placed {
  const inventory = placeInventory(r.inventory, start);
  return {
    start,
    diagnostics: r.diagnostics.map((d) => shiftDiagnostic(d, start)),
    policies: r.policies.map((p) => (start === 0 ? p : { ...p, base: p.base + start })),
    pods: inventory.pods,
    namespaces: inventory.namespaces,
  };
}

/** An inventory read from a file's text from offset `start` on, with the file's offsets. */
export function placeInventory(inv: Inventory, start: number): Inventory {
  if (start === 0) return inv;
  return {
    pods: inv.pods.map((p) => shiftPod(p, start)),
    namespaces: inv.namespaces.map((n) => (n.source ? { ...n, source: { file: n.source.file, span: { start: n.source.span.start + start, end: n.source.span.end + start } } } : n)),
  };
}

/** One open file's reusable per-document results, keyed by the document's exact text. */
export interface ChunkCache {
  chunks: Map<string, ChunkResult>;
  /** Settings the cached results were computed with; other settings invalidate them. */
  settingsKey: string;
}

export function newChunkCache(): ChunkCache {
  return { chunks: new Map(), settingsKey: '' };
}

const MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

/** Start offsets of the YAML documents in a stream (the first is always 0). */
export function documentStarts(text: string): number[] {
  const starts = [0];
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) if (m.index > 0) starts.push(m.index);
  return starts;
}

function shiftDiagnostic(d: Diagnostic, by: number): Diagnostic {
  if (by === 0) return d;
  return {
    ...d,
    span: { start: d.span.start + by, end: d.span.end + by },
    fix: d.fix && shiftFix(d.fix, by),
    ...(d.moreFixes ? { moreFixes: d.moreFixes.map((f) => shiftFix(f, by)) } : {}),
  };
}

function shiftFix(fix: NonNullable<Diagnostic['fix']>, by: number): NonNullable<Diagnostic['fix']> {
  return { title: fix.title, edits: fix.edits.map((e) => ({ span: { start: e.span.start + by, end: e.span.end + by }, newText: e.newText })) };
}

function shiftPod(p: PodInfo, by: number): PodInfo {
  return by === 0 ? p : { ...p, source: { file: p.source.file, span: { start: p.source.span.start + by, end: p.source.span.end + by } } };
}

function analyzeChunk(text: string, file: string, settings: Settings): ChunkResult {
  const docs = parseYamlStream(text);
  const analysis = analyzeDocuments(text, docs, settings);
  return { diagnostics: analysis.diagnostics, policies: analysis.policies, inventory: extractInventory(docs, file) };
}

function settingsKeyOf(settings: Settings): string {
  return JSON.stringify(settings.severity ?? {});
}

/**
 * Analyses a file, reusing `cache` for documents whose text did not change. The result is the
 * same as analyzeFile's, except that each policy's spans are relative to its `base`.
 */
export function analyzeIncremental(file: string, text: string, settings: Settings, cache: ChunkCache): FileAnalysis {
  const key = settingsKeyOf(settings);
  if (cache.settingsKey !== key) {
    cache.chunks = new Map();
    cache.settingsKey = key;
  }
  const starts = documentStarts(text);
  const next = new Map<string, ChunkResult>();
  const diagnostics: Diagnostic[] = [];
  const policies: AnalyzedPolicy[] = [];
  const pods: PodInfo[] = [];
  const namespaces: Inventory['namespaces'][number][] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    const chunk = text.slice(start, i + 1 < starts.length ? starts[i + 1] : text.length);
    let r = next.get(chunk) ?? cache.chunks.get(chunk);
    if (!r) r = analyzeChunk(chunk, file, settings);
    next.set(chunk, r);
    // Documents that did not move (every one before an edit; all of them after a same-length
    // replacement) reuse their placed results: a keystroke then allocates for one document only.
    let pl = r.placed;
    if (!pl || pl.start !== start) r.placed = pl = place(r, start);
    for (const d of pl.diagnostics) diagnostics.push(d);
    for (const p of pl.policies) policies.push(p);
    for (const p of pl.pods) pods.push(p);
    for (const n of pl.namespaces) namespaces.push(n);
  }
  cache.chunks = next;
  return { file, analysis: { diagnostics, policies }, inventory: { pods, namespaces } };
}
