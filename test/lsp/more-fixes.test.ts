/**
 * A diagnostic with more than one fix (NP310 on the user's guide's egress policy): the server
 * offers each as a quick fix over JSON-RPC, the first one preferred, each naming the diagnostic.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeAction, CodeActionRequest, CodeActionTriggerKind } from 'vscode-languageserver-protocol';
import { repoRoot } from '../harness/files';
import { startServer } from './client';

test('NP310 comes with two quick fixes: policyTypes [Egress] (preferred) and [Ingress, Egress]', async () => {
  const c = await startServer();
  try {
    const uri = 'file:///more-fixes/allow-egress-to-external-api.yaml';
    const text = fs.readFileSync(path.join(repoRoot(), 'examples', 'allow-egress-to-external-api.yaml'), 'utf8');
    c.open(uri, text, 1);
    const published = await c.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'NP310'));
    const d = published.diagnostics.find((x) => x.code === 'NP310')!;
    const actions = (await c.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d], triggerKind: CodeActionTriggerKind.Invoked },
    })) as CodeAction[];
    const mine = actions.filter((a) => a.kind === 'quickfix' && a.diagnostics?.some((x) => x.code === 'NP310'));
    assert.deepEqual(mine.map((a) => [a.title, !!a.isPreferred]), [
      ['Egress only: set policyTypes to [Egress]', true],
      ['Keep ingress isolated, explicitly: set policyTypes to [Ingress, Egress]', false],
    ]);
    const inserted = mine.map((a) => a.edit!.changes![uri].map((e) => e.newText).join(''));
    assert.deepEqual(inserted, ['policyTypes: [Egress]\n  ', 'policyTypes: [Ingress, Egress]\n  ']);
    for (const a of mine) for (const e of a.edit!.changes![uri]) assert.deepEqual(e.range.start, e.range.end, 'the fix inserts, never overwrites');
  } finally {
    await c.close();
  }
});
