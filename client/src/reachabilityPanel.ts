/**
 * The reachability panel: a webview beside the editor that draws the model the language server
 * computes (`netpolLens/reachability`), asks it for explanations (`netpolLens/explainEdge`),
 * opens policies at the rule a link names, and follows edits: on `netpolLens/reachabilityChanged`
 * it asks again (debounced) and the view highlights what changed since the panel opened.
 */
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { EdgeExplanation, FromView, ReachabilityWire, ToView } from './webview/protocol';

export const REACHABILITY_REQUEST = 'netpolLens/reachability';
export const EXPLAIN_EDGE_REQUEST = 'netpolLens/explainEdge';
export const REACHABILITY_CHANGED = 'netpolLens/reachabilityChanged';

/** After a change notification, wait this long for more before asking for the model again. */
const REFRESH_DEBOUNCE_MS = 120;

/** The view's own strings (keys: client/src/webview/protocol.ts VIEW_STRING_KEYS). */
function viewStrings(): Record<string, string> {
  return {
    'Changed since the panel opened: {0} added or changed, {1} removed': vscode.l10n.t('Changed since the panel opened: {0} added or changed, {1} removed'),
    'Expand namespace': vscode.l10n.t('Expand namespace'),
    'Collapse namespaces': vscode.l10n.t('Collapse namespaces'),
    'Expand all': vscode.l10n.t('Expand all'),
    'Focus on this node': vscode.l10n.t('Focus on this node'),
    'Show everything': vscode.l10n.t('Show everything'),
    '{0} connections': vscode.l10n.t('{0} connections'),
    'No explanation stored in this file for that pair; run:': vscode.l10n.t('No explanation stored in this file for that pair; run:'),
    'The graph has too many nodes to draw at once ({0}): collapse namespaces, filter or focus on a pod.': vscode.l10n.t('The graph has too many nodes to draw at once ({0}): collapse namespaces, filter or focus on a pod.'),
  };
}

export class ReachabilityPanel {
  private static current: ReachabilityPanel | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asking = false;
  private again = false;
  private ready = false;
  /** The namespaces the view's picker chose (undefined: the server's default, every namespace up to its edge limit). */
  private namespaces: readonly string[] | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens the panel beside the editor, or reveals it. */
  static show(context: vscode.ExtensionContext, client: () => LanguageClient | undefined): ReachabilityPanel {
    if (ReachabilityPanel.current) {
      ReachabilityPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      return ReachabilityPanel.current;
    }
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('netpolLens.reachability', vscode.l10n.t('Reachability'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [dist],
    });
    ReachabilityPanel.current = new ReachabilityPanel(panel, dist, client);
    return ReachabilityPanel.current;
  }

  /** The server says the workspace changed: ask again (debounced) if a panel is open. */
  static changed(): void {
    ReachabilityPanel.current?.schedule();
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    dist: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
  ) {
    panel.webview.html = html(panel.webview, dist);
    panel.webview.onDidReceiveMessage((m: FromView) => void this.receive(m), undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  private post(msg: ToView): void {
    void this.panel.webview.postMessage(msg);
  }

  private schedule(): void {
    if (!this.ready) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, REFRESH_DEBOUNCE_MS);
  }

  /** Asks the server for the model and posts it; one request at a time (a change meanwhile asks once more). */
  private async refresh(): Promise<void> {
    if (this.asking) {
      this.again = true;
      return;
    }
    const c = this.client();
    if (!c || !c.isRunning()) {
      this.post({ type: 'error', message: vscode.l10n.t('The language server is not running.') });
      return;
    }
    this.asking = true;
    this.post({ type: 'updating' });
    try {
      // The wire form (packed edges) goes to the view as it came: the view decodes it.
      const model = await c.sendRequest<ReachabilityWire | null>(REACHABILITY_REQUEST, this.namespaces ? { namespaces: this.namespaces } : {});
      if (model) this.post({ type: 'model', model, strings: viewStrings() });
      else this.post({ type: 'error', message: vscode.l10n.t('The language server could not compute the reachability model; see the "NetworkPolicy Lens" output.') });
    } catch (err) {
      this.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    } finally {
      this.asking = false;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    }
  }

  private async receive(m: FromView): Promise<void> {
    if (m.type === 'ready') {
      this.ready = true;
      await this.refresh();
    } else if (m.type === 'explain') {
      const c = this.client();
      try {
        if (!c || !c.isRunning()) throw new Error(vscode.l10n.t('The language server is not running.'));
        const explanation = await c.sendRequest<EdgeExplanation | null>(EXPLAIN_EDGE_REQUEST, m.params);
        this.post({ type: 'explanation', requestId: m.requestId, explanation: explanation ?? undefined, error: explanation ? undefined : vscode.l10n.t('No explanation for that pair.') });
      } catch (err) {
        this.post({ type: 'explanation', requestId: m.requestId, error: err instanceof Error ? err.message : String(err) });
      }
    } else if (m.type === 'open') {
      await openAt(m.file, m.line, m.column);
    } else if (m.type === 'namespaces') {
      this.namespaces = Array.isArray(m.namespaces) ? m.namespaces.filter((n): n is string => typeof n === 'string') : undefined;
      await this.refresh();
    }
  }

  private dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    ReachabilityPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Opens `file` (a URI, or a path) in the first editor column with the cursor on `line` (1-based). */
async function openAt(file: string, line: number, column?: number): Promise<void> {
  const uri = /^[a-z][a-z0-9+.-]*:/i.test(file) ? vscode.Uri.parse(file) : vscode.Uri.file(file);
  const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, (column ?? 1) - 1));
  await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos), preview: false });
}

/** The panel's page: the bundled script and stylesheet only (and the layout worker from a blob: URL), under a strict Content-Security-Policy. */
function html(webview: vscode.Webview, dist: vscode.Uri): string {
  const nonce = crypto.randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css'));
  const worker = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'elk-worker.js'));
  // The layout worker (ELK): its text is fetched from dist/elk-worker.js (connect-src) after the
  // first paint and started from a blob: URL (worker-src).
  const csp = `default-src 'none'; script-src ${webview.cspSource} 'nonce-${nonce}'; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:; font-src ${webview.cspSource}; connect-src ${webview.cspSource}; worker-src blob:`;
  return `<!DOCTYPE html>
<html lang="${vscode.env.language.replace(/[^A-Za-z0-9-]/g, '')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style.toString()}">
<title>${vscode.l10n.t('Reachability')}</title>
</head>
<body data-elk-worker="${worker.toString()}">
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

/**
 * Sets the context key `netpolLens.editorHasPolicies` (the editor title button's `when`) for the
 * active editor: a YAML document that mentions `kind: NetworkPolicy`.
 */
export function trackPolicyEditors(): vscode.Disposable {
  const update = () => {
    const doc = vscode.window.activeTextEditor?.document;
    const has = !!doc && doc.languageId === 'yaml' && /^\s*kind:\s*["']?NetworkPolicy(List)?["']?\s*(#.*)?$/m.test(doc.getText());
    void vscode.commands.executeCommand('setContext', 'netpolLens.editorHasPolicies', has);
  };
  update();
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) update();
    }),
  );
}
