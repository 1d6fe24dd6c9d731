/**
 * `netpol-lens diff` as users run it (dist/cli.js in a child process): two folders, and --base
 * against a real git repository created in a temporary folder (commits made with the git binary).
 * Exit codes: 0 no change, 3 only narrowing, 4 widening, 2 errors.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../harness/files';

const root = repoRoot();
const cli = path.join(root, 'dist', 'cli.js');
const seedDir = path.join(root, 'test', 'e2e', 'workspace', 'seed');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-diff-'));
}

function copySeed(to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(seedDir)) fs.copyFileSync(path.join(seedDir, f), path.join(to, f));
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e', GIT_CONFIG_NOSYSTEM: '1', HOME: cwd } });
}

const FRONTEND = 'allow-frontend-to-backend.yaml';

test('diff OLD NEW: folders; deleting allow-frontend-to-backend narrows (exit 3), restoring it widens (exit 4), equal is 0', () => {
  const dir = tempDir();
  try {
    copySeed(path.join(dir, 'old'));
    copySeed(path.join(dir, 'new'));
    fs.rmSync(path.join(dir, 'new', FRONTEND));
    const r = run(['diff', 'old', 'new'], dir);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /^1 pair changed: 0 widening, 1 only narrowing\./);
    assert.match(r.stdout, /- removed: default\/frontend-pod -> default\/backend\n {4}before: all ports\n {4}after: {2}nothing\n {4}why: default\/allow-frontend-to-backend spec\.ingress\[0\] \(old\/allow-frontend-to-backend\.yaml:12\) allowed all ports, no longer/);
    const back = run(['diff', 'new', 'old', '--format', 'json'], dir);
    assert.equal(back.code, 4, back.stderr);
    const json = JSON.parse(back.stdout);
    assert.deepEqual(json.map((c: any) => [c.from, c.to, c.change, c.before, c.after]), [
      ['default/frontend-pod', 'default/backend', 'added', { allowed: [] }, { allowed: ['TCP', 'UDP', 'SCTP'].map((protocol) => ({ protocol, ports: [[1, 65535]] })) }],
    ]);
    assert.deepEqual(json[0].reasons, [{ side: 'after', direction: 'ingress', role: 'allows', policy: 'default/allow-frontend-to-backend', rule: 'spec.ingress[0]', file: path.join('old', FRONTEND), line: 12, ports: ['TCP', 'UDP', 'SCTP'].map((protocol) => ({ protocol, ports: [[1, 65535]] })) }]);
    const same = run(['diff', 'old', 'old'], dir);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^No change in allowed connections\./);
    const bad = run(['diff', 'old'], dir);
    assert.equal(bad.code, 2);
    const badFormat = run(['diff', 'old', 'new', '--format', 'html'], dir);
    assert.equal(badFormat.code, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('diff --base REF: the path at a commit of a real git repository against the working tree (md, sarif)', () => {
  const dir = tempDir();
  try {
    const repo = path.join(dir, 'repo');
    copySeed(path.join(repo, 'k8s'));
    fs.writeFileSync(path.join(repo, 'README.txt'), 'not yaml\n');
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'seed');
    // Widen the guide's policy to every pod of default.
    const p = path.join(repo, 'k8s', FRONTEND);
    fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace('    - podSelector:\n        matchLabels:\n          app: frontend\n', '    - podSelector: {}\n'));
    const r = run(['diff', '--base', 'HEAD', 'k8s', '--format', 'md'], repo);
    assert.equal(r.code, 4, r.stderr + r.stdout);
    assert.match(r.stdout, /#### Widening \(allowed now, not before\)/);
    assert.match(r.stdout, /\| added \| default\/database \| default\/backend \| nothing \| all ports \| default\/allow-frontend-to-backend spec\.ingress\\\[0\\\] \(k8s\/allow-frontend-to-backend\.yaml:12\) allows all ports \|/);
    // From a subfolder, naming a file; the ref given as a commit id.
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    const sub = run(['diff', '--base', head, FRONTEND, '../k8s/workloads.yaml', '--format', 'sarif'], path.join(repo, 'k8s'));
    assert.equal(sub.code, 4, sub.stderr);
    const sarif = JSON.parse(sub.stdout);
    // Without allow-egress-to-external-api among the paths, backend's egress is open: its replicas reach each other too.
    assert.deepEqual(sarif.runs[0].results.map((x: any) => `${x.ruleId} ${x.properties.from} -> ${x.properties.to}`), ['netpol-diff/widening default/backend -> default/backend', 'netpol-diff/widening default/database -> default/backend']);
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, FRONTEND);
    // Committed: no change against HEAD; the previous commit still shows it.
    git(repo, 'commit', '-qam', 'widen');
    assert.equal(run(['diff', '--base', 'HEAD', 'k8s'], repo).code, 0);
    assert.equal(run(['diff', '--base', 'HEAD~1', 'k8s'], repo).code, 4);
    // A file deleted since the commit: its policy's connections are removed.
    fs.rmSync(p);
    const gone = run(['diff', '--base', 'HEAD', 'k8s', '--format', 'json'], repo);
    assert.equal(gone.code, 3, gone.stderr);
    assert.ok(JSON.parse(gone.stdout).every((c: any) => c.change === 'removed' && c.to === 'default/backend'));
    // Bad revisions are usage errors, and never reach git as options.
    for (const ref of ['no-such-ref', '--output=/tmp/x', 'HEAD~99']) {
      const e = run(['diff', '--base', ref, 'k8s'], repo);
      assert.equal(e.code, 2, ref);
      assert.match(e.stderr, /netpol-lens: /);
    }
    // Outside a repository.
    copySeed(path.join(dir, 'plain'));
    const nogit = run(['diff', '--base', 'HEAD', 'plain'], dir);
    assert.equal(nogit.code, 2);
    assert.match(nogit.stderr, /not inside a git repository/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
