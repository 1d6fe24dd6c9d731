/**
 * Templates and where they go. Every template analyses clean; the guide's three are its manifests
 * to the byte (with its Korean comment); inserting any template at any cursor position of any
 * fixture file (and of tricky hand-made files) is a pure insertion at a document boundary, the
 * new document parses without errors to exactly the template's manifest, and every other document
 * parses as before. Fresh names for a template whose name is taken; where a new document can go.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  analyzeText,
  detectYamlStyle,
  documentRegions,
  EXTERNAL_API_COMMENT,
  freshPolicyName,
  insertTemplate,
  loadWorkspace,
  newDocumentSite,
  policyNamesIn,
  templatePolicyName,
  renderTemplate,
  renderTemplateSnippet,
  snippetSite,
  TemplateId,
  templateChoicesFromWorld,
  TEMPLATES,
  YamlStyle,
} from '../../server/src/core';
import { parseFixture } from '../harness/fixture';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';

const SEED_IDS = ['allow-frontend-to-backend', 'allow-egress-to-external-api', 'deny-ingress-from-external'] as const;
const IDS = TEMPLATES.map((t) => t.id);

function exampleText(id: string): string {
  return fs.readFileSync(path.join(repoRoot(), 'examples', `${id}.yaml`), 'utf8');
}

function parseOne(text: string): unknown {
  const docs = parseAllDocuments(text);
  assert.equal(docs.length, 1);
  assert.deepEqual(docs[0].errors, []);
  return docs[0].toJS();
}

const POLICY = (name: string, spec: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'default' }, spec });

/** What each template's document must parse to: the examples for the guide's three. */
const EXPECTED: Record<TemplateId, unknown> = {
  'allow-frontend-to-backend': parseOne(exampleText('allow-frontend-to-backend')),
  'allow-egress-to-external-api': parseOne(exampleText('allow-egress-to-external-api')),
  'deny-ingress-from-external': parseOne(exampleText('deny-ingress-from-external')),
  'default-deny-all': POLICY('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  'allow-dns-egress': POLICY('allow-dns-egress', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
    ],
  }),
};

/**
 * Likely-mistake warnings a template may carry, never errors. NP302 (egress blocks DNS) is about
 * the policy's effect, not its validity: the guide's egress policy, kept exactly as the guide gives
 * it, allows nothing but the external API's address, and default-deny-all blocks all egress; both
 * block DNS unless another policy (allow-DNS egress) allows it. Everything else analyses clean.
 */
const EXPECTED_FINDINGS: Record<TemplateId, readonly string[]> = {
  'allow-frontend-to-backend': [],
  // The guide's manifest as given: no DNS (NP302), and no policyTypes, so it isolates ingress too (NP310).
  'allow-egress-to-external-api': ['NP302', 'NP310'],
  'deny-ingress-from-external': [],
  'default-deny-all': ['NP302'],
  'allow-dns-egress': [],
};

const STYLES: YamlStyle[] = [
  { indent: 2, sequenceIndent: 0, eol: '\n' },
  { indent: 2, sequenceIndent: 2, eol: '\n' },
  { indent: 4, sequenceIndent: 0, eol: '\r\n' },
  { indent: 4, sequenceIndent: 4, eol: '\n' },
  { indent: 4, sequenceIndent: 2, eol: '\r\n' },
];

test('templates: the list and its labels', () => {
  assert.deepEqual(
    TEMPLATES.map((t) => t.label),
    ['allow-frontend-to-backend', 'allow-egress-to-external-api', 'deny-ingress-from-external', 'default-deny-all', 'allow-DNS egress'],
  );
});

