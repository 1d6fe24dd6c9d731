/**
 * NP405 on a file of many copies of one policy: each finding names at most five other places and
 * counts the rest, so thousands of copies cannot make the findings (and the work) quadratic.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { loadWorkspace, withWorkspaceDiagnostics } from '../../server/src/core';

const POLICY = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: same\n  namespace: default\nspec:\n  podSelector: {}\n';

test('NP405 names the first five other definitions and counts the rest', () => {
  const text = Array.from({ length: 8 }, () => POLICY).join('---\n');
  const ws = loadWorkspace([{ file: 'many.yaml', text }]);
  const own = ws.files.find((f) => f.file === 'many.yaml')!;
  const np405 = withWorkspaceDiagnostics(own.analysis.diagnostics, ws, 'many.yaml', { text }).filter((d) => d.code === 'NP405');
  assert.equal(np405.length, 8);
  for (const d of np405) {
    assert.equal((d.message.match(/line \d+ of this file/g) ?? []).length, 5, d.message);
    assert.match(d.message, /\b2 more\b/);
  }
  // The first copy's message names lines 9, 17, 25, 33, 41 (each copy is 7 lines and a `---`).
  assert.match(np405[0].message, /line 9 of this file, line 17 of this file, line 25 of this file, line 33 of this file, line 41 of this file, 2 more/);
});
