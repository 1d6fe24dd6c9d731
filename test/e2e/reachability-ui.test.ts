/**
 * The reachability view through the UI, as a user gets to it: the Command Palette (F1, type,
 * Enter) and the editor title button open the panel; the test reads the webview's DOM (edges are
 * `.edge[data-from][data-to]`), clicks an edge and reads the explanation, follows its link to the
 * rule, edits a policy without saving and sees the edge change, and saves screenshots of the panel
 * in light and dark themes (e2e-artifacts/<locale>/reachability-{light,dark}.png).
 * Needs the offline driver's UI bridge; skipped under another runner.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, artifactPath, findKeyValue, openFixture, replaceText, resetEditors, ui, uiAvailable, waitFor, waitForUiTexts } from './helpers';

const FRONTEND = 'pod:default/frontend-pod';
const DATABASE = 'pod:default/database';

interface DrawnEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly changed: boolean;
}

/** The edges drawn in the reachability webview now, once ELK's layout (its worker, under the panel's CSP) is drawn; null before. */
async function drawnEdges(): Promise<DrawnEdge[] | null> {
  return ui<DrawnEdge[] | null>({
    action: 'evaluate',
    args: {
      frame: 'webview',
      expression: `const es = [...document.querySelectorAll('#graph-svg .edge')];
        if (!document.body.dataset.painted || document.body.dataset.layout !== 'elk' || es.length === 0) return null;
        return es.map((e) => ({ from: e.getAttribute('data-from'), to: e.getAttribute('data-to'), label: e.getAttribute('aria-label'), changed: e.classList.contains('changed') }));`,
    },
  });
}

function isBackend(id: string): boolean {
  return id.startsWith('pod:default/backend') || id.startsWith('group:default/backend');
}

async function waitForEdges(accept: (edges: DrawnEdge[]) => boolean, what: string, timeoutMs = 30_000): Promise<DrawnEdge[]> {
  let last: DrawnEdge[] | null = null;
  return waitFor(
    async () => {
      last = await drawnEdges();
      return last && accept(last) ? last : undefined;
    },
    timeoutMs,
    () => `${what} (edges now: ${JSON.stringify(last?.map((e) => `${e.from}->${e.to}${e.changed ? ' (changed)' : ''}`))})`,
    200,
  );
}

/** Waits until the workspace scan has found the guide's workloads (the model names them then). */
async function waitForScan(doc: vscode.TextDocument): Promise<void> {
  await waitFor(
    async () => {
      const line = doc.getText().split('\n').findIndex((l) => l.includes('name: allow-frontend-to-backend'));
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 10));
      return (h ?? []).flatMap((x) => x.contents).some((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '').includes('frontend-pod'));
    },
    30_000,
    'the workspace scan',
  );
}

async function setTheme(theme: string | undefined, bodyClass: string): Promise<void> {
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  await waitFor(
    () => ui<boolean | null>({ action: 'evaluate', args: { frame: 'webview', expression: `return document.getElementById('graph-svg') ? document.body.classList.contains(${JSON.stringify(bodyClass)}) || null : null;` } }),
    15_000,
    `the webview to take the ${bodyClass} theme`,
    200,
  );
}