test('templates: the guide\'s three are its manifests, line for line, with its Korean comment', () => {
  for (const id of SEED_IDS) {
    // The examples carry a one-line English header and translate the cidr comment.
    const lines = exampleText(id).split('\n').slice(1).join('\n').replace("# external-api.com's IP address", `# ${EXTERNAL_API_COMMENT}`);
    assert.equal(renderTemplate(id), lines, id);
  }
  assert.match(renderTemplate('allow-egress-to-external-api'), /^ {8}cidr: 203\.0\.113\.5\/32 # external-api\.com의 IP 주소\n$/m);
});

test('templates: every template analyses clean in every style and parses to its manifest', () => {
  for (const id of IDS) {
    for (const style of STYLES) {
      const text = renderTemplate(id, style);
      const a = analyzeText(text);
      assert.deepEqual(a.diagnostics.filter((d) => !EXPECTED_FINDINGS[id].includes(d.code) || d.severity === 'error'), [], `${id} ${JSON.stringify(style)}`);
      assert.equal(a.policies.length, 1);
      assert.ok(a.policies[0].valid);
      assert.deepEqual(parseOne(text), EXPECTED[id], `${id} ${JSON.stringify(style)}`);
      assert.ok(text.endsWith(style.eol));
      if (style.eol === '\r\n') assert.ok(!/[^\r]\n/.test(text), 'CRLF only');
      else assert.ok(!text.includes('\r'));
      // The style shows: the file's own style is detected back from the template.
      if (id === 'allow-dns-egress') assert.deepEqual(detectYamlStyle(text), style);
    }
  }
});

test('style detection: indent width, sequence indentation, line endings', () => {
  assert.deepEqual(detectYamlStyle(exampleText('allow-frontend-to-backend')), { indent: 2, sequenceIndent: 0, eol: '\n' });
  assert.deepEqual(detectYamlStyle('a:\n  b:\n  - c\n'), { indent: 2, sequenceIndent: 0, eol: '\n' });
  assert.deepEqual(detectYamlStyle('a:\n  b:\n    - c\n'), { indent: 2, sequenceIndent: 2, eol: '\n' });
  assert.deepEqual(detectYamlStyle('a:\r\n    b: 1\r\n    c:\r\n        d: 2\r\n'), { indent: 4, sequenceIndent: 0, eol: '\r\n' });
  assert.deepEqual(detectYamlStyle('a: 1\n'), { indent: 2, sequenceIndent: 0, eol: '\n' });
  // A block scalar's lines are text, not structure.
  assert.deepEqual(detectYamlStyle('a:\n  s: |\n    x:\n          y: 1\n    z:\n        - 1\n  t:\n  - 1\n'), { indent: 2, sequenceIndent: 0, eol: '\n' });
});

/** Hand-made files with the boundaries that matter. */
const TRICKY: Record<string, string> = {
  empty: '',
  'one line, no newline': 'a: 1',
  'only a newline': '\n',
  'crlf two documents': 'a: 1\r\nb:\r\n- 1\r\n---\r\nc: 2\r\n',
  'trailing separator': 'a: 1\n---\n',
  'trailing separator, no newline': 'a: 1\n---',
  'trailing separator and blank lines': 'a: 1\n---\n\n\n',
  'document end marker': 'a: 1\n...\n',
  'document end marker, no newline': 'a: 1\n...',
  'end markers between documents': 'a: 1\n...\n---\nb: 2\n...\n# after\n',
  'bare document after end marker': 'a: 1\n...\nb: 2\n',
  'only a comment': '# just a comment\n',
  'only a comment, no newline': '# just a comment',
  'trailing comment, no newline': 'a: 1\n# the end',
  'comments before the next document': 'a: 1\n# about a\n\n---\n# about b\nb: 2\n',
  'directive': '%YAML 1.2\n---\na: 1\n',
  'directive between documents': 'a: 1\n...\n%YAML 1.2\n---\nb: 2\n',
  'empty documents': '---\n---\n---\n',
  'marker with comment': '--- # empty\n',
  'marker with content': '--- {a: 1}\n--- |\n  text\n',
  'block scalar at the end': 'key: |\n  text\n    more\n',
  'block scalar, no newline': 'key: >-\n  text',
  'block scalar before a document': 'key: |\n  text\n---\nb: 1\n',
  'open flow map': 'a: {b: 1\n',
  'open flow sequence before a document': 'a: [1, 2\n---\nb: 1\n',
  'unterminated quote': 'a: "unterminated\n',
  'unterminated quote before a document': "a: 'x\n---\nb: 1\n",
  'bom': '\uFEFFa: 1\n',
  'bom and marker': '\uFEFF---\na: 1\n',
  'indented sequences, width 4': 'a:\n    b:\n        - 1\n        - 2\n    c:\n        d: 1\n',
  'mixed line endings': 'a: 1\r\nb: 2\n---\r\nc: 3',
  'tabs and spaces after marker': '---\t\na: 1\n--- \t# c\n',
};

/**
 * Files whose last document leaves a quoted scalar open: the yaml package reads the quote on
 * across `---` (go-yaml rejects the file), so whatever comes after it, the new document too, is
 * part of that broken scalar. Only the pure-insertion properties are checked for them.
 */
const SWALLOWING = new Set(['tricky: unterminated quote', 'tricky: unterminated quote before a document']);

function files(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const dir = path.join(fixtureRoot(), 'diagnostics');
  for (const f of listFiles(dir, /\.ya?ml$/)) out.push({ name: path.relative(dir, f), text: parseFixture(fs.readFileSync(f, 'utf8')).text });
  for (const f of listFiles(path.join(repoRoot(), 'examples'), /\.ya?ml$/)) out.push({ name: `examples/${path.basename(f)}`, text: fs.readFileSync(f, 'utf8') });
  for (const [name, text] of Object.entries(TRICKY)) out.push({ name: `tricky: ${name}`, text });
  return out;
}

/**
 * Every cursor position of a small file; of a larger one (the suite's time budget), each line's
 * first, second, middle and last positions and the line break's.
 */
function cursors(text: string): number[] {
  if (text.length <= 400) return Array.from({ length: text.length + 1 }, (_, i) => i);
  const out = new Set<number>([text.length]);
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    for (const c of [start, start + 1, (start + end) >> 1, end - 1, end, end + 1]) if (c >= start && c <= Math.min(text.length, end + 1)) out.add(c);
    if (nl < 0) break;
    start = nl + 1;
  }
  return [...out].sort((a, b) => a - b);
}

