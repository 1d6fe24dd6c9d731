/**
 * Quick fixes end to end: on the user's guide's allow-egress-to-external-api (egress only to
 * 203.0.113.5/32, so DNS is blocked), the NP302 warning offers a quick fix through VS Code's code
 * action provider; applying it adds the DNS rule, the warning goes away and no error appears.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { parseAllDocuments } from 'yaml';
import { activateExtension, describeDiagnostics, netpolDiagnostics, openFixture, resetEditorsAroundEachTest, waitFor } from './helpers';

suite('quick fixes', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  resetEditorsAroundEachTest();

  test('the DNS quick fix on the guide\'s egress policy removes the NP302 warning and adds no error', async () => {
    const { doc } = await openFixture('seed/allow-egress-to-external-api.yaml');
    const original = doc.getText();
    const np302 = await waitFor(() => netpolDiagnostics(doc.uri, 'NP302')[0], 20_000, () => `an NP302 warning; have: ${describeDiagnostics(doc.uri)}`);
    assert.strictEqual(np302.severity, vscode.DiagnosticSeverity.Warning);

    let seen = '';
    const fix = await waitFor(
      async () => {
        const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, np302.range, vscode.CodeActionKind.QuickFix.value);
        seen = JSON.stringify((actions ?? []).map((a) => ({ title: a.title, kind: 'kind' in a ? a.kind?.value : undefined, edit: 'edit' in a && !!a.edit })));
        // The command's answer does not carry the actions' diagnostics: recognise the fix by its title.
        return (actions ?? []).find((a): a is vscode.CodeAction => 'edit' in a && !!a.edit && a.kind?.value === 'quickfix' && /\bDNS\b/.test(a.title));
      },
      10_000,
      () => `a quick fix for NP302; the provider returned ${seen}`,
    );
    assert.strictEqual(fix.kind?.value, 'quickfix');
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));

    await waitFor(() => netpolDiagnostics(doc.uri, 'NP302').length === 0, 20_000, () => `NP302 to go away; have: ${describeDiagnostics(doc.uri)}`);
    assert.deepStrictEqual(
      netpolDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message),
      [],
      'the fix must not introduce an error',
    );
    // The fixed text: the guide's policy plus a DNS egress rule (UDP and TCP 53 to kube-dns), nothing removed.
    const fixed = parseAllDocuments(doc.getText()).map((d) => {
      assert.deepStrictEqual(d.errors.map((e) => e.message), []);
      return d.toJS() as { spec: { egress: { to: unknown[]; ports: { protocol: string; port: number }[] }[] } };
    });
    const before = parseAllDocuments(original).map((d) => d.toJS() as { spec: { egress: unknown[] } });
    assert.strictEqual(fixed.length, 1);
    assert.deepStrictEqual(fixed[0].spec.egress.slice(0, before[0].spec.egress.length), before[0].spec.egress, 'the existing rules are kept');
    const added = fixed[0].spec.egress[fixed[0].spec.egress.length - 1];
    assert.deepStrictEqual(added.ports.map((p) => `${p.port}/${p.protocol}`).sort(), ['53/TCP', '53/UDP']);
  });
});
