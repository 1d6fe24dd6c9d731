/**
 * The VS Code side: starts the language server over IPC for YAML files, gives it a log channel
 * and a watcher for the workspace's YAML files, turns the server's describe / plan answers into
 * read-only documents, and applies the template edits the server computes (Insert NetworkPolicy
 * template). It runs nothing from the workspace; all analysis is in the server.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
  WorkspaceEdit as LspWorkspaceEdit,
} from 'vscode-languageclient/node';
import { REACHABILITY_CHANGED, ReachabilityPanel, trackPolicyEditors } from './reachabilityPanel';
import { registerSemanticDiff } from './semanticDiff';

let client: LanguageClient | undefined;

/** Crashes within this window count towards giving up. */
const CRASH_WINDOW_MS = 3 * 60 * 1000;
/** More crashes than this within the window: stop restarting (something is badly wrong). */
const MAX_CRASHES = 5;

/** What the extension exports: the notices shown about server crashes (for the end-to-end tests). */
export interface NetpolLensApi {
  readonly crashNotices: () => readonly string[];
}

/**
 * Restarts a server that died (a crash, an out-of-memory kill) and tells the user once per
 * session; after MAX_CRASHES within CRASH_WINDOW_MS it stops and offers a manual restart. Replaces
 * vscode-languageclient's default handler, whose messages repeat on every crash.
 */
class RestartingErrorHandler implements ErrorHandler {
  private crashes: number[] = [];
  private told = false;
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly notify: (message: string, gaveUp: boolean) => void,
  ) {}

  error(error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    this.log.error(`connection error: ${error.message}`);
    return { action: (count ?? 1) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < CRASH_WINDOW_MS);
    this.crashes.push(now);
    if (this.crashes.length > MAX_CRASHES) {
      this.log.error(`the language server stopped ${this.crashes.length} times in ${CRASH_WINDOW_MS / 60000} minutes; not restarting it`);
      this.notify(vscode.l10n.t('NetworkPolicy Lens: the language server stopped {0} times in {1} minutes and will not be restarted. Details are in the "NetworkPolicy Lens" output.', this.crashes.length, CRASH_WINDOW_MS / 60000), true);
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.log.warn('the language server stopped unexpectedly; restarting it');
    if (!this.told) {
      this.told = true;
      this.notify(vscode.l10n.t('NetworkPolicy Lens: the language server stopped unexpectedly and was restarted. Details are in the "NetworkPolicy Lens" output.'), false);
    }
    return { action: CloseAction.Restart, handled: true };
  }
}

/** The scheme of the read-only documents the describe and plan commands open. */
export const VIEW_SCHEME = 'netpol-lens';

/**
 * Read-only documents for the server's answers (kubectl describe, the verification plan): a
 * virtual document per title, so closing it never asks to save, and running the command again
 * refreshes it in place.
 */
class ViewDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }
}

const views = new ViewDocuments();

