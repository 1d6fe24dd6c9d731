/** The CLI in Korean: `--locale ko`, or LANG/LC_ALL/LC_MESSAGES, and English otherwise. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from '../harness/files';

const root = repoRoot();
const cli = path.join(root, 'dist', 'cli.js');
const HANGUL = /[\uAC00-\uD7A3]/;

function run(args: string[], env: Record<string, string | undefined> = {}) {
  const clean: NodeJS.ProcessEnv = { ...process.env, LC_ALL: undefined, LC_MESSAGES: undefined, LANG: undefined, ...env };
  for (const k of Object.keys(clean)) if (clean[k] === undefined) delete clean[k];
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: clean });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NP204_KO = 'examples/broken.yaml:21:16: error NP204 spec.ingress[0].ports[0].endPort: 잘못된 값: 80: `port` 이상이어야 합니다 (kubectl: Invalid value: 80: must be greater than or equal to `port`)';
const NP204_EN = 'examples/broken.yaml:21:16: error NP204 spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`';

test('check --locale ko prints Korean messages, with kubectl\'s English after the API server errors', () => {
  for (const args of [['check', '--locale', 'ko', 'examples/broken.yaml'], ['check', 'examples/broken.yaml', '--locale=ko-KR']]) {
    const r = run(args);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.includes(NP204_KO), r.stdout);
    for (const l of lines) assert.match(l, HANGUL, l);
    assert.equal(lines[lines.length - 1], '파일 1개에서 오류 6개, 경고 0개');
  }
});

test('the locale comes from LC_ALL, then LC_MESSAGES, then LANG; --locale wins; English by default', () => {
  assert.ok(run(['check', 'examples/broken.yaml'], { LANG: 'ko_KR.UTF-8' }).stdout.includes(NP204_KO));
  assert.ok(run(['check', 'examples/broken.yaml'], { LC_MESSAGES: 'ko_KR.UTF-8', LANG: 'en_US.UTF-8' }).stdout.includes(NP204_KO));
  assert.ok(run(['check', 'examples/broken.yaml'], { LC_ALL: 'C', LANG: 'ko_KR.UTF-8' }).stdout.includes(NP204_EN));
  assert.ok(run(['check', '--locale', 'en', 'examples/broken.yaml'], { LANG: 'ko_KR.UTF-8' }).stdout.includes(NP204_EN));
  const plain = run(['check', 'examples/broken.yaml']);
  assert.ok(plain.stdout.includes(NP204_EN));
  assert.doesNotMatch(plain.stdout, HANGUL);
});

test('plan, traffic and matrix follow --locale too; JSON keys stay English', () => {
  const plan = run(['plan', '--locale', 'ko', 'test/fixtures/workspaces/seed']);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /^검증 계획: /);
  const json = run(['plan', '--locale', 'ko', '--format', 'json', 'test/fixtures/workspaces/seed']);
  const parsed = JSON.parse(json.stdout) as { sections: { checks: { expect: string }[] }[] };
  assert.ok(parsed.sections.every((s) => s.checks.every((c) => c.expect === 'connects' || c.expect.startsWith('connects ') || c.expect.startsWith('times out'))));
  const bad = run(['check', '--locale', 'ko', '--format', 'xml', 'examples']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^netpol-lens: --format은 text, json, sarif 중 하나여야 합니다 \("xml"은\(는\) 안 됩니다\)\n/);
  const matrix = run(['matrix', '--locale', 'ko', 'test/fixtures/workspaces/seed']);
  assert.match(matrix.stdout, /^포트 80\/TCP의 도달 가능성/);
});
