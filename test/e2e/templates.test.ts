/**
 * Templates end to end: in a real editor, the "Insert allow-frontend-to-backend" source action
 * (asked for as VS Code's Source Action menu does) and the "Insert NetworkPolicy template" command
 * add the user's guide's manifest as a new YAML document, in an empty file and in a file with two
 * documents, leaving the existing text as it was.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { parseAllDocuments } from 'yaml';
import { activateExtension, openFixture, resetEditorsAroundEachTest, waitFor } from './helpers';

const TITLE = 'Insert allow-frontend-to-backend';

/** The guide's manifest as examples/ holds it, without the one-line header comment. */
function seedText(ext: vscode.Extension<unknown>): string {
  const text = fs.readFileSync(path.join(ext.extensionPath, 'examples', 'allow-frontend-to-backend.yaml'), 'utf8');
  return text.split('\n').slice(1).join('\n');
}

/**
 * The workspace (seed/) has a policy named allow-frontend-to-backend, so the server inserts the
 * template under a fresh name (`-2`, or later when other tests' files hold that one): the guide's
 * manifest with the name the action's title or the inserted text gives.
 */
const FRESH = /^allow-frontend-to-backend-\d+$/;
function named(seed: string, name: string): string {
  assert.match(name, FRESH);
  return seed.replace('name: allow-frontend-to-backend\n', `name: ${name}\n`);
}

function documents(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    assert.deepStrictEqual(d.errors.map((e) => e.message), [], text);
    return d.toJS();
  });
}

async function sourceAction(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.CodeAction> {
  return waitFor(
    async () => {
      const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        new vscode.Range(position, position),
        vscode.CodeActionKind.Source.value,
      );
      return (actions ?? []).find((a): a is vscode.CodeAction => a.title.startsWith(`${TITLE} as `) && 'edit' in a && !!a.edit);
    },
    20_000,
    `a "${TITLE}" source action for ${doc.uri.toString()}`,
  );
}

suite('templates', () => {
  let seed = '';

  suiteSetup(async () => {
    seed = seedText(await activateExtension());
  });

  resetEditorsAroundEachTest();

  test('the source action on an empty file inserts the guide\'s allow-frontend-to-backend', async () => {
    const { doc } = await openFixture('templates/empty.yaml');
    assert.strictEqual(doc.getText(), '');
    const action = await sourceAction(doc, new vscode.Position(0, 0));
    assert.strictEqual(action.kind?.value, 'source');
    const edits = action.edit!.get(doc.uri);
    assert.strictEqual(edits.length, 1);
    assert.ok(edits[0].range.isEmpty, 'a pure insertion');
    const want = named(seed, / as (\S+)$/.exec(action.title)![1]);
    assert.ok(await vscode.workspace.applyEdit(action.edit!));
    await waitFor(() => doc.getText() === want, 5_000, () => `the seed manifest, got ${JSON.stringify(doc.getText())}`);
    assert.deepStrictEqual(documents(doc.getText()), documents(want));
  });

  test('the source action in a two-document file adds a new document after the cursor\'s and keeps the old text', async () => {
    const { doc } = await openFixture('templates/two-documents.yaml');
    const original = doc.getText();
    const before = documents(original);
    assert.strictEqual(before.length, 2);
    // The cursor in the first document (the ConfigMap): the new document goes between the two.
    const line = original.split('\n').findIndex((l) => l.includes('name: settings'));
    const action = await sourceAction(doc, new vscode.Position(line, 4));
    const want = named(seed, / as (\S+)$/.exec(action.title)![1]);
    assert.ok(await vscode.workspace.applyEdit(action.edit!));
    const text = await waitFor(() => (doc.getText() !== original ? doc.getText() : undefined), 5_000, 'the edit to land');
    const at = original.indexOf('---\napiVersion: v1\nkind: Service');
    assert.ok(at > 0);
    assert.strictEqual(text, original.slice(0, at) + '---\n' + want + original.slice(at), 'the old text untouched, the seed in between');
    assert.deepStrictEqual(documents(text), [before[0], documents(want)[0], before[1]]);
  });

  test('the Insert NetworkPolicy template command appends the template to the file with the cursor in its last document, a taken name made fresh and selected', async () => {
    const { doc, editor } = await openFixture('templates/two-documents.yaml');
    const original = doc.getText();
    const last = doc.lineCount - 1;
    editor.selection = new vscode.Selection(last, 0, last, 0);
    const ok = await vscode.commands.executeCommand<boolean>('netpolLens.insertTemplate', 'allow-frontend-to-backend');
    assert.strictEqual(ok, true);
    const text = await waitFor(() => (doc.getText() !== original ? doc.getText() : undefined), 5_000, 'the edit to land');
    const want = named(seed, /name: (\S+)\n/.exec(text.slice(original.length))?.[1] ?? '');
    assert.strictEqual(text, original + '---\n' + want);
    assert.deepStrictEqual(documents(text), [...documents(original), documents(want)[0]]);
    const name = /name: (\S+)\n/.exec(text.slice(original.length))?.[1];
    if (name === 'allow-frontend-to-backend') {
      // The editor shows the new document, the cursor on its first line.
      const first = text.split('\n').indexOf('kind: NetworkPolicy') - 1;
      assert.strictEqual(editor.selection.active.line, first);
    }
    // The same template again: its name is taken now (by the one just inserted), so the server
    // gives a fresh one and the editor selects it, ready to be renamed.
    const again = await vscode.commands.executeCommand<boolean>('netpolLens.insertTemplate', 'allow-frontend-to-backend');
    assert.strictEqual(again, true);
    const text2 = await waitFor(() => (doc.getText() !== text ? doc.getText() : undefined), 5_000, 'the second edit to land');
    const fresh = /name: (\S+)\n/.exec(text2.slice(text.length))?.[1] ?? '';
    assert.match(fresh, /^allow-frontend-to-backend-\d+$/);
    assert.notStrictEqual(fresh, name);
    assert.strictEqual(doc.getText(editor.selection), fresh, 'the fresh name is selected');
    assert.strictEqual(doc.offsetAt(editor.selection.start), text.length + text2.slice(text.length).indexOf(`name: ${fresh}\n`) + 'name: '.length);
  });
});
