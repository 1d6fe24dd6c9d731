/**
 * The installable .vsix: it packages (as `npm run main` does) and ships the bundles, the schema,
 * the rule docs and the manifest's translations (package.nls*.json, l10n/) only — no
 * sources, tests or fixtures.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../harness/files';

const root = repoRoot();

test('the extension packages into a .vsix with the bundles and docs only', { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-vsix-'));
  try {
    const out = path.join(dir, 'netpol-lens.vsix');
    const pkg = spawnSync('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--skip-license', '--no-rewrite-relative-links', '--out', out], { cwd: root, encoding: 'utf8' });
    assert.equal(pkg.status, 0, pkg.stdout + pkg.stderr);
    assert.ok(fs.statSync(out).size > 10_000);
    const ls = spawnSync('npx', ['--no-install', 'vsce', 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    assert.equal(ls.status, 0, ls.stderr);
    const files = ls.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    for (const f of ['dist/client.js', 'dist/server.js', 'dist/cli.js', 'dist/webview.js', 'dist/webview.css', 'dist/elk-worker.js', 'package.json', 'schemas/networkpolicy.schema.json', 'docs/rules/NP204-invalid-end-port.md', 'package.nls.json', 'package.nls.ko.json', 'l10n/bundle.l10n.ko.json']) {
      assert.ok(files.includes(f), `${f} missing from the package: ${files.join(', ')}`);
    }
    for (const f of files) assert.ok(!/^(server|client|test|scripts|examples)\//.test(f) && !f.endsWith('.map') && !f.endsWith('.ts'), `${f} should not ship`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