async function showText(title: string, text: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: VIEW_SCHEME, path: '/' + title.replace(/[\\/:*?"<>|]/g, '-') + '.txt' });
  views.set(uri, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

/** Selects `range` of `uri` in its editor (after a template went in under a fresh name). */
function selectRange(uri: unknown, range: unknown): void {
  const editor = vscode.window.activeTextEditor;
  const r = range as { start?: { line: number; character: number }; end?: { line: number; character: number } } | undefined;
  if (!editor || typeof uri !== 'string' || editor.document.uri.toString() !== uri || !r?.start || !r.end) return;
  const sel = new vscode.Selection(r.start.line, r.start.character, r.end.line, r.end.character);
  editor.selection = sel;
  editor.revealRange(sel, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

function activeYamlUri(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const editor = vscode.window.activeTextEditor;
  return editor && editor.document.languageId === 'yaml' ? editor.document.uri.toString() : undefined;
}

interface TemplateSummary {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** The template's own policy name. */
  readonly name?: string;
}

/**
 * Inserts a NetworkPolicy template into the active editor as a new YAML document after the one
 * holding the cursor: the template is picked from a QuickPick (or given as the argument, its id or
 * label), the server computes the edit from the editor's text, and the client applies it and
 * puts the cursor on the new document's first line, or selects the policy's name when the
 * template's own was taken and the server chose a fresh one (`…-2`), ready to be renamed.
 */
async function insertTemplate(template: unknown): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client) return false;
  const templates = await client.sendRequest<TemplateSummary[]>('netpolLens/templates', {});
  let chosen = typeof template === 'string' ? templates.find((t) => t.id === template || t.label === template) : undefined;
  if (!chosen) {
    const pick = await vscode.window.showQuickPick(
      templates.map((t) => ({ label: t.label, detail: t.description, template: t })),
      { placeHolder: vscode.l10n.t('NetworkPolicy template to insert as a new YAML document'), matchOnDetail: true },
    );
    if (!pick) return false;
    chosen = pick.template;
  }
  const doc = editor.document;
  const version = doc.version;
  const position = editor.selection.active;
  const lspEdit = await client.sendRequest<LspWorkspaceEdit | null>('netpolLens/insertTemplate', {
    uri: doc.uri.toString(),
    position: { line: position.line, character: position.character },
    template: chosen.id,
    text: doc.getText(),
  });
  if (!lspEdit) return false;
  if (doc.version !== version) {
    void vscode.window.showWarningMessage(vscode.l10n.t('NetworkPolicy Lens: the document changed while the template was prepared; run the command again.'));
    return false;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(lspEdit);
  const inserted = edit.get(doc.uri)[0];
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  if (inserted && vscode.window.activeTextEditor?.document === doc) {
    const start = doc.offsetAt(inserted.range.start);
    const bodyStart = start + (/^(?:\r?\n)?(?:---\r?\n)?/.exec(inserted.newText)?.[0].length ?? 0);
    const first = doc.positionAt(bodyStart);
    const end = doc.positionAt(start + inserted.newText.length);
    editor.selection = new vscode.Selection(first, first);
    const named = /^[ \t]+name: (\S+)\r?$/m.exec(inserted.newText);
    if (named && chosen.name !== undefined && named[1] !== chosen.name) {
      const at = start + named.index + named[0].indexOf(named[1], named[0].indexOf('name:'));
      editor.selection = new vscode.Selection(doc.positionAt(at), doc.positionAt(at + named[1].length));
    }
    editor.revealRange(new vscode.Range(first, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
  return true;
}

export async function activate(context: vscode.ExtensionContext): Promise<NetpolLensApi> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const outputChannel = vscode.window.createOutputChannel('NetworkPolicy Lens', { log: true });
  const notices: string[] = [];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'yaml' }],
    synchronize: {
      configurationSection: 'netpolLens',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,json}'),
    },
    outputChannel,
    errorHandler: new RestartingErrorHandler(outputChannel, (message, gaveUp) => {
      notices.push(message);
      if (!gaveUp) void vscode.window.showWarningMessage(message);
      else {
        const restart = vscode.l10n.t('Restart');
        void vscode.window.showErrorMessage(message, restart).then((choice) => {
          if (choice === restart) void client?.start();
        });
      }
    }),
    initializationOptions: {
      docsBaseUrl: vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules').toString() + '/',
      // This client watches the files (synchronize.fileEvents): the server need not register watchers.
      watchesFiles: true,
      clientCommands: ['netpolLens.selectRange'],
    },
  };
  client = new LanguageClient('netpolLens', 'NetworkPolicy Lens', serverOptions, clientOptions);
  context.subscriptions.push(
    outputChannel,
    vscode.commands.registerCommand('netpolLens.describe', async (uri?: unknown, index?: unknown) => {
      const target = activeYamlUri(uri);
      if (!target || !client) return;
      const text = await client.sendRequest<string>('netpolLens/describe', { uri: target, index: typeof index === 'number' ? index : undefined });
      await showText('kubectl describe networkpolicy', text);
    }),
    vscode.commands.registerCommand('netpolLens.plan', async (uri?: unknown) => {
      const target = activeYamlUri(uri);
      if (!target || !client) return;
      const text = await client.sendRequest<string>('netpolLens/plan', { uri: target });
      await showText(vscode.l10n.t('NetworkPolicy verification plan'), text);
    }),
    vscode.commands.registerCommand('netpolLens.insertTemplate', (template?: unknown) => insertTemplate(template)),
    vscode.commands.registerCommand('netpolLens.selectRange', (uri?: unknown, range?: unknown) => selectRange(uri, range)),
    vscode.workspace.registerTextDocumentContentProvider(VIEW_SCHEME, views),
    vscode.commands.registerCommand('netpolLens.showReachability', () => {
      ReachabilityPanel.show(context, () => client);
    }),
    trackPolicyEditors(),
    client.onNotification(REACHABILITY_CHANGED, () => ReachabilityPanel.changed()),
  );
  // Semantic diff: HEAD's text from the Git extension as each file's baseline; the detail as a preview.
  registerSemanticDiff(context, () => client, outputChannel);
  await client.start();
  return { crashNotices: () => [...notices] };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
