/**
 * Under the Korean display language (scripts/e2e-offline.mjs with E2E_LOCALE=ko): VS Code tells the
 * extension host `ko`, the language client passes it to the server as InitializeParams.locale, and
 * the diagnostics arrive in Korean (kubectl's English kept after the API server's errors). The
 * manifest's contributions come from package.nls.ko.json.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, describeDiagnostics, netpolDiagnostics, openFixture, resetEditors, waitFor } from '../helpers';

const DIAGNOSTICS_TIMEOUT_MS = 20_000;
const HANGUL = /[\uAC00-\uD7A3]/;

suite('Korean display language', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  teardown(async () => {
    await resetEditors(true);
  });

  test('vscode.env.language is ko', () => {
    assert.match(vscode.env.language, /^ko\b/i, `vscode.env.language is ${vscode.env.language}`);
  });

  test('the command titles come from package.nls.ko.json', async () => {
    const ext = await activateExtension();
    // Localized manifest strings arrive as { value, original } (package.nls.ko.json, package.nls.json).
    type Title = string | { value: string; original: string };
    const commands = (ext.packageJSON as { contributes: { commands: { command: string; title: Title }[] } }).contributes.commands;
    const title = commands.find((c) => c.command === 'netpolLens.plan')?.title;
    assert.deepStrictEqual(title, { value: '검증 계획 작성 (kubectl exec 확인)', original: 'Write verification plan (kubectl exec checks)' });
  });

  test('NP302 on the seed manifest allow-egress-to-external-api.yaml arrives in Korean', async () => {
    const { doc } = await openFixture('seed/allow-egress-to-external-api.yaml');
    const np302 = await waitFor(
      () => netpolDiagnostics(doc.uri, 'NP302')[0],
      DIAGNOSTICS_TIMEOUT_MS,
      () => `an NP302 diagnostic from netpol; have: ${describeDiagnostics(doc.uri)}`,
    );
    assert.match(np302.message, HANGUL, np302.message);
    assert.match(np302.message, /DNS/);
  });

  test('NP204 arrives in Korean with the exact kubectl text after it', async () => {
    const { doc } = await openFixture('broken-endport.yaml');
    const np204 = await waitFor(
      () => netpolDiagnostics(doc.uri, 'NP204')[0],
      DIAGNOSTICS_TIMEOUT_MS,
      () => `an NP204 diagnostic from netpol; have: ${describeDiagnostics(doc.uri)}`,
    );
    assert.strictEqual(np204.message, 'spec.ingress[0].ports[0].endPort: 잘못된 값: 80: `port` 이상이어야 합니다 (kubectl: Invalid value: 80: must be greater than or equal to `port`)');
  });
});
