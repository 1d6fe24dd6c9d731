/**
 * Messages between the reachability panel (client/src/reachabilityPanel.ts, or the standalone
 * page `matrix --format html` writes) and the view (client/src/webview/main.ts). The view only
 * draws what the server computed: the model, and explanations it asks for.
 */
import type { EdgeExplanation, ExplainEdgeParams, ReachabilityModel, ReachabilityWire } from '../../../server/src/core/ide/reachModel';

export type { EdgeExplanation, ExplainEdgeParams, ReachabilityModel, ReachabilityWire };

/** Host → view. */
export type ToView =
  /** The model in its wire form (packed edges, core/ide/reach/wire.ts), as the server sends it. */
  | { readonly type: 'model'; readonly model: ReachabilityWire; readonly strings?: Readonly<Record<string, string>> }
  | { readonly type: 'explanation'; readonly requestId: number; readonly explanation?: EdgeExplanation; readonly error?: string }
  | { readonly type: 'updating' }
  | { readonly type: 'error'; readonly message: string };

/** View → host. */
export type FromView =
  | { readonly type: 'ready' }
  | { readonly type: 'explain'; readonly requestId: number; readonly params: ExplainEdgeParams }
  | { readonly type: 'open'; readonly file: string; readonly line: number; readonly column?: number }
  /** The namespace picker: ask the model for these namespaces (undefined: the default, all up to the edge limit). */
  | { readonly type: 'namespaces'; readonly namespaces?: readonly string[] };

/**
 * What the standalone page embeds (a `<script type="application/json" id="netpol-data">`): the
 * model, the explanations computed in advance (by edge id, for the edge's first allowed port),
 * and, for the rest, the command to run.
 */
export interface StandaloneData {
  /** The model in its wire form. */
  readonly model: ReachabilityWire;
  readonly strings: Readonly<Record<string, string>>;
  /** In a second data block (`netpol-explanations`) after the script, read on the first click, so the page paints first. */
  readonly explanations?: Readonly<Record<string, EdgeExplanation>>;
  /** How many edges have an explanation here; beyond it, the page shows the `traffic` command. */
  readonly explained: number;
}

/**
 * The view's own strings (beyond the model's): the panel passes them translated with
 * vscode.l10n.t, the CLI with t(). Keys are the English text.
 */
export const VIEW_STRING_KEYS = [
  'Changed since the panel opened: {0} added or changed, {1} removed',
  'Expand namespace',
  'Collapse namespaces',
  'Expand all',
  'Focus on this node',
  'Show everything',
  '{0} connections',
  'No explanation stored in this file for that pair; run:',
  'The graph has too many nodes to draw at once ({0}): collapse namespaces, filter or focus on a pod.',
] as const;
