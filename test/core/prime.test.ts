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
import { PRIME_MAX_WORK } from '../../server/src/core/ide/prime';
import { buildPeerMasksSteps } from '../../server/src/core/semantics/reach';
import { listFiles, repoRoot } from '../harness/files';
import { driveSteps } from '../harness/steps';

const run = driveSteps;

test('priming explains at most `count` policies that select pods, one per step', () => {
  const files = listFiles(path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'assertions'), /\.ya?ml$/).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
  const { world } = loadWorkspace(files);
  assert.ok(world.policies.length >= 3 && world.pods.length > 0, `${world.policies.length} policies, ${world.pods.length} pods`);
  assert.deepEqual(run(primeHoverSteps(world, 2)), { yields: 2, value: 2 });
  // Every peer's mask was built: nothing is left for a hover to build.
  assert.equal(run(buildPeerMasksSteps(world)).value, 0);
  const peers = world.policies.reduce((n, p) => n + [...p.ingress, ...p.egress].reduce((m, r) => m + (r.peers?.length ?? 0), 0), 0);
  assert.ok(peers > 0);
  assert.deepEqual(run(buildPeerMasksSteps(loadWorkspace(files).world, 2)), { yields: Math.ceil(world.policies.length / 2) - 1, value: peers });
  // No pods: nothing to explain, no step.
  const policiesOnly = files.filter((f) => /kind:\s*NetworkPolicy/.test(f.text) && !/kind:\s*(Pod|Deployment)\b/.test(f.text));
  assert.ok(policiesOnly.length > 0);
  assert.deepEqual(run(primeHoverSteps(loadWorkspace(policiesOnly).world, 3)), { yields: 0, value: 0 });
});

test('priming leaves a workspace past its bound alone (pods x policies), so a huge one is not explained unasked', () => {
  const pods = Array.from({ length: 1001 }, (_, i) => `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\n  labels:\n    app: a\n`).join('');
  const policies = Array.from({ length: Math.ceil(PRIME_MAX_WORK / 1001) + 1 }, (_, i) => `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: n${i}\nspec:\n  podSelector: {}\n`).join('');
  const { world } = loadWorkspace([{ file: 'pods.yaml', text: pods }, { file: 'policies.yaml', text: policies }]);
  assert.ok(world.pods.length * world.policies.length > PRIME_MAX_WORK);
  assert.deepEqual(run(primeHoverSteps(world, 3)), { yields: 0, value: 0 });
  // The same pods with one policy: primed.
  const one = loadWorkspace([{ file: 'pods.yaml', text: pods }, { file: 'policies.yaml', text: policies.split('---\n').slice(0, 2).join('---\n') }]).world;
  assert.deepEqual(run(primeHoverSteps(one, 3)), { yields: 1, value: 1 });
});
