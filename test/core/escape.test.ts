/**
 * Escaping helpers (core/ide/escape.ts) against crafted names, checked by parsing the output with
 * a real parser where one is at hand: markdown-it for Markdown tables (row and cell counts, no
 * HTML), Graphviz `dot -Tcanon` for DOT (the node keeps its one label), and the matrix Markdown
 * output of the CLI's `matrix --format md` on a Pod named to break it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import MarkdownIt from 'markdown-it';
import { dotString, escapeControls, escapeHtml, escapeMarkdownCell, escapeXml, escapeXmlAttribute, jsonForScript, mermaidLabel } from '../../server/src/core/ide/escape';
import { computeMatrix, loadWorkspace, renderMatrixMarkdown } from '../../server/src/core';

const NASTY = [
  'a|b',
  'x\n| injected | row |',
  'x\r\n|---|',
  '<img src=x onerror=alert(1)>',
  '`code` and ``more``',
  '\\|escaped pipe',
  '**bold** _em_ [link](http://e.x) # head',
  '"quoted" \'single\' & amp',
  '\u001b[31mred\u001b[0m',
  'line\u2028sep\u2029para',
  ']]></x><!-- -->',
  '\ud800 lone surrogate',
  'ok-name',
];

function tableRows(md: string): string[][] {
  const tokens = new MarkdownIt().parse(md, {});
  const rows: string[][] = [];
  let row: string[] | undefined;
  for (const tok of tokens) {
    if (tok.type === 'tr_open') row = [];
    else if (tok.type === 'tr_close') rows.push(row!), (row = undefined);
    else if (tok.type === 'inline' && row) row.push(tok.content);
    else if (tok.type === 'html_block' || tok.type === 'html_inline') throw new Error(`HTML got through: ${tok.content}`);
  }
  for (const tok of tokens) for (const c of tok.children ?? []) if (c.type === 'html_inline') throw new Error(`HTML got through: ${c.content}`);
  return rows;
}

test('escapeMarkdownCell: a crafted cell keeps the table at its rows and columns, with no HTML', () => {
  for (const name of NASTY) {
    const cell = escapeMarkdownCell(name);
    assert.doesNotMatch(cell, /[\n\r\u2028\u2029]/, 'one line');
    const md = `| a | b |\n|---|---|\n| ${cell} | 2 |\n| 3 | 4 |\n`;
    const rows = tableRows(md);
    assert.equal(rows.length, 3, `${JSON.stringify(name)}: ${JSON.stringify(rows)}`);
    for (const r of rows) assert.equal(r.length, 2, `${JSON.stringify(name)}: ${JSON.stringify(r)}`);
    const html = new MarkdownIt().render(md);
    assert.doesNotMatch(html, /<img|<!--|<x>|<\/x>/, name);
  }
});

test('escapeControls: every C0/C1 control and line separator becomes visible; other text is kept', () => {
  assert.equal(escapeControls('a\u001b[31mb\n\u0085\u2028'), 'a\\u001b[31mb\\u000a\\u0085\\u2028');
  assert.equal(escapeControls('plain 한국어 ✓'), 'plain 한국어 ✓');
});

test('escapeHtml and escapeXml: no markup survives; XML gets no characters XML 1.0 forbids', () => {
  for (const name of NASTY) {
    for (const out of [escapeHtml(name), escapeXml(name), escapeXmlAttribute(name)]) {
      assert.doesNotMatch(out, /[<>"']/, name);
      assert.doesNotMatch(out.replace(/&(amp|lt|gt|quot|#39|#9|#10|#13);/g, ''), /&/, name);
    }
    assert.doesNotMatch(escapeXmlAttribute(name), /[\t\n\r]/, 'an attribute keeps tab and line feed as references');
    // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    const xml = escapeXml(name);
    assert.doesNotMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/, name);
    assert.doesNotMatch(xml, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, name);
  }
  // Where an XML parser is installed (Debian: libxml2-utils), it must accept the escaped text in an attribute and an element.
  const xmllint = spawnSync('xmllint', ['--version']);
  if (xmllint.error && process.env.CI) assert.fail('xmllint is missing under CI (.ci/run installs libxml2-utils)');
  if (xmllint.status === 0 || xmllint.status === 1) {
    const doc = `<?xml version="1.0"?><r>${NASTY.map((n) => `<c name="${escapeXmlAttribute(n)}">${escapeXml(n)}</c>`).join('')}</r>`;
    const r = spawnSync('xmllint', ['--noout', '-'], { input: doc, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
});

test('dotString: Graphviz reads each crafted name as one node with that label and no other attribute', (t) => {
  const probe = spawnSync('dot', ['-V']);
  if (probe.error) {
    t.skip('graphviz (dot) is not installed');
    return;
  }
  const names = NASTY.filter((n) => !/[\ud800-\udfff]/.test(n));
  const dot = `digraph G {\n${names.map((n, i) => `  n${i} [label=${dotString(n)}];`).join('\n')}\n}\n`;
  const r = spawnSync('dot', ['-Tcanon'], { input: dot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const nodes = r.stdout.split('\n').filter((l) => /^\s+n\d+\s*\[/.test(l));
  assert.equal(nodes.length, names.length, r.stdout);
  for (const line of nodes) {
    const attrs = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    assert.match(attrs, /^\s+n\d+\s+\[label=""\];$/, `only a label: ${line}`);
  }
  assert.doesNotMatch(r.stdout.replace(/"(?:[^"\\]|\\.)*"/g, '""'), /->/, 'no edge was injected');
});

test('mermaidLabel: only letters, digits, space, / . : _ - and #NN; entities; one quoted label', () => {
  for (const name of NASTY) {
    const label = mermaidLabel(name);
    assert.match(label, /^"[A-Za-z0-9 /.:_\-#;]*"$/, name);
    const decoded = label.slice(1, -1).replace(/#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)));
    assert.equal(decoded, escapeControls(name));
  }
});

test('jsonForScript: no </script>, <!-- or line separators; parses back to the value', () => {
  const value = { names: NASTY, s: '</script><script>alert(1)</script>' };
  const out = jsonForScript(value);
  assert.doesNotMatch(out, /<|>|\u2028|\u2029/);
  assert.deepEqual(JSON.parse(out), value);
});

test('matrix --format md: Pods named to break the table keep it at one row per pod', () => {
  const names = ['a|b', 'x`y', 'z<img src=x>'];
  const text = names.map((n) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${JSON.stringify(n)}\n  namespace: default\n  labels: {app: x}\n`).join('---\n');
  const ws = loadWorkspace([{ file: 'pods.yaml', text: text + '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: "nl\\n| injected |"\n  namespace: default\n' }]);
  const m = computeMatrix(ws.world, 80, 'TCP');
  const md = renderMatrixMarkdown(m);
  const rows = tableRows(md);
  assert.equal(rows.length, m.pods.length + 1, md);
  for (const r of rows) assert.equal(r.length, m.pods.length + 1, md);
  assert.ok(m.pods.length >= 4, md);
});
