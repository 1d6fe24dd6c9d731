/**
 * The `world` analysis (what `test`, `matrix`, `plan`, `diff` … read) runs only the rules that
 * decide whether the API server accepts a policy. It must decide exactly as the full analysis
 * does: the same policies, each with the same `valid` flag, over every fixture and example.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, loadWorkspace } from '../../server/src/core';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';

test('world analysis: same policies and the same validity as the full analysis, no diagnostics', () => {
  const files = [...listFiles(fixtureRoot(), /\.(ya?ml|json)$/), ...listFiles(path.join(repoRoot(), 'examples'), /\.(ya?ml|json)$/)];
  assert.ok(files.length > 50, `only ${files.length} files`);
  let policies = 0;
  let invalid = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const full = analyzeFile({ file, text });
    const world = analyzeFile({ file, text }, {}, undefined, 'world');
    assert.deepEqual(world.analysis.diagnostics, [], file);
    const shape = (a: typeof full) => a.analysis.policies.map((p) => ({ at: p.doc.anchor.start, valid: p.valid, decoded: JSON.stringify(p.decoded?.value ?? null) }));
    assert.deepEqual(shape(world), shape(full), `${path.relative(repoRoot(), file)}: the world analysis decides differently`);
    policies += full.analysis.policies.length;
    invalid += full.analysis.policies.filter((p) => !p.valid).length;
  }
  // The corpus has both kinds, so the comparison means something.
  assert.ok(policies > 100 && invalid > 20 && invalid < policies, `${policies} policies, ${invalid} rejected`);
});

test('world analysis: the workspace compiled from it is the same World', () => {
  const dir = path.join(repoRoot(), 'examples');
  const files = listFiles(dir, /\.ya?ml$/).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
  const a = loadWorkspace(files).world;
  const b = loadWorkspace(files, {}, undefined, 'world').world;
  assert.deepEqual(b.policies.map((p) => p.ref), a.policies.map((p) => p.ref));
  assert.deepEqual(b.rejected.map((p) => p.ref), a.rejected.map((p) => p.ref));
  assert.deepEqual(b.pods.map((p) => `${p.namespace}/${p.name}`), a.pods.map((p) => `${p.namespace}/${p.name}`));
});
