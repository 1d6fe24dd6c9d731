/**
 * Hover through the UI, as a user does it: the driver moves the mouse over the policy's name in
 * the editor and the test reads the hover widget VS Code draws (not executeHoverProvider).
 * Needs the offline driver's UI bridge (helpers.ui); skipped under another runner.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, artifactPath, openFixture, resetEditors, ui, uiAvailable, waitFor, waitForUiTexts } from './helpers';

suite('hover (UI)', () => {
  suiteSetup(async function () {
    if (!uiAvailable()) this.skip();
    await activateExtension();
  });

  teardown(async () => {
    await resetEditors(true);
  });

  test('pointing the mouse at the policy name shows its hover on screen', async () => {
    const { doc } = await openFixture('seed/allow-frontend-to-backend.yaml');
    // Wait until the workspace scan has found the workloads (the hover names them then).
    await waitFor(
      async () => {
        const line = doc.getText().split('\n').findIndex((l) => l.includes('name: allow-frontend-to-backend'));
        const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 10));
        return (h ?? []).flatMap((x) => x.contents).some((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '').includes('frontend-pod'));
      },
      20_000,
      'the workspace scan',
    );
    const texts = await waitFor(
      async () => {
        await ui({ action: 'hoverEditorText', args: { text: 'allow-frontend-to-backend', offset: 3 } });
        return waitForUiTexts('.monaco-hover .hover-contents', (t) => t.some((x) => x.includes('allow-frontend-to-backend')), 3_000, 'workbench').catch(() => undefined);
      },
      20_000,
      'the hover widget',
      200,
    );
    assert.ok(texts.join('\n').includes('default/backend'), texts.join('\n').slice(0, 500));
    await ui({ action: 'screenshot', args: { path: artifactPath('hover.png') } });
  });
});
