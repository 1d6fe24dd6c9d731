/**
 * Templates and completion through the UI, as a user meets them: Ctrl+. in an empty YAML file
 * lists the templates (read from the action menu on screen), typing `netpol` lists each template
 * once (read from the suggest widget's rows), and typing `apiVersion: networking.k8s.io/v1` then
 * Enter breaks the line instead of accepting a suggestion. Screenshots of the two lists go to
 * e2e-artifacts/<locale>/ (copies in docs/images/). Also: describe and the plan open read-only
 * documents with workspace-relative paths. UI tests need the offline driver (helpers.ui).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { activateExtension, artifactPath, fixtureUri, openFixture, resetEditors, resetEditorsAroundEachTest, ui, uiAvailable, waitFor, waitForUiTexts } from './helpers';

const TITLES = ['Insert allow-frontend-to-backend', 'Insert allow-egress-to-external-api', 'Insert deny-ingress-from-external', 'Insert default-deny-all', 'Insert allow-DNS egress'];
const PREFIXES = ['netpol-allow-frontend-to-backend', 'netpol-allow-egress-to-external-api', 'netpol-deny-ingress-from-external', 'netpol-default-deny-all', 'netpol-allow-dns-egress'];

const EDITOR = '.editor-group-container.active .monaco-editor .view-lines';
const ACTION_ROWS = '.action-widget .monaco-list-row';
const SUGGEST_ROWS = '.editor-widget.suggest-widget .monaco-list-row';

/** Rows naming `word` as a whole word. */
function rowsWith(rows: readonly string[], word: string): number {
  const re = new RegExp(`(^|\\s)${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
  return rows.filter((r) => re.test(r)).length;
}

/** Waits until the workspace scan has found the workloads (the server's template snippets offer their labels then). */
async function workspaceKnown(doc: vscode.TextDocument): Promise<void> {
  await waitFor(
    async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(0, 0));
      return (list?.items ?? []).some((i) => typeof i.label !== 'string' && i.label.description?.includes('workspace'));
    },
    20_000,
    'the workspace scan (template snippets with workspace choices)',
  );
}

suite('templates and completion (UI)', () => {
  suiteSetup(async function () {
    if (!uiAvailable()) this.skip();
    await activateExtension();
  });

  // Each test types into a new empty file of its own, deleted afterwards (whatever the editor
  // does with it, no other test sees it).
  let scratch = 0;
  let current: vscode.Uri | undefined;
  async function emptyFile(): Promise<vscode.TextDocument> {
    current = fixtureUri(`ui-scratch-${++scratch}.yaml`);
    fs.writeFileSync(current.fsPath, '');
    const { doc } = await openFixture(current.path.split('/').slice(-1)[0]);
    assert.strictEqual(doc.getText(), '');
    return doc;
  }

  setup(async () => {
    await resetEditors();
  });

  teardown(async () => {
    if (uiAvailable()) await ui({ action: 'press', args: { keys: ['Escape', 'Escape'] } });
    await resetEditors();
    if (current && fs.existsSync(current.fsPath) && fs.readFileSync(current.fsPath, 'utf8') !== '') console.log(`[authoring-ui] ${current.fsPath} was saved by the editor`);
    if (current) fs.rmSync(current.fsPath, { force: true });
    current = undefined;
  });

  test('Ctrl+. in an empty YAML file shows the templates', async () => {
    const doc = await emptyFile();
    await ui({ action: 'click', args: { selector: EDITOR } });
    const rows = await waitFor(
      async () => {
        await ui({ action: 'press', args: { keys: ['Control+Period'] } });
        return waitForUiTexts(ACTION_ROWS, (t) => TITLES.every((x) => t.some((r) => r.includes(x))), 3_000, 'workbench').catch(async () => {
          await ui({ action: 'press', args: { keys: ['Escape'] } });
          return undefined;
        });
      },
      30_000,
      'the templates in the Ctrl+. menu',
      200,
    );
    for (const title of TITLES) assert.strictEqual(rows.filter((r) => r.includes(title)).length, 1, `${title} once in ${JSON.stringify(rows)}`);
    assert.ok(!rows.some((r) => /No code actions available/.test(r)), JSON.stringify(rows));
    await ui({ action: 'screenshot', args: { path: artifactPath('templates-ctrl-dot.png') } });
    // Enter takes the first (focused) entry: the guide's manifest goes in. The workspace has a
    // policy of that name already (seed/), so it is inserted as `-2`, the name selected.
    await ui({ action: 'press', args: { keys: ['Enter'] } });
    await waitFor(() => doc.getText().includes('kind: NetworkPolicy'), 10_000, () => `the template in the file, got ${JSON.stringify(doc.getText())}`);
    assert.match(doc.getText(), /^ {2}name: allow-frontend-to-backend-2$/m);
    const editor = vscode.window.activeTextEditor!;
    await waitFor(() => editor.document.getText(editor.selection) === 'allow-frontend-to-backend-2', 10_000, () => `the name selected, got ${JSON.stringify(editor.document.getText(editor.selection))}`);
  });

  test('typing netpol lists each template once', async () => {
    const doc = await emptyFile();
    await workspaceKnown(doc);
    await ui({ action: 'click', args: { selector: EDITOR } });
    await ui({ action: 'type', args: { text: 'netpol', delay: 60 } });
    const rows = await waitFor(
      async () => {
        const shown = await waitForUiTexts(SUGGEST_ROWS, (t) => PREFIXES.every((p) => rowsWith(t, p) > 0), 2_000, 'workbench').catch(() => undefined);
        if (!shown) await ui({ action: 'press', args: { keys: ['Control+Space'] } });
        return shown;
      },
      30_000,
      'the templates in the suggest widget',
      200,
    );
    for (const p of PREFIXES) assert.strictEqual(rowsWith(rows, p), 1, `${p} once in ${JSON.stringify(rows)}`);
    await ui({ action: 'screenshot', args: { path: artifactPath('templates-suggest.png') } });
  });

  test('typing apiVersion: networking.k8s.io/v1 and Enter breaks the line (no suggestion accepted)', async () => {
    const doc = await emptyFile();
    await ui({ action: 'click', args: { selector: EDITOR } });
    await ui({ action: 'type', args: { text: 'apiVersion: ', delay: 60 } });
    // The space after `apiVersion:` opens the values, as it should.
    await waitForUiTexts(SUGGEST_ROWS, (t) => rowsWith(t, 'networking.k8s.io/v1') > 0, 10_000, 'workbench').catch(async (err: Error) => {
      await ui({ action: 'screenshot', args: { path: artifactPath('debug-apiversion.png') } });
      throw new Error(`${err.message}; the document: ${JSON.stringify(doc.getText())}`);
    });
    // At a person's typing speed (the editor asks the server again after each key).
    await ui({ action: 'type', args: { text: 'networking.k8s.io/v1', delay: 150 } });
    // Once the value is complete the list empties and closes, as a user sees before pressing Enter.
    await waitForUiTexts(SUGGEST_ROWS, (t) => t.length === 0, 15_000, 'workbench');
    await ui({ action: 'press', args: { keys: ['Enter'] } });
    await ui({ action: 'type', args: { text: 'kind: NetworkPolicy', delay: 30 } });
    await waitFor(() => doc.getText().includes('kind: NetworkPolicy'), 10_000, () => `the second line, got ${JSON.stringify(doc.getText())}`);
    assert.strictEqual(doc.getText().split(/\r?\n/).slice(0, 2).join('\n'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy');
  });
});

suite('describe and plan documents', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  resetEditorsAroundEachTest();

  test('open read-only (no save prompt) with workspace-relative paths', async () => {
    const { doc } = await openFixture('seed/allow-frontend-to-backend.yaml');
    const plan = await waitFor(
      async () => {
        await vscode.commands.executeCommand('netpolLens.plan', doc.uri.toString());
        const d = vscode.window.activeTextEditor?.document;
        return d && d.uri.scheme === 'netpol-lens' && d.getText().includes('seed/allow-frontend-to-backend.yaml:') ? d : undefined;
      },
      20_000,
      'a plan naming seed/allow-frontend-to-backend.yaml',
      500,
    );
    assert.ok(!plan.getText().includes('file://'), plan.getText().slice(0, 1000));
    assert.strictEqual(plan.isUntitled, false);
    // A virtual document: editing it is refused, so it never becomes dirty or asks to be saved.
    await vscode.window.activeTextEditor!.edit((e) => e.insert(new vscode.Position(0, 0), 'x')).then(
      (ok) => ok,
      () => false,
    );
    assert.strictEqual(plan.isDirty, false);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('netpolLens.describe', doc.uri.toString(), 0);
    const described = await waitFor(() => {
      const d = vscode.window.activeTextEditor?.document;
      return d && d.uri.scheme === 'netpol-lens' && d.getText().includes('allow-frontend-to-backend') ? d : undefined;
    }, 10_000, 'the describe document');
    assert.match(described.getText(), /Name:\s+allow-frontend-to-backend/);
  });
});