suite('reachability view (UI)', function () {
  // Palette, panel, clicks, two theme changes and screenshots: more than mocha's default minute on a busy machine.
  this.timeout(180_000);
  suiteSetup(async function () {
    if (!uiAvailable()) this.skip();
    await activateExtension();
  });

  teardown(async () => {
    await resetEditors();
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  });

  test('Command Palette → Show Reachability: frontend → backend is an edge, database → backend is not; clicking the edge explains it and its link opens the rule', async () => {
    const { doc } = await openFixture('seed/allow-frontend-to-backend.yaml');
    await waitForScan(doc);
    await ui({ action: 'press', args: { keys: ['F1'] } });
    await waitForUiTexts('.quick-input-widget', (t) => t.length > 0, 10_000, 'workbench');
    await ui({ action: 'type', args: { text: 'NetworkPolicy Lens: Show Reachability' } });
    await waitForUiTexts('.quick-input-list .monaco-list-row', (t) => t.some((x) => x.includes('Show Reachability')), 10_000, 'workbench');
    await ui({ action: 'press', args: { keys: ['Enter'] } });
    const edges = await waitForEdges((es) => es.some((e) => e.from === FRONTEND && isBackend(e.to)), 'the edge frontend → backend');
    assert.ok(!edges.some((e) => e.from === DATABASE && isBackend(e.to)), `database → backend must not be an edge: ${JSON.stringify(edges)}`);
    const backend = edges.find((e) => e.from === FRONTEND && isBackend(e.to))!.to;

    await ui({ action: 'click', args: { frame: 'webview', selector: `.edge[data-from="${FRONTEND}"][data-to="${backend}"] .edge-label` } });
    const explanation = await waitForUiTexts('#explain', (t) => t.some((x) => /allowed/.test(x) && x.includes('allow-frontend-to-backend')), 15_000, 'webview');
    assert.match(explanation.join('\n'), /frontend-pod → backend/);

    // Room for the panel in the screenshots: its editor group maximized (restored below).
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
    await setTheme('Default Light Modern', 'vscode-light');
    await ui({ action: 'screenshot', args: { path: artifactPath('reachability-light.png') } });
    await setTheme('Default Dark Modern', 'vscode-dark');
    await ui({ action: 'screenshot', args: { path: artifactPath('reachability-dark.png') } });
    await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');

    // The rule's link opens the policy with the cursor on the rule.
    await ui({ action: 'click', args: { frame: 'webview', selector: '#explain a.source', text: 'spec.ingress[0]' } });
    const editor = await waitFor(
      () => {
        const e = vscode.window.activeTextEditor;
        return e && e.document.uri.path.endsWith('/seed/allow-frontend-to-backend.yaml') && e.selection.active.line > 0 ? e : undefined;
      },
      15_000,
      'the policy to open at the rule',
    );
    const ingressLine = editor.document.getText().split('\n').findIndex((l) => /^\s*ingress:/.test(l));
    assert.ok(Math.abs(editor.selection.active.line - ingressLine) <= 2, `cursor on line ${editor.selection.active.line + 1}, the ingress rule is at ${ingressLine + 1}`);

    // The namespace picker: leave `default` out, and the graph has none of its pods; choose it again, and frontend → backend is back.
    const defaultNodes = () => ui<number>({ action: 'evaluate', args: { frame: 'webview', expression: `if (!document.getElementById('graph-svg')) return null; return document.querySelectorAll('#graph-svg .node[data-id^="pod:default/"], #graph-svg .node[data-id^="group:default/"], #graph-svg .node[data-id="ns:default"]').length;` } });
    assert.ok((await defaultNodes()) > 0);
    await ui({ action: 'click', args: { frame: 'webview', selector: '#namespaces-button' } });
    await ui({ action: 'click', args: { frame: 'webview', selector: '#namespace-list li[data-namespace="default"] input' } });
    await ui({ action: 'click', args: { frame: 'webview', selector: '#namespace-apply' } });
    await waitFor(async () => ((await defaultNodes()) === 0 ? true : undefined), 15_000, 'the default namespace to leave the graph', 200);
    await ui({ action: 'click', args: { frame: 'webview', selector: '#namespaces-button' } });
    await ui({ action: 'click', args: { frame: 'webview', selector: '#namespace-all' } });
    await ui({ action: 'click', args: { frame: 'webview', selector: '#namespace-apply' } });
    await waitForEdges((es) => es.some((e) => e.from === FRONTEND && isBackend(e.to)), 'frontend → backend once default is chosen again');
  });

  test('the editor title button opens the panel; an unsaved edit to a policy changes the edge, highlighted as changed', async () => {
    const { doc } = await openFixture('seed/allow-frontend-to-backend.yaml');
    await waitForScan(doc);
    await waitForUiTexts('.editor-actions .action-label.codicon-type-hierarchy', (t) => t.length > 0, 15_000, 'workbench').catch(() => []);
    await ui({ action: 'click', args: { frame: 'workbench', selector: '.editor-actions .action-label.codicon-type-hierarchy' } });
    await waitForEdges((es) => es.some((e) => e.from === FRONTEND && isBackend(e.to)), 'the panel opened from the title button');

    // Allow the database instead of the frontend: without saving, the panel follows.
    const kv = findKeyValue(doc, 'app', 1);
    assert.equal(kv.value, 'frontend');
    await replaceText(doc, kv.valueRange, 'database');
    const after = await waitForEdges((es) => es.some((e) => e.from === DATABASE && isBackend(e.to) && e.changed) && !es.some((e) => e.from === FRONTEND && isBackend(e.to) && !e.changed), 'database → backend to appear (changed) and frontend → backend to go');
    assert.ok(after.some((e) => e.from === DATABASE && isBackend(e.to)));
    const changes = await waitForUiTexts('#changes', (t) => t.some((x) => /added or changed/.test(x)), 10_000, 'webview');
    assert.match(changes.join(' '), /1 removed/);
    await ui({ action: 'screenshot', args: { path: artifactPath('reachability-changed.png') } });
  });
});
