/**
 * The alias budget across files (issue 13): the sum of alias expansion over every file of one run
 * or workspace is bounded by a counter the caller owns and passes in (the core keeps no state).
 * Small budgets here; the CLI and LSP hostile suites drive the real one.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeFile, loadWorkspace, newAliasBudget, MAX_RUN_ALIAS_NODES } from '../../server/src/core';
import type { AliasBudget, WorkspaceFile } from '../../server/src/core';

/** A policy whose unknown field `spec.x` expands an alias of `fan` items `fan` times. */
function aliasPolicy(name: string, fan: number): string {
  const items = Array(fan).fill('v').join(', ');
  const refs = Array(fan).fill('*a').join(', ');
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\nspec:\n  podSelector: {}\n  x:\n    l0: &a [${items}]\n    l1: [${refs}]\n`;
}

function spentAlone(f: WorkspaceFile): number {
  const b = newAliasBudget();
  analyzeFile(f, {}, b);
  return b.spent;
}

function np003(f: WorkspaceFile, budget?: AliasBudget): string[] {
  return analyzeFile(f, {}, budget).analysis.diagnostics.filter((d) => d.code === 'NP003').map((d) => d.message);
}

const a: WorkspaceFile = { file: 'a.yaml', text: aliasPolicy('a', 8) };
const b: WorkspaceFile = { file: 'b.yaml', text: aliasPolicy('b', 8) };
const c: WorkspaceFile = { file: 'c.yaml', text: aliasPolicy('c', 8) };
const plain: WorkspaceFile = { file: 'plain.yaml', text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: plain\nspec:\n  podSelector: {}\n' };

test('what the files of a run spend adds up in the one budget they share', () => {
  const each = spentAlone(a);
  assert.ok(each > 0, 'the file expands aliases');
  assert.equal(spentAlone(plain), 0, 'a file without aliases spends nothing');
  const run = newAliasBudget();
  for (const f of [a, b, plain, c]) analyzeFile(f, {}, run);
  assert.equal(run.spent, spentAlone(a) + spentAlone(b) + spentAlone(c));
  assert.equal(run.ranOutIn, undefined);
  assert.equal(run.limit, MAX_RUN_ALIAS_NODES);
});

test('past the run budget: NP003 in the file where it ran out, and in later files naming that file; each file alone is fine', () => {
  const each = spentAlone(a);
  for (const f of [a, b, c]) assert.deepEqual(np003(f), [], `${f.file} alone is under the per-document and per-file budgets`);
  // Room for a and half of b.
  const run = newAliasBudget(each + Math.floor(each / 2));
  assert.deepEqual(np003(a, run), []);
  const inB = np003(b, run);
  assert.equal(inB.length, 1, JSON.stringify(inB));
  assert.match(inB[0], new RegExp(`aliases in all the files read expand to more than ${run.limit} nodes \\(the budget of one run or workspace\\); this and later documents`));
  assert.equal(run.ranOutIn, 'b.yaml');
  assert.equal(run.spent, run.limit, 'never counted past the limit');
  const inC = np003(c, run);
  assert.equal(inC.length, 1);
  assert.match(inC[0], /spent by b\.yaml\); documents that use aliases are not read/);
  // A file without aliases is not touched by the spent budget.
  assert.deepEqual(analyzeFile(plain, {}, run).analysis.diagnostics.map((d) => d.code), analyzeFile(plain).analysis.diagnostics.map((d) => d.code));
  assert.equal(run.spent, run.limit);
});

test('a policy cut short by the run budget is not in the world (the CLI says the answer is partial)', () => {
  const each = spentAlone(a);
  const w = loadWorkspace([a, b], {}, newAliasBudget(each));
  const names = w.files.flatMap((f) => f.analysis.policies.filter((p) => p.valid).map((p) => p.decoded?.value.metadata?.name));
  assert.ok(!names.includes('b'), `b is not analysed: ${JSON.stringify(names)}`);
  const whole = loadWorkspace([a, b]);
  assert.equal(whole.files[1].analysis.diagnostics.filter((d) => d.code === 'NP003').length, 0, 'under the default budget b is read');
});

test('a Pod cut short by the run budget is left out of the pods, and says so (NP003), as a policy does', () => {
  const pod: WorkspaceFile = { file: 'pod.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: &l {app: web}\n  annotations: *l\nspec:\n  containers: [{name: c, image: nginx}]\n' };
  const alone = analyzeFile(pod, {}, newAliasBudget());
  assert.deepEqual(alone.inventory.pods.map((p) => p.name), ['web']);
  assert.deepEqual(alone.analysis.diagnostics.map((d) => d.code), []);
  const run = newAliasBudget(spentAlone(a));
  analyzeFile(a, {}, run);
  const cut = analyzeFile(pod, {}, run);
  assert.deepEqual(cut.inventory.pods, [], 'not a pod with half its labels');
  assert.deepEqual(cut.analysis.diagnostics.map((d) => d.code), ['NP003']);
  // a.yaml spent it all without going past it: the Pod's first alias is where the budget runs out.
  assert.match(cut.analysis.diagnostics[0].message, /\(the budget of one run or workspace\); this and later documents that use aliases are not read; this document was not analysed$/);
  assert.equal(run.ranOutIn, 'pod.yaml');
});
