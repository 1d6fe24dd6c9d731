/**
 * Priming (core/ide/prime.ts): the server explains a few policies after the scan, one per step.
 * What it computes is what a hover computes; here: it takes only policies that select pods, at
 * most `count`, one per step, and answers nothing when the workspace has no pods.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadWorkspace, primeHoverSteps } from '../../server/src/core';
import { listFiles, repoRoot } from '../harness/files';

function run(steps: Generator<void, number, void>): { yields: number; value: number } {
  let yields = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { yields, value: r.value };
    yields++;
  }
}

test('priming explains at most `count` policies that select pods, one per step', () => {
  const files = listFiles(path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'assertions'), /\.ya?ml$/).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
  const { world } = loadWorkspace(files);
  assert.ok(world.policies.length >= 3 && world.pods.length > 0, `${world.policies.length} policies, ${world.pods.length} pods`);
  assert.deepEqual(run(primeHoverSteps(world, 2)), { yields: 2, value: 2 });
  // No pods: nothing to explain, no step.
  const policiesOnly = files.filter((f) => /kind:\s*NetworkPolicy/.test(f.text) && !/kind:\s*(Pod|Deployment)\b/.test(f.text));
  assert.ok(policiesOnly.length > 0);
  assert.deepEqual(run(primeHoverSteps(loadWorkspace(policiesOnly).world, 3)), { yields: 0, value: 0 });
});
