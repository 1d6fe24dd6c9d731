/**
 * Hostile repositories (issue 13): the built CLI (dist/cli.js) in a child process with a heap
 * limit (--max-old-space-size) and a timeout, on folders built in a temp dir: a FIFO, links to
 * /dev/zero and /dev/urandom and outside the folder, link loops, and large or expensive YAML.
 * Each run must end in time with exit status 0, 1 or 2 and say what it skipped, once.
 * Timeouts are generous (the CI machine is shared); the README's Security section has the
 * measured figures (scripts/hostile-measure.mjs).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeRegExp, repoRoot } from '../harness/files';
import { aliasFanOut, aliasFanOutPolicies, aliasFolder, bigList, deepBlock, makeSpecialFolder, manyFiles, MB, mkfifo, podDoc, tempDir, writePolicies } from '../harness/hostile';
import { readCapped, walkInputs } from '../../server/src/node/files';

const cli = path.join(repoRoot(), 'dist', 'cli.js');
const HEAP_MB = 1024;

function run(args: string[], timeoutMs = 60_000) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, cli, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * MB, env: { ...process.env, LC_ALL: 'C' } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

function assertEnded(r: ReturnType<typeof run>, what: string): void {
  assert.equal(r.signal, null, `${what}: killed by ${r.signal} after ${r.ms} ms (timeout or out of memory); stderr: ${r.stderr.slice(0, 500)}`);
  assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `${what}: exit ${r.code}; stderr: ${r.stderr.slice(0, 500)}`);
}

/** The stderr lines that name `p` (each skip must be reported once). */
function linesAbout(stderr: string, p: string): string[] {
  return stderr.split('\n').filter((l) => l.includes(`${p}:`));
}

test('a folder with a FIFO, links to /dev/zero, /dev/urandom and outside, and link loops: read in time, each skip said once', { timeout: 120_000 }, (t) => {
  const f = makeSpecialFolder();
  t.diagnostic(`made: ${f.made.join(', ')}`);
  try {
    const r = run(['check', f.root]);
    t.diagnostic(`check took ${r.ms} ms`);
    assertEnded(r, 'check');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const expect: Record<string, RegExp> = {
      'x.yaml': /not a regular file/,
      'z.yaml': /symbolic link to \/dev\/zero, outside the folders and files given/,
      'r.yml': /symbolic link to \/dev\/urandom, outside/,
      link: /symbolic link to .*elsewhere, outside/,
      'secret-link.yaml': /symbolic link to .*secret\.yaml, outside/,
      loop: /symbolic link loop/,
      [path.join('a', 'b')]: /symbolic link loop/,
      'self.yaml': /symbolic link loop/,
      'dangling.yaml': /symbolic link to nothing/,
    };
    for (const [name, re] of Object.entries(expect)) {
      if (!f.made.includes(name.split(path.sep).join('/'))) continue;
      const lines = linesAbout(r.stderr, path.join(f.root, name));
      assert.equal(lines.length, 1, `${name} reported once: ${JSON.stringify(lines)}\n${r.stderr}`);
      assert.match(lines[0], re);
    }
    assert.doesNotMatch(r.stdout + r.stderr, /outside-secret/, 'nothing outside the folder is read');
    // pods-again.yaml -> ok/pods.yaml stays inside: followed, and the file is read once.
    assert.doesNotMatch(r.stderr, /pods-again/);

    const got = run(['get', f.root, '-A']);
    assertEnded(got, 'get');
    assert.match(got.stdout, /allow-frontend/);
    assert.doesNotMatch(got.stdout, /outside-secret/);

    // The policy's pods come through (ok/pods.yaml once, though pods-again.yaml links to it).
    const tr = run(['traffic', f.root, '--from', 'default/frontend', '--to', 'default/backend', '--port', '80']);
    assertEnded(tr, 'traffic');
    assert.equal(tr.code, 0, tr.stdout + tr.stderr);
    assert.match(tr.stdout, /allowed/i);

    // --follow-symlinks: the links outside are followed; devices, FIFOs and loops are still skipped.
    const follow = run(['get', f.root, '-A', '--follow-symlinks']);
    t.diagnostic(`get --follow-symlinks took ${follow.ms} ms`);
    assertEnded(follow, 'get --follow-symlinks');
    assert.match(follow.stdout, /outside-secret/);
    if (f.made.includes('z.yaml')) assert.match(linesAbout(follow.stderr, path.join(f.root, 'z.yaml'))[0] ?? '', /not a regular file/);
    if (f.made.includes('x.yaml')) assert.equal(linesAbout(follow.stderr, path.join(f.root, 'x.yaml')).length, 1);
  } finally {
    fs.rmSync(path.dirname(f.root), { recursive: true, force: true });
  }
});

