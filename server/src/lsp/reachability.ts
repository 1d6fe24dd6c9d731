/**
 * The reachability view's requests: `netpolLens/reachability` (the model of the whole workspace,
 * open documents' unsaved text included, in its wire form: core/ide/reach/wire.ts) and `netpolLens/explainEdge`, plus the notification
 * `netpolLens/reachabilityChanged` (no params) once the workspace changed after a model was asked
 * for, so that the view asks again. Links name files by URI.
 */
import * as fs from 'fs';
import { fileURLToPath } from 'url';
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildReachabilityModel, encodeReachability, explainEdge, LineIndex } from '../core';
import { relativizeText } from './paths';
import type { ExplainEdgeParams, Locate, ReachabilityParams, ReachabilityWire } from '../core';
import type { WorkspaceIndex } from './workspaceIndex';
import { runSafe } from './runSafe';

export const REACHABILITY_REQUEST = 'netpolLens/reachability';
export const EXPLAIN_EDGE_REQUEST = 'netpolLens/explainEdge';
export const REACHABILITY_CHANGED = 'netpolLens/reachabilityChanged';

/** Edges a model holds at most unless the request says otherwise (whole namespaces are left out past it). */
export const DEFAULT_MAX_EDGES = 5000;

export interface ReachabilityDeps {
  readonly documents: TextDocuments<TextDocument>;
  readonly index: WorkspaceIndex;
  /** Makes the workspace hold an open document's latest text. */
  readonly syncOpen: (uri: string) => void;
  /** The workspace folders (paths), to name files relative to them in explanations. */
  readonly folders?: () => readonly string[];
}

export interface Reachability {
  /** Call when the workspace may have changed (after a workspace pass, a file changed on disk). */
  worldChanged(): void;
}

export function startReachability(connection: Connection, deps: ReachabilityDeps): Reachability {
  const { documents, index } = deps;
  /** The workspace generation the last model was computed from (undefined: none asked for yet). */
  let shown: number | undefined;
  let notified: number | undefined;
  let lines: { generation: number; indexes: Map<string, LineIndex | null> } | undefined;

  /** 1-based lines from the open document's text, else the file on disk; cached per workspace generation. */
  const locate: Locate = (file, offset) => {
    if (!lines || lines.generation !== index.generation) lines = { generation: index.generation, indexes: new Map() };
    let idx = lines.indexes.get(file);
    if (idx === undefined) {
      let text = documents.get(file)?.getText();
      if (text === undefined) {
        try {
          text = fs.readFileSync(fileURLToPath(file), 'utf8');
        } catch {
          text = undefined;
        }
      }
      idx = text === undefined ? null : new LineIndex(text);
      lines.indexes.set(file, idx);
    }
    return idx ? idx.positionAt(offset).line + 1 : undefined;
  };

  const syncAll = () => {
    for (const doc of documents.all()) deps.syncOpen(doc.uri);
  };

  connection.onRequest(REACHABILITY_REQUEST, (params: ReachabilityParams | null, token) =>
    runSafe<ReachabilityWire | null>(connection, 'reachability', null, token, () => {
      const started = performance.now();
      syncAll();
      const p = params ?? {};
      const namespaces = Array.isArray(p.namespaces) ? p.namespaces.filter((n): n is string => typeof n === 'string') : undefined;
      const maxEdges = typeof p.maxEdges === 'number' && p.maxEdges >= 0 ? p.maxEdges : DEFAULT_MAX_EDGES;
      shown = index.generation;
      const model = buildReachabilityModel(index.workspace().world, locate, { ...(namespaces ? { namespaces } : {}), maxEdges });
      // The wire form (packed edges): a fraction of the JSON to write, send and read.
      const wire = encodeReachability(model);
      return { ...wire, stats: { ...wire.stats, ms: Math.round(performance.now() - started) } };
    }),
  );

  connection.onRequest(EXPLAIN_EDGE_REQUEST, (params: ExplainEdgeParams, token) =>
    runSafe(connection, 'explain edge', null, token, () => {
      syncAll();
      const e = explainEdge(index.workspace().world, params, locate);
      if (!e) return null;
      // Text for people names files relative to the workspace folder; links keep their URIs.
      const folders = deps.folders?.() ?? [];
      return folders.length ? { ...e, lines: e.lines.map((l) => relativizeText(l, folders)) } : e;
    }),
  );

  return {
    worldChanged(): void {
      const generation = index.generation;
      if (shown === undefined || generation === shown || generation === notified) return;
      notified = generation;
      void connection.sendNotification(REACHABILITY_CHANGED);
    },
  };
}
