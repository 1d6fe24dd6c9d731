/**
 * Hover through the UI, as a user does it: the driver moves the mouse over a word in the editor
 * and the test reads the hover widget VS Code draws (not executeHoverProvider).
 * Needs the offline driver's UI bridge (helpers.ui); skipped under another runner.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, artifactPath, openFixture, resetEditors, ui, uiAvailable, waitFor, waitForUiTexts } from './helpers';

/** Waits until the server's workspace scan has found the workloads (the hover names them then). */
async function waitForScan(doc: vscode.TextDocument, name: string): Promise<void> {
  await waitFor(
    async () => {
      const line = doc.getText().split('\n').findIndex((l) => l.includes(`name: ${name}`));
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 10));
      return (h ?? []).flatMap((x) => x.contents).some((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '').includes('frontend-pod'));
    },
    20_000,
    'the workspace scan',
  );
}

/** Points the mouse at a word of the editor until a hover whose text satisfies `accept` is on screen; its texts. */
async function pointAndRead(args: { text: string; offset?: number; whole?: boolean; nth?: number }, accept: (text: string) => boolean, what: string): Promise<string> {
  const texts = await waitFor(
    async () => {
      await ui({ action: 'hoverEditorText', args });
      return waitForUiTexts('.monaco-hover .hover-contents', (t) => t.some(accept), 3_000, 'workbench').catch(() => undefined);
    },
    20_000,
    what,
    200,
  );
  return texts.find(accept)!;
}

/** Whether the first element of the hover widget whose text starts with `prefix` is inside the widget's visible box (not below the fold). */
async function visibleInHover(prefix: string): Promise<{ found: boolean; visible: boolean; hoverHeight: number }> {
  return ui({
    action: 'evaluate',
    args: {
      frame: 'workbench',
      expression: `
        const hover = [...document.querySelectorAll('.monaco-hover')].find((h) => h.offsetParent !== null && h.innerText.includes('NetworkPolicy'));
        if (!hover) return null;
        const box = hover.getBoundingClientRect();
        const el = [...hover.querySelectorAll('li, p')].find((e) => e.innerText.trim().startsWith(${JSON.stringify(prefix)}));
        if (!el) return { found: false, visible: false, hoverHeight: box.height };
        const r = el.getBoundingClientRect();
        return { found: true, visible: r.top >= box.top && r.bottom <= box.bottom + 1, hoverHeight: box.height };`,
    },
  });
}

suite('hover (UI)', () => {
  suiteSetup(async function () {
    if (!uiAvailable()) this.skip();
    await activateExtension();
  });

  teardown(async () => {
    await resetEditors(true);
  });

  test('pointing the mouse at the policy name shows its hover on screen, the verdict in its first lines', async () => {
    const { doc } = await openFixture('seed/allow-frontend-to-backend.yaml');
    await waitForScan(doc, 'allow-frontend-to-backend');
    const text = await pointAndRead({ text: 'allow-frontend-to-backend', offset: 3 }, (t) => t.includes('NetworkPolicy') && t.includes('allow-frontend-to-backend'), 'the hover widget');
    assert.ok(text.includes('default/backend'), text.slice(0, 500));
    // The first lines name the pod, who can reach it and who cannot.
    const first = text.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 6);
    assert.ok(first.some((l) => l.startsWith('default/backend (Deployment)')), first.join('\n'));
    assert.ok(first.includes('✔ from default/frontend-pod — any port'), first.join('\n'));
    assert.ok(first.some((l) => l.startsWith('✘ from default/database, kube-system/coredns')), first.join('\n'));
    // And they are drawn inside the hover box, not below the fold.
    for (const prefix of ['✔ from', '✘ from', '✘ to']) {
      const v = await visibleInHover(prefix);
      assert.ok(v.found && v.visible, `${prefix}: ${JSON.stringify(v)}`);
    }
    await ui({ action: 'screenshot', args: { path: artifactPath('hover.png') } });
  });

  test('pointing the mouse at egress: or a peer key shows that key, not the whole policy hover', async () => {
    const { doc } = await openFixture('seed/allow-egress-to-external-api.yaml');
    await waitForScan(doc, 'allow-egress-to-external-api');
    const egress = await pointAndRead({ text: 'egress', offset: 2, whole: true }, (t) => t.includes('the selected pods may open only'), 'the hover on egress:');
    assert.match(egress, /the selected pods may open only/);
    assert.match(egress, /203\.0\.113\.5\/32/);
    assert.match(egress, /Who can reach whom under default\/allow-egress-to-external-api: hover its name/);
    assert.ok(!egress.includes('✔') && !egress.includes('Selects'), egress);
    // Every hover box on screen: none is the policy hover.
    const all = await ui<string[]>({ action: 'texts', args: { selector: '.monaco-hover .hover-contents', frame: 'workbench' } });
    assert.ok(!all.some((t) => t.includes('✘') || t.includes('Selects pods')), all.join('\n---\n'));
    await ui({ action: 'screenshot', args: { path: artifactPath('hover-egress-key.png') } });
    await resetEditors(true);

    const { doc: doc2 } = await openFixture('seed/allow-frontend-to-backend.yaml');
    await waitForScan(doc2, 'allow-frontend-to-backend');
    // The second podSelector key: the peer under `from:`.
    const peer = await pointAndRead({ text: 'podSelector', offset: 3, whole: true, nth: 1 }, (t) => t.includes('Peer (source)'), 'the hover on the peer');
    assert.match(peer, /pods with app=frontend in default/);
    assert.match(peer, /default\/frontend-pod/);
    assert.ok(!peer.includes('✔') && !peer.includes('Selects'), peer);
  });
});
