/**
 * Localisation: (1) coverage — in Korean, every message the fixtures produce (diagnostics of every
 * diagnostics and workspace fixture, their fix titles, hovers across the hover fixtures, template
 * titles and descriptions, plans, matrices and traffic explanations of the workspace fixtures, the
 * CLI summary) is in the bundle and reads in Korean; (2) static checks — the ko bundles have no
 * stale keys and keep every placeholder, the manifest's %keys% and the client's vscode.l10n.t
 * literals are all translated. Tests run in one process per file: the locale is reset to English.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  buildPlan, clearMissingTranslations, computeMatrix, explainTraffic, getHover, getLocale, lineLocator, loadWorkspace, missingTranslations,
  renderMatrixMarkdown, renderMatrixText, renderPlanText, renderTrafficText, setLocale, t, TEMPLATES, withWorkspaceDiagnostics,
} from '../../server/src/core';
import type { Diagnostic, Endpoint } from '../../server/src/core';
import { templateCodeActions } from '../../server/src/lsp/authoring';
import { formatText } from '../../server/src/cli/format';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';
import { parseFixture } from '../harness/fixture';
import { CLIENT_CALLEES, keysIn, placeholders, SERVER_CALLEES, tsFiles } from '../harness/l10nKeys';

const HANGUL = /[\uAC00-\uD7A3]/;
const root = repoRoot();

function readJson(file: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, string>;
}

/** Runs `fn` in Korean, then back in English whatever happens. */
function inKorean(fn: () => void): void {
  setLocale('ko');
  clearMissingTranslations();
  try {
    fn();
  } finally {
    setLocale('en');
    clearMissingTranslations();
  }
}