interface Parsed {
  readonly start: number;
  readonly end: number;
  readonly value: string;
  readonly errors: string;
}

function parseDocs(text: string): Parsed[] {
  return parseAllDocuments(text).map((d) => {
    let value: string;
    try {
      value = JSON.stringify(d.toJS({ maxAliasCount: 1000 }));
    } catch (err) {
      value = `toJS failed: ${(err as Error).message}`;
    }
    return { start: d.range[0], end: d.range[2], value, errors: d.errors.map((e) => e.code).join(',') };
  });
}

test('insertion: any template at any cursor of any fixture file keeps the file and adds exactly the manifest', () => {
  let checked = 0;
  let calls = 0;
  const started = Date.now();
  for (const { name, text } of files()) {
    const before = parseDocs(text);
    const crlf = (text.match(/\r\n/g) ?? []).length;
    const eol = crlf > (text.match(/\n/g) ?? []).length - crlf ? '\r\n' : '\n';
    const regions = documentRegions(text);
    const lastRegion = regions[regions.length - 1];
    const boundary = (offset: number): boolean =>
      regions.some((r) => r.end === offset) || (lastRegion.bareMarker && lastRegion.afterMarker !== undefined && offset >= lastRegion.afterMarker && offset <= lastRegion.end);
    const seen = new Map<string, string>();
    for (const cursor of cursors(text)) {
      for (const id of IDS) {
        const ins = insertTemplate(text, cursor, id);
        calls++;
        const what = `${name} cursor ${cursor} ${id}`;
        assert.ok(ins.offset >= 0 && ins.offset <= text.length, what);
        // A document boundary: the end of a region (or a line of a trailing `---` document).
        assert.ok(boundary(ins.offset), `${what}: offset ${ins.offset} is no document boundary`);
        assert.ok(ins.offset === 0 || text[ins.offset - 1] === '\n' || ins.offset === text.length, `${what}: mid-line`);
        // The cursor's own document is never skipped: the insertion is at or after its line.
        assert.ok(ins.offset >= text.lastIndexOf('\n', cursor - 1) + 1 || ins.offset === text.length, `${what}: before the cursor's line`);
        const key = `${ins.offset}\u0000${ins.newText}`;
        if (seen.has(key)) continue;
        seen.set(key, what);
        checked++;
        const result = text.slice(0, ins.offset) + ins.newText + text.slice(ins.offset);
        assert.ok(result.startsWith(text.slice(0, ins.offset)) && result.endsWith(text.slice(ins.offset)) && result.length === text.length + ins.newText.length);
        if (SWALLOWING.has(name)) continue;
        // The file's line endings.
        const lineBreaks = ins.newText.match(/\r?\n/g) ?? [];
        assert.ok(lineBreaks.every((b) => b === eol), `${what}: line endings ${JSON.stringify(lineBreaks)} in a file using ${JSON.stringify(eol)}`);
        // The new document: no errors, exactly the manifest.
        const after = parseDocs(result);
        const bodyAt = ins.offset + ins.bodyStart;
        const mine = after.filter((d) => d.start <= bodyAt && bodyAt < d.end);
        assert.equal(mine.length, 1, `${what}: the new document is not one document: ${JSON.stringify(after)}`);
        assert.equal(mine[0].errors, '', `${what}: the new document has errors\n${result}`);
        assert.equal(mine[0].value, JSON.stringify(EXPECTED[id]), `${what}\n${result}`);
        // Every other document parses as it did (an empty one the template filled aside).
        const others = after.filter((d) => d !== mine[0]);
        let expected = before;
        if (after.length === before.length) {
          // The empty document the insertion point belongs to: the last one starting at or before it.
          const filled = before.map((d) => d.start <= ins.offset).lastIndexOf(true);
          assert.ok(filled < 0 || before[filled].value === 'null', `${what}: filled a document that was not empty`);
          assert.ok(filled >= 0, `${what}: as many documents as before, yet no empty one was filled`);
          expected = before.filter((_, i) => i !== filled);
        } else assert.equal(after.length, before.length + 1, `${what}: documents before ${before.length}, after ${after.length}`);
        assert.deepEqual(others.map((d) => [d.value, d.errors]), expected.map((d) => [d.value, d.errors]), `${what}\n${result}`);
      }
    }
  }
  assert.ok(checked > 100);
  if (process.env.NETPOL_TEST_VERBOSE) console.log(`${calls} insertions, ${checked} distinct, ${Date.now() - started} ms`);
});

