/**
 * Completion end to end: in a real editor, a half-typed policy gets the protocol values from the
 * schema and label values from the workspace's workloads (test/e2e/workspace/seed/workloads.yaml),
 * through VS Code's completion provider as the suggest widget asks for them.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, resetEditorsAroundEachTest, waitFor } from './helpers';

const TEXT = [
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata:',
  '  name: typing',
  '  namespace: default',
  'spec:',
  '  podSelector:',
  '    matchLabels:',
  '      app: ',
  '  ingress:',
  '  - ports:',
  '    - protocol: ',
  '',
].join('\n');

function labels(list: vscode.CompletionList | undefined): string[] {
  return (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

async function completionsAt(doc: vscode.TextDocument, line: number, want: (labels: string[]) => boolean, what: string): Promise<string[]> {
  const position = new vscode.Position(line, doc.lineAt(line).text.length);
  let last: string[] = [];
  return waitFor(
    async () => {
      last = labels(await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position, ' '));
      return want(last) ? last : undefined;
    },
    20_000,
    () => `${what}; got ${JSON.stringify(last)}`,
  );
}

suite('completion', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  resetEditorsAroundEachTest();

  test('protocol values from the schema, and app label values from the workspace\'s workloads', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: TEXT });
    await vscode.window.showTextDocument(doc);
    const protocols = await completionsAt(doc, 11, (l) => l.includes('TCP'), 'TCP, UDP and SCTP after `protocol: `');
    for (const p of ['TCP', 'UDP', 'SCTP']) assert.ok(protocols.includes(p), `${p} in ${JSON.stringify(protocols)}`);
    const apps = await completionsAt(doc, 8, (l) => l.includes('backend'), 'the app values of the pods in default after `app: `');
    for (const a of ['frontend', 'backend', 'database']) assert.ok(apps.includes(a), `${a} in ${JSON.stringify(apps)}`);
    // kube-dns runs in kube-system: not a pod of this policy's namespace.
    assert.ok(!apps.includes('kube-dns'), `no kube-system label values: ${JSON.stringify(apps)}`);
  });
});
