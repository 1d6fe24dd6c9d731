/**
 * `netpol-lens test` and `netpol-lens plan --format assertions` as users run them (dist/cli.js in
 * a child process), on the user guide's workspace with its expectations written as assertions
 * (test/fixtures/workspaces/assertions): exit codes 0 / 1 / 2, the text, JSON and JUnit reports,
 * the plan's assertion checks, and the snapshot written by the plan then checked by `test`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../harness/files';

const root = repoRoot();
const cli = path.join(root, 'dist', 'cli.js');
const guide = 'test/fixtures/workspaces/assertions';

function run(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withCopy<T>(edit: (dir: string) => void, body: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-assert-'));
  try {
    for (const f of fs.readdirSync(path.join(root, guide))) fs.copyFileSync(path.join(root, guide, f), path.join(dir, f));
    edit(dir);
    return body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("test: the guide's expectations; its wrong claim fails (exit 1) with the traffic explanation", () => {
  const r = run(['test', guide]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal((r.stdout.match(/^PASS /gm) ?? []).length, 9);
  assert.match(r.stdout, /^FAIL test\/fixtures\/workspaces\/assertions\/expectations\.yaml:8: default\/frontend-pod -> default\/database:5432\/TCP blocked\n  expected blocked, but it is allowed\n  for example: allowed: default\/frontend-pod -> default\/database 5432\/TCP\n.*\n    ingress: default\/database is not isolated for ingress/m);
  assert.match(r.stdout, /  note: the guide's claim\n/);
  assert.match(r.stdout, /10 assertions: 9 passed, 1 failed, 0 errors\n$/);
});

test('test: exit 0 once the expectation is flipped, 2 for an unreadable or unresolvable assertion or none at all', () => {
  withCopy((dir) => {
    const f = path.join(dir, 'expectations.yaml');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('default/database:5432/TCP blocked', 'default/database:5432/TCP allowed'));
  }, (dir) => {
    const r = run(['test', dir]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /10 assertions: 10 passed, 0 failed, 0 errors/);
  });
  withCopy((dir) => fs.appendFileSync(path.join(dir, 'expectations.yaml'), '# netpol-lens expect: default/nobody -> default/backend:80 allowed\n'), (dir) => {
    const r = run(['test', dir]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^ERROR .*expectations\.yaml:\d+: default\/nobody -> default\/backend:80 allowed\n  no Pod or workload default\/nobody in the given files/m);
  });
  assert.equal(run(['test', 'test/fixtures/workspaces/seed']).code, 2, 'no assertion found');
  assert.equal(run(['test', guide, '--format', 'xml']).code, 2);
  assert.equal(run(['test']).code, 2);
});

test('test --format json and junit', () => {
  const j = run(['test', guide, '--format', 'json']);
  assert.equal(j.code, 1);
  const json = JSON.parse(j.stdout);
  assert.deepEqual(json.summary, { assertions: 10, passed: 9, failed: 1, errors: 0 });
  const fail = json.results.find((r: { status: string }) => r.status === 'fail');
  assert.equal(fail.line, 8);
  assert.equal(fail.expected, 'blocked');
  assert.equal(fail.actual, 'allowed');
  assert.equal(fail.witness.allowed, true);
  assert.equal(fail.note, "the guide's claim");
  const x = run(['test', guide, '--format', 'junit']);
  assert.equal(x.code, 1);
  assert.match(x.stdout, /<testsuites name="netpol-lens" tests="10" failures="1" errors="0">/);
  assert.match(x.stdout, /<testcase name="default\/frontend-pod -&gt; default\/database:5432\/TCP blocked \(the guide&#39;s claim\)" classname="test\/fixtures\/workspaces\/assertions\/expectations\.yaml" file="[^"]+" line="8">\n      <failure message="expected blocked, but it is allowed" type="AssertionFailed">/);
});

test('plan: one kubectl check per assertion, expecting what it says; --format assertions writes a snapshot that test confirms', () => {
  const p = run(['plan', guide]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /\nAssertions \(11 checks\): each expectation written in the files, tried in the cluster\n/);
  assert.match(p.stdout, /  A\d+ default\/backend -> ip:203\.0\.113\.5:443 allowed \(test\/fixtures\/workspaces\/assertions\/expectations\.yaml:10\)\n     default\/backend -> ip:203\.0\.113\.5 443\/TCP: expect connects\n     kubectl exec -n default deploy\/backend -- curl -sSk -m 5 https:\/\/203\.0\.113\.5\n/);
  const json = JSON.parse(run(['plan', guide, '--format', 'json']).stdout);
  assert.equal(json.assertions.length, 11);
  const snap = run(['plan', guide, '--format', 'assertions']);
  assert.equal(snap.code, 0);
  const lines = snap.stdout.split('\n').filter((l) => l.startsWith('# netpol-lens expect: '));
  assert.ok(lines.length >= 4, snap.stdout);
  assert.ok(lines.some((l) => / blocked  # /.test(l)) && lines.some((l) => / allowed  # /.test(l)));
  withCopy((dir) => {
    fs.rmSync(path.join(dir, 'expectations.yaml'));
    fs.writeFileSync(path.join(dir, 'snapshot.yaml'), snap.stdout);
  }, (dir) => {
    const r = run(['test', dir]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, new RegExp(`${lines.length} assertions: ${lines.length} passed, 0 failed, 0 errors`));
  });
  assert.equal(run(['plan', guide, '--format', 'yaml']).code, 2);
});

test('test --locale ko: the report in Korean', () => {
  const r = run(['test', '--locale', 'ko', guide]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^통과 /m);
  assert.match(r.stdout, /^실패 .*default\/frontend-pod -> default\/database:5432\/TCP blocked\n  차단을\(를\) 기대했지만 실제로는 허용입니다\n/m);
  assert.match(r.stdout, /검증 10개: 통과 9, 실패 1, 오류 0\n$/);
});
