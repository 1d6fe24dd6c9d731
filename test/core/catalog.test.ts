/**
 * Meta-tests that keep the diagnostics catalog honest: unique codes and slugs, one rule file per
 * slug opening with its what-and-why comment, one docs page per code with the fixed sections,
 * every code triggered by a fixture, every fixable code's fix exercised by a fixture.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../server/src/core';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';
import { parseFixture } from '../harness/fixture';

const root = repoRoot();
// Annotations of both fixture kinds: single files (diagnostics/) and workspaces (workspace-diagnostics/<case>/).
const fixtures = [
  ...listFiles(path.join(fixtureRoot(), 'diagnostics'), /\.ya?ml$/),
  ...listFiles(path.join(fixtureRoot(), 'workspace-diagnostics'), /\.ya?ml$/),
].map((f) => parseFixture(fs.readFileSync(f, 'utf8')));
const annotations = fixtures.flatMap((f) => f.expectations);

test('codes and slugs are unique, well-formed and banded', () => {
  const codes = RULES.map((r) => r.meta.code);
  const slugs = RULES.map((r) => r.meta.slug);
  assert.equal(new Set(codes).size, codes.length, 'duplicate code');
  assert.equal(new Set(slugs).size, slugs.length, 'duplicate slug');
  for (const r of RULES) {
    assert.match(r.meta.code, /^NP[0-5]\d\d$/);
    assert.match(r.meta.slug, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    if (/^NP[012]/.test(r.meta.code)) assert.equal(r.meta.severity, 'error', `${r.meta.code}: bands NP0xx-NP2xx are what Kubernetes rejects`);
    else if (/^NP5/.test(r.meta.code)) assert.equal(r.meta.severity, 'error', `${r.meta.code}: NP5xx are the user's own assertions: a failing or unreadable one is an error`);
    else assert.notEqual(r.meta.severity, 'error', `${r.meta.code}: NP3xx/NP4xx are lints, not rejections`);
    assert.ok(r.meta.title.length > 0 && !r.meta.title.endsWith('.'), `${r.meta.code}: title is one line without a period`);
  }
});

test('every rule lives in a file named by its slug that opens with its what-and-why comment', () => {
  for (const r of RULES) {
    const file = path.join(root, 'server', 'src', 'core', 'rules', `${r.meta.slug}.ts`);
    assert.ok(fs.existsSync(file), `missing ${file}`);
    const src = fs.readFileSync(file, 'utf8');
    assert.ok(src.startsWith('/**'), `${file} must open with a doc comment`);
    assert.ok(src.slice(0, 400).includes(`${r.meta.code} ${r.meta.slug}`), `${file}: the comment must name "${r.meta.code} ${r.meta.slug}"`);
    assert.ok(src.includes(`code: '${r.meta.code}'`), `${file} defines ${r.meta.code}`);
  }
});

test('every code has a docs page with the fixed sections, and the index lists it', () => {
  const index = fs.readFileSync(path.join(root, 'docs', 'rules', 'README.md'), 'utf8');
  const sections = ['## Rule Details', '## Examples', '## How to Fix', '## When Not To Use It'];
  for (const r of RULES) {
    const page = path.join(root, 'docs', 'rules', `${r.meta.code}-${r.meta.slug}.md`);
    assert.ok(fs.existsSync(page), `missing ${page}`);
    const md = fs.readFileSync(page, 'utf8');
    assert.ok(md.startsWith(`# ${r.meta.code} ${r.meta.slug}`), `${page}: title`);
    let at = 0;
    for (const s of sections) {
      const i = md.indexOf(`\n${s}\n`, at);
      assert.ok(i > at, `${page}: "${s}" missing or out of order`);
      at = i;
    }
    assert.ok(index.includes(`${r.meta.code}-${r.meta.slug}.md`), `docs/rules/README.md must link ${r.meta.code}`);
  }
  const pages = fs.readdirSync(path.join(root, 'docs', 'rules')).filter((f) => /^NP\d{3}-/.test(f));
  const known = new Set(RULES.map((r) => `${r.meta.code}-${r.meta.slug}.md`));
  for (const p of pages) assert.ok(known.has(p), `docs page ${p} has no rule`);
});

test('every code is triggered by a fixture, and fixtures name no unknown code', () => {
  const known = new Set(RULES.map((r) => r.meta.code));
  for (const a of annotations) assert.ok(known.has(a.code), `fixture annotation names unknown code ${a.code}`);
  const seen = new Set(annotations.map((a) => a.code));
  for (const r of RULES) assert.ok(seen.has(r.meta.code), `no fixture triggers ${r.meta.code}`);
});

test('every fixable code has a fixture whose finding carries its fix', () => {
  const withFix = new Set(annotations.filter((a) => a.fix).map((a) => a.code));
  for (const r of RULES.filter((x) => x.meta.fixable)) assert.ok(withFix.has(r.meta.code), `no fixture exercises the fix of ${r.meta.code}`);
  for (const code of withFix) assert.ok(RULES.find((r) => r.meta.code === code)?.meta.fixable, `${code} has a fix but is not marked fixable`);
});
