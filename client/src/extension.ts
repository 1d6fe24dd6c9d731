/**
 * The VS Code side: starts the language server over IPC for YAML files, gives it a log channel
 * and a watcher for the workspace's YAML files, and turns the server's describe / plan answers
 * into read-only documents. It runs nothing from the workspace; all analysis is in the server.
 */
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

async function showText(title: string, text: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: text });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  void title;
}

function activeYamlUri(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const editor = vscode.window.activeTextEditor;
  return editor && editor.document.languageId === 'yaml' ? editor.document.uri.toString() : undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const outputChannel = vscode.window.createOutputChannel('NetworkPolicy Lens', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'yaml' }],
    synchronize: {
      configurationSection: 'netpolLens',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
    outputChannel,
    initializationOptions: {
      docsBaseUrl: vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules').toString() + '/',
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
      await showText('NetworkPolicy verification plan', text);
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
