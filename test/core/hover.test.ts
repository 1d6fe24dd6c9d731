/**
 * Hover snapshots: each test/fixtures/hover/*.yaml holds one policy file with a `$0` cursor; the
 * workspace around it is test/fixtures/workspaces/lsp-seed (the user's guide: frontend, backend,
 * database, coredns and the three policies). The expected markdown is the sibling .expected.md.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getHover, loadWorkspace, setLocale } from '../../server/src/core';
import { explainPolicy } from '../../server/src/core/ide/hoverPolicy';
import { expectFile } from '../harness/expect';
import { fixtureRoot, listFiles } from '../harness/files';

const wsDir = path.join(fixtureRoot(), 'workspaces', 'lsp-seed');
const hoverDir = path.join(fixtureRoot(), 'hover');

function hoverOf(file: string): { text: string; markdown?: string; span?: string } {
  const source = fs.readFileSync(file, 'utf8');
  const offset = source.indexOf('$0');
  if (offset < 0) throw new Error(`${file}: no $0 cursor`);
  const text = source.replace('$0', '');
  const name = path.basename(file);
  // The fixture stands in for the workspace file of the same name, if there is one.
  const files = fs.readdirSync(wsDir).filter((f) => f !== name).map((f) => ({ file: f, text: fs.readFileSync(path.join(wsDir, f), 'utf8') }));
  files.push({ file: name, text });
  const ws = loadWorkspace(files);
  const fa = ws.files.find((f) => f.file === name)!;
  const h = getHover(ws.world, fa.analysis.policies, name, offset);
  return { text, markdown: h?.markdown, span: h ? text.slice(h.span.start, h.span.end) : undefined };
}

function checkHover(file: string): void {
  const h = hoverOf(file);
  const rendered = h.markdown !== undefined ? `${h.markdown}\n\n<!-- span: ${JSON.stringify(h.span!.slice(0, 80))} -->\n` : '(no hover)\n';
  expectFile(rendered, file.replace(/\.ya?ml$/, '.expected.md'));
}

const fixtures = listFiles(hoverDir, /\.ya?ml$/);
for (const file of fixtures) test(`hover: ${path.relative(hoverDir, file)}`, () => checkHover(file));

// ---------------------------------------------------------------------------------------------
// Rendered as VS Code renders it: a real CommonMark renderer (markdown-it), checked for structure.

const md = new MarkdownIt();

/** The top-level blocks: paragraph, bullet_list, ordered_list, hr, heading (with their inline text). */
function blocks(markdown: string): { type: string; text: string; items: string[] }[] {
  const tokens = md.parse(markdown, {});
  const out: { type: string; text: string; items: string[] }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tk = tokens[i];
    if (tk.level !== 0) continue;
    if (tk.type === 'hr') out.push({ type: 'hr', text: '', items: [] });
    else if (tk.type === 'paragraph_open' || tk.type === 'heading_open') out.push({ type: tk.type.replace('_open', ''), text: tokens[i + 1].content, items: [] });
    else if (tk.type === 'bullet_list_open' || tk.type === 'ordered_list_open') {
      const b = { type: tk.type.replace('_open', ''), text: '', items: [] as string[] };
      for (let j = i + 1; j < tokens.length && tokens[j].type !== tk.type.replace('_open', '_close'); j++) if (tokens[j].type === 'inline' && tokens[j].level === 3) b.items.push(tokens[j].content);
      out.push(b);
    }
  }
  return out;
}

/** Inline tokens with a soft break: two source lines VS Code would join into one. */
function softBreaks(markdown: string): string[] {
  return md.parse(markdown, {}).filter((tk) => tk.type === 'inline' && tk.children?.some((c) => c.type === 'softbreak')).map((tk) => tk.content);
}

test('every hover renders without joined lines: each line is its own paragraph, list item or rule', () => {
  let checked = 0;
  for (const file of fixtures) {
    const h = hoverOf(file);
    if (h.markdown === undefined) continue;
    checked++;
    assert.deepEqual(softBreaks(h.markdown), [], `${path.relative(hoverDir, file)}: lines joined by the renderer`);
    // And the renderer's HTML has no paragraph running two of our lines together.
    const html = md.render(h.markdown);
    assert.doesNotMatch(html, /<p>[^<]*\n[^<]*<\/p>/, `${path.relative(hoverDir, file)}: ${html}`);
  }
  assert.ok(checked >= 10, `only ${checked} hovers checked`);
});