test('a file named on the command line is read even through a link outside; a FIFO or device named is a clear error (exit 2)', { timeout: 60_000 }, () => {
  const f = makeSpecialFolder();
  try {
    const r = run(['get', path.join(f.root, 'secret-link.yaml')]);
    assertEnded(r, 'get link');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /outside-secret/);
    for (const name of ['x.yaml', 'z.yaml']) {
      if (!f.made.includes(name)) continue;
      const s = run(['check', path.join(f.root, name)], 20_000);
      assertEnded(s, name);
      assert.equal(s.code, 2, s.stderr);
      assert.match(s.stderr, /not a regular file/);
    }
  } finally {
    fs.rmSync(path.dirname(f.root), { recursive: true, force: true });
  }
});

test('large and expensive YAML answers in bounded time and memory', { timeout: 300_000 }, (t) => {
  const dir = tempDir('netpol-large-');
  try {
    // 2,000 documents, each just under the per-document alias budget: the per-file budget stops it.
    const aliases = path.join(dir, 'aliases.yaml');
    fs.writeFileSync(aliases, aliasFanOut(2000));
    let r = run(['check', aliases]);
    t.diagnostic(`alias fan-out (${fs.statSync(aliases).size} bytes): exit ${r.code} in ${r.ms} ms`);
    assertEnded(r, 'alias fan-out');

    // The same, as NetworkPolicies: the documents past the file's budget get NP003.
    const aliasPolicies = path.join(dir, 'alias-policies.yaml');
    fs.writeFileSync(aliasPolicies, aliasFanOutPolicies(200));
    r = run(['check', '--format', 'json', aliasPolicies]);
    t.diagnostic(`alias fan-out in 200 policies: exit ${r.code} in ${r.ms} ms`);
    assertEnded(r, 'alias fan-out policies');
    const codes = (JSON.parse(r.stdout) as { code: string; message: string }[]).filter((d) => d.code === 'NP003');
    assert.ok(codes.length > 0 && codes.length < 200, `some documents past the file's alias budget get NP003 (${codes.length})`);
    assert.match(codes[0].message, /aliases in this file expand to more than 1000000 nodes/);

    // A 50 MB file: over the 16 MB limit, skipped after reading at most the limit (exit 2, one line).
    const big = path.join(dir, 'big.yaml');
    writePolicies(big, 50 * MB);
    r = run(['check', big]);
    t.diagnostic(`50 MB file: exit ${r.code} in ${r.ms} ms`);
    assertEnded(r, '50 MB');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /skipping .*big\.yaml: \d+ bytes is over the 16777216-byte limit/);

    // 4 MB of small policies, each name four times (the 1 MB chunk repeated): the findings across
    // the file (duplicate names, redundant policies) stay linear, and each names at most 5 places.
    const many = path.join(dir, 'many-policies.yaml');
    writePolicies(many, 4 * MB);
    r = run(['check', '--format', 'json', many], 120_000);
    t.diagnostic(`4 MB of policies (${fs.statSync(many).size} bytes): exit ${r.code} in ${r.ms} ms`);
    assertEnded(r, '4 MB of policies');
    const dups = (JSON.parse(r.stdout) as { code: string; message: string }[]).filter((d) => d.code === 'NP405');
    assert.ok(dups.length > 10_000, `every copy gets NP405 (${dups.length})`);
    assert.ok(dups.every((d) => d.message.split('line ').length - 1 <= 5), 'at most 5 places named in one message');

    // 100,000 kind: List items (8.7 MB): analysed.
    const list = path.join(dir, 'list.yaml');
    fs.writeFileSync(list, bigList(100_000));
    r = run(['get', list, '-A'], 120_000);
    t.diagnostic(`100,000 List items: exit ${r.code} in ${r.ms} ms`);
    assertEnded(r, 'List');

    // Deep block nesting: NP003, not a stack overflow.
    const deep = path.join(dir, 'deep.yaml');
    fs.writeFileSync(deep, deepBlock(5000));
    r = run(['check', deep]);
    t.diagnostic(`5,000 nested block mappings: exit ${r.code} in ${r.ms} ms`);
    assertEnded(r, 'deep');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /NP003/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('200 files, each just under the per-file alias budget: the budget of the run stops the sum, names the file, exits 2', { timeout: 180_000 }, (t) => {
  const dir = tempDir('netpol-alias-folder-');
  try {
    const files = aliasFolder(dir, 200);
    const r = run(['check', '--format', 'json', dir], 150_000);
    t.diagnostic(`200 alias files: exit ${r.code} in ${r.ms} ms`);
    assertEnded(r, 'alias folder');
    assert.equal(r.code, 2, 'the answer is partial: exit 2');
    const said = r.stderr.split('\n').filter((l) => /aliases expand to more than 3000000 nodes in all the files read/.test(l));
    assert.equal(said.length, 1, r.stderr.slice(0, 1000));
    // 3,000,000 / 995,760 per file: the fourth file (a0003.yaml) is where it runs out.
    assert.match(said[0], new RegExp(`the budget ran out in ${escapeRegExp(files[3])};`));
    const found = JSON.parse(r.stdout) as { file: string; code: string; message: string }[];
    const np003 = found.filter((d) => d.code === 'NP003');
    const byFile = new Map<string, string[]>();
    for (const d of np003) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d.message]);
    for (const f of files.slice(0, 3)) assert.equal(byFile.get(f), undefined, `${path.basename(f)} is under the budget`);
    assert.match(byFile.get(files[3])?.[0] ?? '', /aliases in all the files read expand to more than 3000000 nodes \(the budget of one run or workspace\)/);
    assert.match(byFile.get(files[199])?.[0] ?? '', new RegExp(`spent by ${escapeRegExp(files[3])}`));
    assert.equal(byFile.size, 197, 'every file from the fourth on gets NP003');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the connectivity commands read files with aliases whole: the alias budget of the run stops them where it stops check', { timeout: 180_000 }, (t) => {
  // They read the World in pieces (core/worldParts.ts) only while no piece expands an alias.
  const dir = tempDir('netpol-alias-world-');
  try {
    const files = aliasFolder(dir, 5);
    for (const args of [['traffic', dir, '--from', 'default/a', '--to', 'default/b', '--port', '80'], ['matrix', dir]]) {
      const r = run(args, 150_000);
      t.diagnostic(`${args[0]} on 5 alias files: exit ${r.code} in ${r.ms} ms`);
      assertEnded(r, args[0]);
      assert.equal(r.code, 2, `${args[0]}: the answer is partial`);
      const said = r.stderr.split('\n').filter((l) => /aliases expand to more than 3000000 nodes in all the files read/.test(l));
      assert.equal(said.length, 1, `${args[0]}: ${r.stderr.slice(0, 1000)}`);
      assert.match(said[0], new RegExp(`the budget ran out in ${escapeRegExp(files[3])};`));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder of 5,000 small YAML files answers in bounded time', { timeout: 180_000 }, (t) => {
  const dir = tempDir('netpol-many-');
  try {
    manyFiles(dir, 5_000);
    const r = run(['check', dir], 150_000);
    t.diagnostic(`5,000 files: exit ${r.code} in ${r.ms} ms`);
    assertEnded(r, 'many files');
    assert.equal(r.code, 0, r.stderr.slice(0, 500));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a run reads at most 20,000 files (NETPOL_LENS_MAX_FILES lowers it): past the budget it stops, says so and exits 2', { timeout: 60_000 }, () => {
  const dir = tempDir('netpol-budget-');
  try {
    for (let i = 0; i < 150; i++) fs.writeFileSync(path.join(dir, `p${String(i).padStart(3, '0')}.yaml`), podDoc(`p${i}`, { app: 'web' }));
    const r = spawnSync(process.execPath, [cli, 'check', dir], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, LC_ALL: 'C', NETPOL_LENS_MAX_FILES: '100' } });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /more than 100 files: .*p\d{3}\.yaml and the files after it were not read/);
    const all = spawnSync(process.execPath, [cli, 'check', dir], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, LC_ALL: 'C' } });
    assert.equal(all.status, 0, all.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('folder walks read *.json: a pods.json contributes its pods; package.json and tsconfig.json give no output and no warning', { timeout: 60_000 }, () => {
  const dir = tempDir('netpol-json-');
  try {
    fs.writeFileSync(path.join(dir, 'policy.yaml'), `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-frontend\n  namespace: default\nspec:\n  podSelector:\n    matchLabels:\n      app: backend\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: frontend\n`);
    const pod = (name: string, app: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    fs.writeFileSync(path.join(dir, 'pods.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('backend', 'backend'), pod('frontend', 'frontend')], metadata: { resourceVersion: '' } }, null, 4) + '\n');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { test: 'node --test' }, kind: 'of' }, null, 2));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{\n  // comments, as tsconfig allows\n  "compilerOptions": {\n\t"strict": true,\n  },\n}\n');
    const check = run(['check', dir]);
    assertEnded(check, 'check');
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(check.stderr, '', 'no warning');
    assert.doesNotMatch(check.stdout, /package\.json|tsconfig\.json/);
    const tr = run(['traffic', dir, '--from', 'default/frontend', '--to', 'default/backend', '--port', '80']);
    assertEnded(tr, 'traffic');
    assert.equal(tr.code, 0, `the pods come from pods.json: ${tr.stdout}${tr.stderr}`);
    assert.match(tr.stdout, /allowed/i);
    // Without pods.json the same question names an unknown pod (exit 2): the JSON file is what answered it.
    fs.rmSync(path.join(dir, 'pods.json'));
    assert.equal(run(['traffic', dir, '--from', 'default/frontend', '--to', 'default/backend', '--port', '80']).code, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('file names with control characters are printed escaped (text output and warnings)', { timeout: 60_000 }, () => {
  const dir = tempDir('netpol-names-');
  try {
    const broken = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: Bad_Name\nspec:\n  podSelector: {}\n';
    fs.writeFileSync(path.join(dir, 'evil\u001b[2J.yaml'), broken);
    fs.symlinkSync('/nonexistent', path.join(dir, 'gone\u001b]0;title\u0007.yaml'));
    const r = run(['check', dir]);
    assertEnded(r, 'check');
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout + r.stderr, /\u001b|\u0007/, 'no raw control characters reach the terminal');
    assert.match(r.stdout, /evil\\u001b\[2J\.yaml:\d+:\d+: error/);
    assert.match(r.stderr, /gone\\u001b\]0;title\\u0007\.yaml: symbolic link to nothing/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('readCapped stops at the limit + 1 byte, refuses FIFOs without blocking; the walk reads each real file once', () => {
  const dir = tempDir('netpol-read-');
  try {
    const f = path.join(dir, 'a.yaml');
    fs.writeFileSync(f, 'x'.repeat(100));
    assert.deepEqual(readCapped(f, 100), { text: 'x'.repeat(100) });
    const over = readCapped(f, 99);
    assert.ok('skip' in over && over.skip.reason === 'too-large', JSON.stringify(over));
    fs.writeFileSync(path.join(dir, 'bin.yaml'), Buffer.from([0x6b, 0x00, 0x01]));
    const bin = readCapped(path.join(dir, 'bin.yaml'), 100);
    assert.ok('skip' in bin && bin.skip.reason === 'binary');
    if (mkfifo(path.join(dir, 'fifo.yaml'))) {
      const fifo = readCapped(path.join(dir, 'fifo.yaml'), 100);
      assert.ok('skip' in fifo && fifo.skip.reason === 'special', JSON.stringify(fifo));
    }
    if (fs.existsSync('/dev/zero')) {
      const zero = readCapped('/dev/zero', 100);
      assert.ok('skip' in zero && zero.skip.reason === 'special');
    }
    fs.symlinkSync('a.yaml', path.join(dir, 'b.yaml'));
    fs.writeFileSync(path.join(dir, 'pods.yaml'), podDoc('p', { app: 'x' }));
    const files = [...walkInputs([dir, f])].filter((e) => e.kind === 'file').map((e) => path.basename(e.kind === 'file' ? e.path : ''));
    assert.deepEqual(files, ['a.yaml', 'bin.yaml', 'pods.yaml'], 'b.yaml (a link to a.yaml) and a.yaml named again are not read twice');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
