/**
 * `netpol-lens matrix --format html`: the reachability view as one self-contained offline page
 * (core/ide/reachHtml.ts): the model, explanations for the first EXPLAIN_CAP edges (past it, the
 * page shows the `netpol-lens traffic` command to run), the view's script, stylesheet and layout
 * worker read from next to this file (dist/webview.js, dist/webview.css, dist/elk-worker.js).
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildReachabilityModel, explainEdge, getLocale, t } from '../core';
import type { EdgeExplanation } from '../core';
import { renderReachHtml } from '../core/ide/reachHtml';
import { UsageError } from './files';
import { Io, readWorld } from './load';

/**
 * At most about this many edges unless --max-edges says otherwise (the VS Code panel gets the
 * server's default, lsp/reachability.ts DEFAULT_MAX_EDGES): past it whole namespaces are left
 * out and the page lists them.
 */
export const HTML_MAX_EDGES = 10000;

/** Edges explained in advance (each is a `traffic` explanation: ~1 KB of page and ~0.1 ms each). */
export const EXPLAIN_CAP = 2000;

export function matrixHtml(inputs: readonly string[], io: Io, maxEdgesText?: string, assetsDir = __dirname): number {
  const maxEdges = maxEdgesText === undefined ? HTML_MAX_EDGES : Number(maxEdgesText);
  if (!Number.isInteger(maxEdges) || maxEdges < 1) throw new UsageError(t('--max-edges must be a positive whole number, not {0}', JSON.stringify(maxEdgesText)));
  let script: string;
  let css: string;
  let elkWorker: string;
  try {
    script = fs.readFileSync(path.join(assetsDir, 'webview.js'), 'utf8');
    css = fs.readFileSync(path.join(assetsDir, 'webview.css'), 'utf8');
    elkWorker = fs.readFileSync(path.join(assetsDir, 'elk-worker.js'), 'utf8');
  } catch {
    throw new UsageError(t('the reachability view script (webview.js, webview.css) is missing next to the command in {0}; build with npm run build', assetsDir));
  }
  const loaded = readWorld(inputs, io);
  const world = loaded.world;
  const started = performance.now();
  const built = buildReachabilityModel(world, loaded.locate, { maxEdges });
  const model = { ...built, stats: { ...built.stats, ms: Math.round(performance.now() - started) } };
  const explanations: Record<string, EdgeExplanation> = {};
  for (const e of model.edges.slice(0, EXPLAIN_CAP)) {
    const x = explainEdge(world, { from: e.from, to: e.to }, loaded.locate);
    if (x) explanations[e.id] = x;
  }
  io.stdout(renderReachHtml({ model, explanations, script, css, elkWorker, nonce: (require('crypto') as typeof import('crypto')).randomBytes(18).toString('base64'), lang: getLocale() }));
  return loaded.unreadable ? 2 : 0;
}