test('insertion: the cases the issue names', () => {
  const seedBody = renderTemplate('allow-frontend-to-backend');
  // Empty file: just the document.
  assert.deepEqual(insertTemplate('', 0, 'allow-frontend-to-backend'), { offset: 0, newText: seedBody, bodyStart: 0 });
  // No final newline: one is added, then the separator.
  assert.deepEqual(insertTemplate('a: 1', 0, 'allow-frontend-to-backend'), { offset: 4, newText: '\n---\n' + seedBody, bodyStart: 5 });
  // A file ending with `---` already: no second separator.
  assert.deepEqual(insertTemplate('a: 1\n---\n', 0, 'allow-frontend-to-backend'), { offset: 9, newText: seedBody, bodyStart: 0 });
  assert.deepEqual(insertTemplate('a: 1\n---', 0, 'allow-frontend-to-backend'), { offset: 8, newText: '\n' + seedBody, bodyStart: 1 });
  // `...` closes the document: the new one goes after it.
  assert.equal(insertTemplate('a: 1\n...\n---\nb: 1\n', 1, 'default-deny-all').offset, 9);
  // Trailing comments stay with their document; the new one goes before the next `---`.
  const two = 'a: 1\n# about a\n---\nb: 2\n';
  assert.deepEqual(insertTemplate(two, 2, 'default-deny-all'), { offset: 15, newText: '---\n' + renderTemplate('default-deny-all'), bodyStart: 4 });
  assert.equal(insertTemplate(two, two.length, 'default-deny-all').offset, two.length);
  // Leading comments and directives belong to the document after them.
  assert.equal(insertTemplate('# header\n%YAML 1.2\n---\na: 1\n---\nb: 1\n', 0, 'default-deny-all').offset, 28);
  // CRLF and the file's sequence style.
  const crlf = 'a:\r\n    - 1\r\n';
  const ins = insertTemplate(crlf, 0, 'default-deny-all');
  assert.equal(ins.newText, '---\r\n' + renderTemplate('default-deny-all', { indent: 2, sequenceIndent: 4, eol: '\r\n' }));
  assert.match(ins.newText, /\r\n {2}policyTypes:\r\n {6}- Ingress\r\n/);
});