function workspaceDirs(): { name: string; files: { file: string; text: string }[] }[] {
  const out: { name: string; files: { file: string; text: string }[] }[] = [];
  for (const group of ['workspaces', 'workspace-diagnostics']) {
    const base = path.join(fixtureRoot(), group);
    for (const e of fs.readdirSync(base, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const dir = path.join(base, e.name);
      const files = listFiles(dir, /\.ya?ml$/).map((f) => ({ file: path.relative(dir, f).split(path.sep).join('/'), text: parseFixture(fs.readFileSync(f, 'utf8')).text }));
      out.push({ name: `${group}/${e.name}`, files });
    }
  }
  return out;
}

function diagnosticsOf(files: readonly { file: string; text: string }[]): Diagnostic[] {
  const ws = loadWorkspace(files);
  return files.flatMap((f) => withWorkspaceDiagnostics(ws.files.find((x) => x.file === f.file)!.analysis.diagnostics, ws, f.file, { text: f.text }));
}

test('Korean coverage: every message of the fixtures is translated and reads in Korean', () => {
  inKorean(() => {
    const problems: string[] = [];
    const korean = (what: string, s: string) => {
      if (!HANGUL.test(s)) problems.push(`${what}: not Korean: ${s}`);
    };
    let diagnostics = 0;
    let fixes = 0;
    // Diagnostics fixtures, each file alone, and the workspace fixtures.
    const singles = listFiles(path.join(fixtureRoot(), 'diagnostics'), /\.ya?ml$/).map((f) => ({ name: path.basename(f), files: [{ file: path.basename(f), text: parseFixture(fs.readFileSync(f, 'utf8')).text }] }));
    for (const w of [...singles, ...workspaceDirs()]) {
      for (const d of diagnosticsOf(w.files)) {
        diagnostics++;
        korean(`${w.name} ${d.code}`, d.message);
        if (d.fix) {
          fixes++;
          korean(`${w.name} ${d.code} fix`, d.fix.title);
        }
      }
    }
    assert.ok(diagnostics > 300 && fixes > 20, `only ${diagnostics} diagnostics and ${fixes} fixes exercised`);
    // Hovers: every line's first token and the token after "- " of each hover fixture, in the lsp-seed workspace.
    const wsDir = path.join(fixtureRoot(), 'workspaces', 'lsp-seed');
    let hovers = 0;
    for (const file of listFiles(path.join(fixtureRoot(), 'hover'), /\.ya?ml$/)) {
      const name = path.basename(file);
      const text = fs.readFileSync(file, 'utf8').replace('$0', '');
      const files = fs.readdirSync(wsDir).filter((f) => f !== name).map((f) => ({ file: f, text: fs.readFileSync(path.join(wsDir, f), 'utf8') }));
      files.push({ file: name, text });
      const ws = loadWorkspace(files);
      const fa = ws.files.find((f) => f.file === name)!;
      for (const m of text.matchAll(/^[ \t]*(?:- )?/gm)) {
        const h = getHover(ws.world, fa.analysis.policies, name, m.index + m[0].length);
        if (!h) continue;
        hovers++;
        korean(`hover ${name}@${m.index}`, h.markdown);
      }
    }
    assert.ok(hovers > 50, `only ${hovers} hovers exercised`);
    // Templates: descriptions and the source actions' titles.
    for (const tpl of TEMPLATES) korean(`template ${tpl.id}`, tpl.description);
    for (const a of templateCodeActions(TextDocument.create('file:///t.yaml', 'yaml', 1, ''), { line: 0, character: 0 })) korean('template action', a.title);
    // Plans, matrices and traffic explanations of every workspace fixture.
    for (const w of workspaceDirs()) {
      const ws = loadWorkspace(w.files);
      const locate = lineLocator(w.files);
      const plan = renderPlanText(buildPlan(ws.world, { locate }));
      if (ws.world.policies.length) korean(`plan ${w.name}`, plan);
      const m = computeMatrix(ws.world, 80, 'TCP');
      korean(`matrix ${w.name}`, renderMatrixText(m, locate));
      korean(`matrix md ${w.name}`, renderMatrixMarkdown(m, locate));
      const ends: Endpoint[] = [...ws.world.pods.slice(0, 6).map((pod): Endpoint => ({ kind: 'pod', pod })), { kind: 'ip', bytes: [203, 0, 113, 5], text: '203.0.113.5' }];
      for (const from of ends) for (const to of ends) {
        for (const [port, protocol] of [[80, 'TCP'], [53, 'UDP']] as const) {
          korean(`traffic ${w.name}`, renderTrafficText(explainTraffic(ws.world, { from, to, port, protocol }, { locate })));
        }
      }
    }
    korean('cli summary', formatText([]));
    assert.deepEqual(missingTranslations(), [], 'messages missing from server/l10n/bundle.l10n.ko.json');
    assert.deepEqual(problems.slice(0, 20), []);
  });
  assert.equal(getLocale(), 'en');
  assert.equal(t('Insert {0}', 'x'), 'Insert x');
});

test('static: the server ko bundle has exactly the keys t() uses, with their placeholders', () => {
  const files = tsFiles(path.join(root, 'server', 'src')).filter((f) => !f.endsWith(path.join('core', 'l10n.ts')));
  const { uses, dynamic } = keysIn(files, SERVER_CALLEES);
  assert.deepEqual(dynamic, [], 't() must be called with string literals, so the bundle can be checked');
  const used = new Set(uses.map((u) => u.key));
  const ko = readJson('server/l10n/bundle.l10n.ko.json');
  assert.deepEqual(Object.keys(ko).filter((k) => !used.has(k)), [], 'stale keys in the ko bundle');
  assert.deepEqual([...used].filter((k) => !(k in ko)), [], 'keys missing from the ko bundle');
  for (const [k, v] of Object.entries(ko)) {
    assert.equal(typeof v, 'string', k);
    assert.deepEqual(placeholders(v), placeholders(k), `placeholders of ${JSON.stringify(k)}`);
  }
});

test('static: package.json %keys% are in package.nls.json, and package.nls.ko.json has exactly its keys', () => {
  const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
  const en = readJson('package.nls.json');
  const ko = readJson('package.nls.ko.json');
  const refs = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
  assert.ok(refs.length >= 10);
  assert.deepEqual(refs.filter((k) => !(k in en)), [], 'keys missing from package.nls.json');
  assert.deepEqual(Object.keys(en).filter((k) => !refs.includes(k)), [], 'unused keys in package.nls.json');
  assert.deepEqual(Object.keys(ko).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries(ko)) if (k !== 'configuration.title' && k !== 'command.category') assert.match(v, HANGUL, k);
  const pkg = JSON.parse(manifest) as { l10n?: string; contributes: { commands: { title: string; category: string }[] } };
  assert.equal(pkg.l10n, './l10n');
  for (const c of pkg.contributes.commands) assert.match(`${c.title} ${c.category}`, /^%[^%]+% %[^%]+%$/);
});

test('static: every vscode.l10n.t literal of the client has a ko translation, and no stale ones', () => {
  const { uses, dynamic } = keysIn(tsFiles(path.join(root, 'client', 'src')), CLIENT_CALLEES);
  assert.deepEqual(dynamic, []);
  assert.ok(uses.length >= 2);
  const ko = readJson('l10n/bundle.l10n.ko.json');
  const used = new Set(uses.map((u) => u.key));
  assert.deepEqual([...used].filter((k) => !(k in ko)), []);
  assert.deepEqual(Object.keys(ko).filter((k) => !used.has(k)), []);
  for (const [k, v] of Object.entries(ko)) {
    assert.match(v, HANGUL, k);
    assert.deepEqual(placeholders(v), placeholders(k), k);
  }
});

test('t(): fills every {n} once, in any order and repeated, leaves {n} without an argument, and never re-reads what it filled', () => {
  setLocale('en');
  assert.equal(t('{1} and {0}, then {1}', 'a', 'b'), 'b and a, then b');
  assert.equal(t('no placeholder'), 'no placeholder');
  assert.equal(t('{0} of {2}', 'x'), 'x of {2}');
  assert.equal(t('{0}{1}', '{1}', 'z'), '{1}z');
  assert.equal(t('{0}', 5), '5');
  assert.equal(t('a {0} b', undefined), 'a undefined b');
});
