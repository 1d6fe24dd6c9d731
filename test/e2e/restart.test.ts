/**
 * The language server process dies (killed with SIGKILL, as a crash or the OOM killer would): the
 * client starts a new one, tells the user once, and diagnostics come back for edits made after.
 * Linux only (finds the server through /proc); skipped elsewhere.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { activateExtension, describeDiagnostics, findKeyValue, netpolDiagnostics, netpolProblems, openFixture, replaceText, resetEditorsAroundEachTest, waitFor } from './helpers';

/** PIDs of node processes running our dist/server.js for this extension host (the client passes --clientProcessId). */
function serverPids(): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmd.split('\0');
    if (args.some((a) => a.endsWith('dist/server.js')) && args.includes(`--clientProcessId=${process.pid}`)) out.push(Number(name));
  }
  return out;
}

suite('server restart', () => {
  suiteSetup(async function () {
    if (!fs.existsSync('/proc/self/cmdline')) this.skip();
    await activateExtension();
  });

  resetEditorsAroundEachTest();

  test('a killed server is restarted, the user is told once, and diagnostics come back', async () => {
    const ext = vscode.extensions.getExtension<{ crashNotices: () => readonly string[] }>('netpol-lens.netpol-lens')!;
    const { doc } = await openFixture('broken-endport.yaml');
    await waitFor(() => netpolDiagnostics(doc.uri, 'NP204')[0], 20_000, () => `NP204 before the crash; have: ${describeDiagnostics(doc.uri)}`);
    const [pid] = await waitFor(() => (serverPids().length === 1 ? serverPids() : undefined), 10_000, () => `exactly one server process, found ${JSON.stringify(serverPids())}`);
    const noticesBefore = ext.exports.crashNotices().length;

    process.kill(pid, 'SIGKILL');
    const [next] = await waitFor(() => {
      const now = serverPids();
      return now.length === 1 && now[0] !== pid ? now : undefined;
    }, 20_000, () => `a new server process; found ${JSON.stringify(serverPids())}`);
    assert.notStrictEqual(next, pid);

    // The new server answers for an edit made after the crash: fix the endPort, then break it another way.
    const endPort = findKeyValue(doc, 'endPort');
    await replaceText(doc, endPort.valueRange, '9090');
    await waitFor(() => netpolProblems(doc.uri).length === 0, 20_000, () => `the fixed file to be clean; have: ${describeDiagnostics(doc.uri)}`);
    const protocol = findKeyValue(doc, 'protocol');
    await replaceText(doc, protocol.valueRange, 'tcp');
    await waitFor(() => netpolDiagnostics(doc.uri, 'NP206')[0], 20_000, () => `NP206 from the restarted server; have: ${describeDiagnostics(doc.uri)}`);

    const notices = ext.exports.crashNotices();
    assert.strictEqual(notices.length, noticesBefore + (noticesBefore === 0 ? 1 : 0), `told once: ${JSON.stringify(notices)}`);
    assert.match(notices[notices.length - 1], /restarted/);
  });
});