test('the policy hover leads with the verdict: title, then per pod a heading and a list of ✔/✘ lines, then a rule', () => {
  for (const name of ['allow-frontend-to-backend.yaml', 'allow-egress-to-external-api.yaml', 'deny-ingress-from-external.yaml', 'ports.yaml']) {
    const h = hoverOf(path.join(hoverDir, name));
    const b = blocks(h.markdown!);
    assert.equal(b[0].type, 'paragraph');
    assert.match(b[0].text, /^\*\*NetworkPolicy `default\//, name);
    assert.equal(b[1].type, 'paragraph', name);
    assert.match(b[1].text, /^\*\*`default\/[a-z-]+( \(Deployment\))?`\*\*/, `${name}: the pod's heading`);
    assert.equal(b[2].type, 'bullet_list', name);
    assert.ok(b[2].items.length >= 2 && b[2].items.length <= 5, `${name}: ${b[2].items.length} verdict lines`);
    for (const item of b[2].items) assert.match(item, /^(✔|✘|⚠)/, `${name}: ${item}`);
    assert.equal(b[3].type, 'hr', `${name}: the verdict block ends with a rule`);
    // The verdict block fits VS Code's default hover box: a handful of short lines.
    for (const item of b[2].items) assert.ok(item.length <= 160, `${name}: a long verdict line: ${item}`);
  }
});

test('the verdict says "any port" only where every port is allowed, and the listening ports only as the heading', () => {
  const seed = blocks(hoverOf(path.join(hoverDir, 'allow-frontend-to-backend.yaml')).markdown!);
  assert.match(seed[1].text, /listens on 8080\/TCP/);
  assert.ok(seed[2].items.includes('✔ from `default/frontend-pod` — any port'), seed[2].items.join('\n'));
  const html = md.render(hoverOf(path.join(hoverDir, 'allow-frontend-to-backend.yaml')).markdown!);
  assert.match(html, /<li>✔ from <code>default\/frontend-pod<\/code> — any port<\/li>/);
  const ports = blocks(hoverOf(path.join(hoverDir, 'ports.yaml')).markdown!);
  assert.ok(ports[2].items.some((i) => i.startsWith('✔ from `default/frontend-pod` — TCP 5432; UDP 9000-9100')), ports[2].items.join('\n'));
});

test('a key hover shows that key and a one-line pointer to the verdict, not the policy hover', () => {
  const keys = fixtures.filter((f) => path.dirname(f) !== hoverDir || /peer|named-port|ipblock/.test(path.basename(f)));
  assert.ok(keys.length >= 7, keys.join(', '));
  for (const file of keys) {
    const h = hoverOf(file);
    const b = blocks(h.markdown!);
    const where = path.relative(hoverDir, file);
    assert.ok(!b.some((x) => x.type === 'hr'), `${where}: has a rule, like the policy hover`);
    assert.ok(!h.markdown!.includes('✔') && !h.markdown!.includes('**Selects**'), `${where}: repeats the policy hover`);
    assert.ok(b.length <= 5, `${where}: ${b.length} blocks`);
    const last = b[b.length - 1];
    assert.equal(last.type, 'paragraph');
    assert.match(last.text, /^_Who can reach whom under `default\/[a-z-]+`: hover its name\._$/, where);
  }
});

test('a policy explained once per World is answered from memory, in the locale asked for; a new World explains again', () => {
  const files = fs.readdirSync(wsDir).map((f) => ({ file: f, text: fs.readFileSync(path.join(wsDir, f), 'utf8') }));
  const ws = loadWorkspace(files);
  const c = ws.world.policies.find((p) => p.ref.name === 'allow-frontend-to-backend')!;
  assert.ok(c);
  const first = explainPolicy(ws.world, c);
  assert.equal(explainPolicy(ws.world, c), first, 'the same text');
  // Answered from memory: a change to the compiled policy (which a World never makes) does not show.
  const written = c.namespaceWritten;
  try {
    (c as { namespaceWritten: boolean }).namespaceWritten = !written;
    assert.equal(explainPolicy(ws.world, c), first, 'the kept text, not a new one');
  } finally {
    (c as { namespaceWritten: boolean }).namespaceWritten = written;
  }
  try {
    setLocale('ko');
    const ko = explainPolicy(ws.world, c);
    assert.notEqual(ko, first, 'another locale is written anew');
    setLocale('en');
    assert.equal(explainPolicy(ws.world, c), first);
  } finally {
    setLocale('en');
  }
  // The memo is per World: another World (an edit) with the same policy gives the same text, computed there.
  const edited = loadWorkspace(files.map((f) => (f.text.includes('name: allow-frontend-to-backend') ? { ...f, text: f.text.replace(/app: frontend/g, 'app: web') } : f)));
  const c2 = edited.world.policies.find((p) => p.ref.name === 'allow-frontend-to-backend')!;
  assert.notEqual(explainPolicy(edited.world, c2), first, 'an edit that changes the verdict changes the text');
});
