/**
 * The VS Code side: starts the language server over IPC for YAML files and gives it a log
 * channel. It runs nothing from the workspace; all analysis happens in the server.
 */
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const outputChannel = vscode.window.createOutputChannel('NetworkPolicy Lens', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'yaml' }],
    synchronize: { configurationSection: 'netpolLens' },
    outputChannel,
    initializationOptions: {
      docsBaseUrl: vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules').toString() + '/',
    },
  };
  client = new LanguageClient('netpolLens', 'NetworkPolicy Lens', serverOptions, clientOptions);
  context.subscriptions.push(outputChannel);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
