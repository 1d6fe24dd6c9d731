/**
 * Hover end to end: hovering the seed's allow-frontend-to-backend in a real editor shows the
 * pods it selects and who can reach them, from the workspace the server scanned.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, openFixture, resetEditors, waitFor } from './helpers';

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

suite('hover', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  teardown(async () => {
    await resetEditors(true);
  });

  test('hovering allow-frontend-to-backend names frontend and backend and says who is blocked', async () => {
    const { doc } = await openFixture('seed/allow-frontend-to-backend.yaml');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('name: allow-frontend-to-backend'));
    assert.ok(line >= 0);
    const position = new vscode.Position(line, doc.lineAt(line).text.indexOf('allow') + 2);
    const text = await waitFor(
      async () => {
        const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position));
        // The workspace scan runs in the background; wait until it found the workloads.
        return t.includes('default/frontend-pod') ? t : undefined;
      },
      20_000,
      'a hover naming default/frontend-pod',
    );
    assert.match(text, /NetworkPolicy `default\/allow-frontend-to-backend`/);
    assert.match(text, /default\/backend \(Deployment\)/);
    assert.match(text, /^- ✔ from `default\/frontend-pod` — any port$/m);
    assert.match(text, /^- ✘ from `default\/database`, `kube-system\/coredns`/m);
  });
});
