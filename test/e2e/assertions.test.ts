/**
 * Connectivity assertions end to end: a workspace file with the user's guide's expectations as
 * `# netpol-lens expect:` comments, one of them wrong (the guide says frontend -> database is
 * blocked, but no policy selects the database). The wrong one is underlined as an error on exactly
 * its line, the others are not; fixing the policies with a WorkspaceEdit (a policy isolating the
 * database for ingress, added to the guide's policy file) clears it.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, describeDiagnostics, fixtureUri, netpolDiagnostics, openFixture, resetEditorsAroundEachTest, waitFor } from './helpers';
import { DATABASE_DENY_INGRESS } from '../harness/policies';

const EXPECTATIONS = [
  '# The guide\'s expected results (netpol-lens test checks them).',
  '# netpol-lens expect: default/frontend-pod -> default/backend:8080 allowed',
  '# netpol-lens expect: default/database -> default/backend:8080 blocked',
  '# netpol-lens expect: default/frontend-pod -> default/database:5432 blocked  # the guide\'s claim',
  '# netpol-lens expect: default/backend -> ip:203.0.113.5:443 allowed',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: expectations',
  '',
].join('\n');
const CLAIM_LINE = 3;

const DB_DENY = `---
${DATABASE_DENY_INGRESS}`;

suite('connectivity assertions', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  resetEditorsAroundEachTest();

  test('a failing assertion is underlined on exactly its line; fixing the policy clears it', async () => {
    const name = 'seed/expectations.yaml';
    await vscode.workspace.fs.writeFile(fixtureUri(name), Buffer.from(EXPECTATIONS, 'utf8'));
    try {
      const { doc } = await openFixture(name);
      const failing = await waitFor(() => {
        const ds = netpolDiagnostics(doc.uri, 'NP501');
        return ds.length > 0 && ds;
      }, 30_000, () => `an NP501 error; have: ${describeDiagnostics(doc.uri)}`);
      assert.deepStrictEqual(failing.map((d) => d.range.start.line), [CLAIM_LINE], describeDiagnostics(doc.uri));
      const d = failing[0];
      assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
      assert.strictEqual(d.range.end.line, CLAIM_LINE);
      assert.strictEqual(d.range.start.character, doc.lineAt(CLAIM_LINE).text.indexOf('default/frontend-pod'));
      assert.match(d.message, /^expected blocked, but it is allowed/);
      assert.match(d.message, /default\/database is not isolated for ingress/);
      assert.deepStrictEqual(netpolDiagnostics(doc.uri).filter((x) => x !== d && x.severity === vscode.DiagnosticSeverity.Error).map((x) => x.message), [], 'the other assertions hold');

      // Fix the policies: the guide's policy file gets a policy isolating the database for ingress.
      const policy = await vscode.workspace.openTextDocument(fixtureUri('seed/allow-frontend-to-backend.yaml'));
      const edit = new vscode.WorkspaceEdit();
      const end = policy.lineAt(policy.lineCount - 1).range.end;
      edit.insert(policy.uri, end, (policy.getText().endsWith('\n') ? '' : '\n') + DB_DENY);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitFor(() => netpolDiagnostics(doc.uri, 'NP501').length === 0, 30_000, () => `NP501 to clear; have: ${describeDiagnostics(doc.uri)}`);
      assert.deepStrictEqual(netpolDiagnostics(doc.uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error).map((x) => x.message), []);
    } finally {
      await vscode.workspace.fs.delete(fixtureUri(name));
    }
  });
});