/** A snippet with every tab stop at its first choice or default, and `$0` gone. */
function expandSnippet(snippet: string, pick: (choices: string[]) => string = (c) => c[0]): string {
  const unescape = (t: string) => t.replace(/\\([\\$}])/g, '$1');
  return snippet
    .replace(/\$\{\d+\|((?:[^|\\]|\\.)*)\|\}/g, (_, body: string) => pick(body.split(/(?<!\\),/).map((c) => c.replace(/\\([\\,|$}])/g, '$1'))))
    .replace(/\$\{\d+:((?:[^}\\]|\\.)*)\}/g, (_, t: string) => unescape(t))
    .replace(/\$0$/, '')
    .replace(/\\([\\$}])/g, '$1');
}

test('snippets: tab stops expand to the template; choices from the workspace, quoted where YAML 1.1 needs it', () => {
  for (const id of IDS) {
    for (const style of STYLES) {
      const snippet = renderTemplateSnippet(id, style);
      assert.match(snippet, /\$\{1:[a-z-]+\}/);
      assert.match(snippet, /\$\{2:default\}/);
      assert.equal(expandSnippet(snippet), renderTemplate(id, style), `${id} ${JSON.stringify(style)}`);
    }
  }
  const ws = loadWorkspace([
    {
      file: 'w.yaml',
      text: [
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n---',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\nspec:\n  template:\n    metadata:\n      labels: {app: web, tier: "true", pod-template-hash: abc, version: "1.10"}\n',
      ].join('\n'),
    },
  ]);
  const choices = templateChoicesFromWorld(ws.world);
  assert.deepEqual(choices.namespaces, ['prod']);
  assert.deepEqual(choices.labels, [{ key: 'app', value: 'web' }, { key: 'tier', value: 'true' }, { key: 'version', value: '1.10' }]);
  const snippet = renderTemplateSnippet('allow-frontend-to-backend', {}, choices);
  assert.match(snippet, /namespace: \$\{2\|default,prod\|\}/);
  assert.match(snippet, /\$\{3\|app: backend,app: web,tier: "true",version: "1\.10"\|\}/);
  // Any choice gives a valid policy.
  for (let k = 0; k < 4; k++) {
    const text = expandSnippet(snippet, (c) => c[Math.min(k, c.length - 1)]);
    assert.deepEqual(analyzeText(text).diagnostics, [], text);
  }
});

test('snippets: the extension contributes no static snippets (the server offers each template once)', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
  assert.equal(pkg.contributes.snippets, undefined);
  assert.ok(!fs.existsSync(path.join(repoRoot(), 'snippets')));
});

