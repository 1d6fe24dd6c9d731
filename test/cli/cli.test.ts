/** The CLI as users run it: the built dist/cli.js in a child process. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../harness/files';

const root = repoRoot();
const cli = path.join(root, 'dist', 'cli.js');

function run(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const seedFiles = ['examples/allow-frontend-to-backend.yaml', 'examples/allow-egress-to-external-api.yaml', 'examples/deny-ingress-from-external.yaml'];

test('check: the seed manifests have no errors (exit 0); the egress one warns that it blocks DNS and isolates ingress too', () => {
  const r = run(['check', ...seedFiles]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^0 errors, 2 warnings in 3 files$/m);
  assert.match(r.stdout, /allow-egress-to-external-api\.yaml:\d+:\d+: warning NP302 /);
  assert.match(r.stdout, /allow-egress-to-external-api\.yaml:\d+:\d+: warning NP310 /);
});

test('check: text output is compiler-style with code and field path (exit 1)', () => {
  const r = run(['check', 'examples/broken.yaml']);
  assert.equal(r.code, 1);
  const line = r.stdout.split('\n').find((l) => l.includes('NP204'));
  assert.ok(line, r.stdout);
  assert.match(line, /^examples\/broken\.yaml:\d+:\d+: error NP204 spec\.ingress\[0\]\.ports\[0\]\.endPort: Invalid value: 80: must be greater than or equal to `port`$/);
});

test('check --format json: array of {file, code, severity, message, path, range} with 0-based positions', () => {
  const r = run(['check', '--format', 'json', 'examples/']);
  assert.equal(r.code, 1);
  const items = JSON.parse(r.stdout) as { file: string; code: string; severity: string; message: string; path?: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
  const end = items.find((i) => i.code === 'NP204');
  assert.ok(end);
  assert.equal(end.file, path.join('examples', 'broken.yaml'));
  assert.equal(end.severity, 'error');
  assert.equal(end.path, 'spec.ingress[0].ports[0].endPort');
  const text = fs.readFileSync(path.join(root, 'examples/broken.yaml'), 'utf8').split('\n');
  assert.equal(text[end.range.start.line].slice(end.range.start.character, end.range.end.character), '80');
  for (const i of items) assert.ok(['error', 'warning', 'info', 'hint'].includes(i.severity));
});

test('check --format sarif: SARIF 2.1.0 with rules and 1-based regions', () => {
  const r = run(['check', '--format=sarif', 'examples/broken.yaml']);
  assert.equal(r.code, 1);
  const log = JSON.parse(r.stdout);
  assert.equal(log.version, '2.1.0');
  const run0 = log.runs[0];
  assert.equal(run0.tool.driver.name, 'netpol-lens');
  const ids = run0.tool.driver.rules.map((x: { id: string }) => x.id);
  assert.ok(ids.includes('NP204'));
  const res = run0.results.find((x: { ruleId: string }) => x.ruleId === 'NP204');
  assert.equal(run0.tool.driver.rules[res.ruleIndex].id, 'NP204');
  assert.equal(res.level, 'error');
  assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'examples/broken.yaml');
  const region = res.locations[0].physicalLocation.region;
  const line = fs.readFileSync(path.join(root, 'examples/broken.yaml'), 'utf8').split('\n')[region.startLine - 1];
  assert.equal(line.slice(region.startColumn - 1, region.endColumn - 1), '80');
});

test('check: bad usage and unreadable input exit 2 with a clear message', () => {
  const missing = run(['check', 'no/such/file.yaml']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read no\/such\/file\.yaml/);
  const fmt = run(['check', '--format', 'xml', 'examples/']);
  assert.equal(fmt.code, 2);
  assert.match(fmt.stderr, /--format must be text, json or sarif/);
  assert.equal(run([]).code, 2);
  assert.equal(run(['frobnicate']).code, 2);
  assert.equal(run(['check']).code, 2);
});

test('check: folders are searched recursively, non-YAML and node_modules skipped, symlink loops survive', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-cli-'));
  try {
    fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.copyFileSync(path.join(root, 'examples/broken.yaml'), path.join(dir, 'a', 'b', 'x.yml'));
    fs.copyFileSync(path.join(root, 'examples/broken.yaml'), path.join(dir, 'node_modules', 'y.yaml'));
    fs.writeFileSync(path.join(dir, 'a', 'notes.txt'), 'kind: NetworkPolicy');
    fs.symlinkSync(dir, path.join(dir, 'a', 'loop'));
    const r = run(['check', '--format', 'json', dir]);
    assert.equal(r.code, 1);
    const files = new Set((JSON.parse(r.stdout) as { file: string }[]).map((i) => path.relative(dir, i.file)));
    assert.deepEqual([...files], [path.join('a', 'b', 'x.yml')]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
