/**
 * The client's part of the semantic diff: it reads each open YAML file's version at git HEAD
 * through VS Code's built-in Git extension (`vscode.git`, API v1: `repository.show`) and sends it
 * to the server (`netpolLens/baseline`); without git it sends nothing and the server compares with
 * the text at open. The detail opens as a read-only Markdown preview, a virtual document of the
 * `netpol-lens-diff` scheme whose content the server renders (`netpolLens/diff`).
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { LanguageClient } from 'vscode-languageclient/node';

export const DIFF_SCHEME = 'netpol-lens-diff';

/** The part of the Git extension's API (extensions/git/src/api/git.d.ts) used here. */
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: { readonly HEAD?: { readonly commit?: string }; readonly onDidChange: vscode.Event<void> };
  show(ref: string, path: string): Promise<string>;
}
interface GitApi {
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
}
interface GitExtension {
  readonly enabled: boolean;
  readonly onDidChangeEnablement: vscode.Event<boolean>;
  getAPI(version: 1): GitApi;
}

interface DiffQuery {
  readonly uri: string;
  readonly namespace?: string;
  readonly name?: string;
}

export function registerSemanticDiff(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined, log: vscode.LogOutputChannel): void {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
      const client = getClient();
      if (!client) return '';
      const q = JSON.parse(uri.query) as DiffQuery;
      return client.sendRequest<string>('netpolLens/diff', { uri: q.uri, namespace: q.namespace, name: q.name, format: 'md' });
    },
  };

  // The commit each open file's baseline was last sent for.
  const sent = new Map<string, string>();
  let gitApi: GitApi | undefined;
  let gitTried = false;

  async function git(): Promise<GitApi | undefined> {
    if (gitApi || gitTried) return gitApi;
    gitTried = true;
    try {
      const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
      if (!ext) return undefined;
      const exports = ext.isActive ? ext.exports : await ext.activate();
      if (!exports) return undefined;
      if (!exports.enabled) {
        // git.enabled off: try again when the user turns it on.
        const sub = exports.onDidChangeEnablement?.((on) => {
          if (!on) return;
          sub?.dispose();
          gitTried = false;
          void sendAll();
        });
        if (sub) context.subscriptions.push(sub);
        return undefined;
      }
      gitApi = exports.getAPI(1);
      context.subscriptions.push(
        gitApi.onDidOpenRepository((repo) => {
          watch(repo);
          void sendAll();
        }),
      );
      for (const repo of gitApi.repositories) watch(repo);
    } catch (err) {
      log.warn(`git is not available for the semantic diff: ${(err as Error).message}`);
    }
    return gitApi;
  }

  const watched = new WeakSet<GitRepository>();
  function watch(repo: GitRepository): void {
    if (watched.has(repo)) return;
    watched.add(repo);
    // HEAD moves (a commit, a checkout): the baselines of its files change.
    context.subscriptions.push(repo.state.onDidChange(() => void sendAll()));
  }

  async function sendBaseline(doc: vscode.TextDocument, force = false): Promise<void> {
    if (doc.languageId !== 'yaml' || doc.uri.scheme !== 'file') return;
    const client = getClient();
    if (!client || client.state !== State.Running) return;
    const api = await git();
    const repo = api?.getRepository(doc.uri);
    const head = repo?.state.HEAD?.commit;
    if (!repo || !head) return; // no git, or no commit yet: the server keeps the text at open
    const key = doc.uri.toString();
    if (!force && sent.get(key) === head) return;
    sent.set(key, head);
    let text = '';
    try {
      text = await repo.show(head, doc.uri.fsPath);
    } catch {
      // Not in HEAD (a new file): everything in it is new.
    }
    await client.sendNotification('netpolLens/baseline', { uri: key, text, label: 'HEAD' });
  }

  async function sendAll(force = false): Promise<void> {
    for (const doc of vscode.workspace.textDocuments) await sendBaseline(doc, force).catch((err) => log.warn(`baseline for ${doc.uri.toString()}: ${(err as Error).message}`));
  }

  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, provider),
    vscode.workspace.onDidOpenTextDocument((doc) => void sendBaseline(doc).catch(() => undefined)),
    vscode.workspace.onDidCloseTextDocument((doc) => sent.delete(doc.uri.toString())),
    vscode.commands.registerCommand('netpolLens.showDiff', async (uri?: unknown, namespace?: unknown, name?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const target = typeof uri === 'string' ? uri : editor && editor.document.languageId === 'yaml' ? editor.document.uri.toString() : undefined;
      if (!target) return undefined;
      const q: DiffQuery = { uri: target, ...(typeof namespace === 'string' && typeof name === 'string' ? { namespace, name } : {}) };
      const base = path.posix.basename(vscode.Uri.parse(target).path).replace(/\.ya?ml$/i, '');
      const virtual = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${base}${q.name ? `-${q.name}` : ''}.diff.md`, query: JSON.stringify(q) });
      changed.fire(virtual);
      const doc = await vscode.workspace.openTextDocument(virtual);
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      return virtual.toString();
    }),
  );
  // A restarted server has lost the baselines: send them again.
  const client = getClient();
  if (client) {
    context.subscriptions.push(
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) void sendAll(true);
      }),
    );
  }
}