test('fresh names: the template\'s own name when free, else -2, -3, …; the snippet and the insertion carry it', () => {
  assert.equal(templatePolicyName('allow-frontend-to-backend'), 'allow-frontend-to-backend');
  assert.equal(templatePolicyName('allow-dns-egress'), 'allow-dns-egress');
  assert.equal(freshPolicyName('a', new Set()), 'a');
  assert.equal(freshPolicyName('a', new Set(['a'])), 'a-2');
  assert.equal(freshPolicyName('a', new Set(['a', 'a-2', 'a-3'])), 'a-4');
  const long = 'x'.repeat(253);
  const fresh = freshPolicyName(long, new Set([long]));
  assert.equal(fresh.length, 253);
  assert.ok(fresh.endsWith('-2'));
  const ws = loadWorkspace([
    { file: 'a.yaml', text: renderTemplate('allow-frontend-to-backend') },
    { file: 'b.yaml', text: renderTemplate('default-deny-all').replace('namespace: default', 'namespace: prod') },
  ]);
  assert.deepEqual([...policyNamesIn(ws.world, 'default')], ['allow-frontend-to-backend']);
  assert.deepEqual([...policyNamesIn(ws.world, 'prod')], ['default-deny-all']);
  const ins = insertTemplate('', 0, 'allow-frontend-to-backend', 'allow-frontend-to-backend-2');
  const docs = parseAllDocuments(ins.newText).map((d) => d.toJS());
  assert.equal(docs[0].metadata.name, 'allow-frontend-to-backend-2');
  assert.equal(renderTemplate('allow-frontend-to-backend', {}, 'n-2').replace('n-2', 'allow-frontend-to-backend'), renderTemplate('allow-frontend-to-backend'));
  assert.match(renderTemplateSnippet('allow-frontend-to-backend', {}, {}, 'allow-frontend-to-backend-2'), /name: \$\{1:allow-frontend-to-backend-2\}/);
});

test('new document site: a blank line of a document that holds nothing else', () => {
  const at = (text: string): boolean => newDocumentSite(text.replace('|', ''), text.indexOf('|'));
  assert.equal(at('|'), true);
  assert.equal(at('\n\n|\n'), true);
  assert.equal(at('  |  '), true);
  assert.equal(at('a: 1\n---\n|'), true);
  assert.equal(at('a: 1\n---\n|\n---\nb: 2\n'), true);
  assert.equal(at('# comment\n|'), true);
  assert.equal(at('a: 1\n|'), false, 'after content: the same document');
  assert.equal(at('|\na: 1'), false, 'before content');
  assert.equal(at('spec:\n  |'), false);
  assert.equal(at('net|'), false, 'a word: the snippets\' place');
  assert.equal(at('kind: NetworkPolicy\nspec:\n  podSelector:\n    matchLabels:\n      app: |\n'), false);
});

test('snippet site: a word at the start of a line where a document can go', () => {
  const site = (text: string) => {
    const cursor = text.indexOf('|');
    return snippetSite(text.replace('|', ''), cursor);
  };
  assert.deepEqual(site('netpol|'), { start: 0, end: 6, word: 'netpol', lead: '', style: { indent: 2, sequenceIndent: 0, eol: '\n' } });
  assert.equal(site('|')?.lead, '');
  assert.equal(site('a: 1\n---\nnet|\n')?.lead, '');
  assert.equal(site('a: 1\n---\nnet|\n---\nb: 1\n')?.start, 9);
  // After a document's content: only for a netpol-like word, with its own separator.
  assert.equal(site('a: 1\r\nnetpol|')?.lead, '---\r\n');
  assert.equal(site('a: 1\nspec|'), undefined);
  assert.equal(site('a: 1\n|'), undefined);
  // Not inside a document's content, not indented, not mid-line.
  assert.equal(site('netpol|\na: 1\n'), undefined);
  assert.equal(site('  netpol|'), undefined);
  assert.equal(site('a: netpol|'), undefined);
  assert.equal(site('netpol| x'), undefined);
  // A directive above: the snippet brings the `---`.
  assert.equal(site('%YAML 1.2\nnetpol|')?.lead, '---\n');
});
