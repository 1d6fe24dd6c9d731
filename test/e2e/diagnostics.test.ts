/**
 * Diagnostics end to end: the YAML file opens in a real editor, the real language client forks
 * the real dist/server.js, and the diagnostics appear and go away as the user edits.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, describeDiagnostics, findKeyValue, netpolDiagnostics, netpolProblems, openFixture, replaceText, resetEditorsAroundEachTest, waitFor } from './helpers';

/** Generous: the first analysis also pays for starting the server process. */
const DIAGNOSTICS_TIMEOUT_MS = 20_000;

suite('diagnostics', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  resetEditorsAroundEachTest();

  test('NP204: endPort below port is reported on the endPort value, goes away when fixed, comes back on undo', async () => {
    const { doc } = await openFixture('broken-endport.yaml');
    assert.strictEqual(doc.languageId, 'yaml', 'the fixture should open as YAML');

    const np204 = await waitFor(
      () => netpolDiagnostics(doc.uri, 'NP204')[0],
      DIAGNOSTICS_TIMEOUT_MS,
      () => `an NP204 diagnostic from netpol; have: ${describeDiagnostics(doc.uri)}`,
    );

    const endPort = findKeyValue(doc, 'endPort');
    assert.strictEqual(endPort.value, '80', 'fixture: endPort should be 80');
    assert.strictEqual(np204.range.start.line, endPort.line, `NP204 should start on the endPort line ${endPort.line + 1}, is at ${np204.range.start.line + 1}`);
    assert.strictEqual(np204.range.end.line, endPort.line, `NP204 should end on the endPort line ${endPort.line + 1}, ends at ${np204.range.end.line + 1}`);
    assert.ok(np204.range.contains(endPort.valueRange), `NP204 range ${doc.getText(np204.range)} should cover the value 80`);
    assert.strictEqual(np204.severity, vscode.DiagnosticSeverity.Error);
    assert.match(np204.message, /spec\.ingress\[0\]\.ports\[0\]\.endPort/);
    assert.deepStrictEqual(
      netpolProblems(doc.uri).map((d) => d.message),
      [np204.message],
      'the fixture should have exactly one netpol error or warning',
    );

    const versionBefore = doc.version;
    await replaceText(doc, endPort.valueRange, '9090');
    assert.strictEqual(findKeyValue(doc, 'endPort').value, '9090');
    assert.ok(doc.version > versionBefore, 'the edit should create a new document version');

    await waitFor(
      () => netpolProblems(doc.uri).length === 0,
      DIAGNOSTICS_TIMEOUT_MS,
      () => `the netpol diagnostics to go away after the fix; have: ${describeDiagnostics(doc.uri)}`,
    );

    // Undo restores the mistake; the server must analyse that newer version too.
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(findKeyValue(doc, 'endPort').value, '80', 'undo should restore endPort: 80');
    const again = await waitFor(
      () => netpolDiagnostics(doc.uri, 'NP204')[0],
      DIAGNOSTICS_TIMEOUT_MS,
      () => `NP204 to come back after undo; have: ${describeDiagnostics(doc.uri)}`,
    );
    assert.strictEqual(again.range.start.line, endPort.line);
  });
});
