/**
 * The stepped forms the language server runs between requests give what the one-shot forms give:
 * `buildWorkspaceSteps` the same World as `buildWorkspace` (compiled policies shared through the
 * compile memo), `checkFileAssertionsSteps` the same results as `checkFileAssertions`, a chunk of
 * assertions per step. And the compile memo is keyed right: same policy object and file, same
 * compiled object; another file or locale, compiled again.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, buildWorkspace, buildWorkspaceSteps, checkFileAssertions, setLocale } from '../../server/src/core';
import { checkFileAssertionsSteps } from '../../server/src/core/ide/expect/check';
import { compileOnce } from '../../server/src/core/semantics/compile';
import { listFiles, repoRoot } from '../harness/files';
import { driveSteps } from '../harness/steps';

const guide = path.join(repoRoot(), 'test', 'fixtures', 'workspaces', 'assertions');
const read = () => listFiles(guide, /\.ya?ml$/).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));

const drive = driveSteps;

test('buildWorkspaceSteps: the World buildWorkspace builds, one step per chunk of policies', () => {
  const analyses = read().map((f) => analyzeFile(f));
  const policies = analyses.reduce((n, f) => n + f.analysis.policies.length, 0);
  assert.ok(policies >= 3);
  const { yields, value } = drive(buildWorkspaceSteps(analyses, 1));
  assert.equal(yields, policies);
  const direct = buildWorkspace(analyses);
  assert.deepEqual(value.world.policies.map((p) => p.ref), direct.world.policies.map((p) => p.ref));
  assert.deepEqual(value.world.rejected.map((p) => p.ref), direct.world.rejected.map((p) => p.ref));
  // Both builds share the compiled objects (the memo), so a rebuild compiles nothing again.
  assert.ok(value.world.policies.every((p, i) => p === direct.world.policies[i]));
});

test('compile memo: the same object for the same policy and file; another file or locale compiles again', () => {
  const [fa] = read().map((f) => analyzeFile(f)).filter((f) => f.analysis.policies.length > 0);
  const p = fa.analysis.policies[0];
  const a = compileOnce(p, fa.file);
  assert.equal(compileOnce(p, fa.file), a);
  const other = compileOnce(p, fa.file + '.copy');
  assert.notEqual(other, a);
  assert.equal(other.ref.file, fa.file + '.copy');
  try {
    setLocale('ko');
    assert.notEqual(compileOnce(p, fa.file), a);
  } finally {
    setLocale('en');
  }
});

test('checkFileAssertionsSteps: checkFileAssertions\' results, a chunk of assertions per step', () => {
  const files = read();
  const world = buildWorkspace(files.map((f) => analyzeFile(f))).world;
  const expectations = files.find((f) => f.file.endsWith('expectations.yaml'))!;
  const direct = checkFileAssertions(world, expectations.file, expectations.text);
  assert.ok(direct.length >= 10, `${direct.length} assertions`);
  // A fresh World, so the memo of the first call does not answer.
  const world2 = buildWorkspace(files.map((f) => analyzeFile(f))).world;
  const { yields, value } = drive(checkFileAssertionsSteps(world2, expectations.file, expectations.text, 3));
  assert.equal(yields, Math.ceil(direct.length / 3) - 1);
  assert.deepEqual(value.map((r) => [r.status, r.assertion.text]), direct.map((r) => [r.status, r.assertion.text]));
  // Filled the memo: the one-shot form now answers with the same array.
  assert.equal(checkFileAssertions(world2, expectations.file, expectations.text), value);
  // A file without assertions: no step, nothing.
  assert.deepEqual(drive(checkFileAssertionsSteps(world2, 'x.yaml', 'kind: Pod\n', 3)), { yields: 0, value: [] });
});
