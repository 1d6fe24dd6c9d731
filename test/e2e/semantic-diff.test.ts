/**
 * Semantic diff end to end, in a real VS Code: the workspace copy is a git repository with one
 * commit (the drivers make it), the client reads HEAD through the built-in Git extension and the
 * server compares. Editing the guide's allow-frontend-to-backend to allow every pod of default
 * brings a code lens "vs HEAD: +1 connections allowed, −0 blocked" (database → backend; backend's
 * own egress policy keeps replica → replica blocked), whose command opens the detail as a
 * read-only Markdown preview; undoing the edit takes the lens away.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, openFixture, replaceText, resetEditors, waitFor, workspaceFolder } from './helpers';

async function diffLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.filter((l) => l.command?.command === 'netpolLens.showDiff');
}

interface GitApiLike {
  readonly repositories: readonly { readonly rootUri: vscode.Uri; readonly state: { readonly HEAD?: { readonly commit?: string } } }[];
}

suite('semantic diff', () => {
  suiteSetup(async () => {
    await activateExtension();
    // The e2e user settings turn git off for every other suite; this one needs it.
    const git = vscode.workspace.getConfiguration('git');
    await git.update('enabled', true, vscode.ConfigurationTarget.Workspace);
    const ext = vscode.extensions.getExtension<{ enabled: boolean; getAPI(v: 1): GitApiLike }>('vscode.git');
    assert.ok(ext, 'the built-in Git extension is there');
    const api = await waitFor(async () => {
      const e = ext.isActive ? ext.exports : await ext.activate();
      return e.enabled ? e.getAPI(1) : undefined;
    }, 20_000, 'the Git extension to be enabled');
    await vscode.commands.executeCommand('git.openRepository', workspaceFolder().uri.fsPath);
    await waitFor(() => api.repositories.some((r) => r.state.HEAD?.commit), 20_000, () => `a repository with a HEAD commit (the driver commits the workspace; repositories: ${api.repositories.map((r) => r.rootUri.fsPath).join(', ') || 'none'})`);
  });

  suiteTeardown(async () => {
    await resetEditors();
    await vscode.workspace.getConfiguration('git').update('enabled', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('editing the guide policy shows what it allows compared with HEAD, in a code lens and its preview', async () => {
    const { doc } = await openFixture('seed/allow-frontend-to-backend.yaml');
    // The describe lens shows the server has answered; the file equals HEAD, so no diff lens.
    await waitFor(async () => {
      const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
      return all.some((l) => l.command?.command === 'netpolLens.describe');
    }, 20_000, 'the describe code lens');
    assert.deepEqual(await diffLenses(doc.uri), []);
    const text = doc.getText();
    const from = text.indexOf('    - podSelector:\n        matchLabels:\n          app: frontend\n');
    assert.ok(from > 0, 'the guide policy has its from podSelector');
    await replaceText(doc, new vscode.Range(doc.positionAt(from), doc.positionAt(from + '    - podSelector:\n        matchLabels:\n          app: frontend\n'.length)), '    - podSelector: {}\n');
    const lens = await waitFor(async () => (await diffLenses(doc.uri)).find((l) => l.command?.title.startsWith('vs HEAD: +1')), 30_000, 'a "vs HEAD: +1" code lens');
    assert.equal(lens.command!.title, 'vs HEAD: +1 connections allowed, −0 blocked');
    assert.match(String(lens.command!.tooltip), /Pairs \(source → destination\)/);
    // Its command opens the detail as a read-only netpol-lens-diff: Markdown document.
    const opened = await vscode.commands.executeCommand<string>(lens.command!.command, ...(lens.command!.arguments ?? []));
    assert.ok(opened && opened.startsWith('netpol-lens-diff:'), String(opened));
    const preview = await waitFor(() => vscode.workspace.textDocuments.find((d) => d.uri.toString() === opened && d.getText().includes('default/database')), 15_000, 'the diff preview');
    assert.equal(preview.languageId, 'markdown');
    assert.match(preview.getText(), /\| added \| default\/database \| default\/backend \| nothing \| all ports \| default\/allow-frontend-to-backend spec\.ingress\\\[0\\\]/);
    // Back to HEAD's text: the lens goes.
    await vscode.window.showTextDocument(doc);
    await replaceText(doc, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    await waitFor(async () => (await diffLenses(doc.uri)).length === 0, 30_000, 'the diff lens to go away');
  });
});
