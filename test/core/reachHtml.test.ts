/**
 * The self-contained page of `matrix --format html` (core/ide/reachHtml.ts): one nonce'd script
 * and style under a CSP that allows nothing else, names that cannot break out of the data block.
 * (That the page runs in Chromium without errors or requests: test/cli/matrix-html.test.ts.)
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { renderReachHtml, viewStrings } from '../../server/src/core/ide/reachHtml';
import type { EdgeExplanation, ReachabilityModel, ReachabilityWire } from '../../server/src/core/ide/reachModel';
import { decodeReachability } from '../../server/src/core/ide/reach/wire';
import { VIEW_STRING_KEYS } from '../../client/src/webview/protocol';
import { setLocale } from '../../server/src/core/l10n';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/files';

const evil = '</script><script>alert(1)</script><!--';
const model: ReachabilityModel = {
  namespaces: [{ name: 'default', labels: {}, nodes: ['pod:default/x'] }],
  nodes: [{ id: 'pod:default/x', kind: 'pods', namespace: 'default', label: evil, members: [`default/${evil}`], sources: [], isolation: { ingress: [], egress: [] } }],
  edges: [],
  notApplied: [],
  caveats: [evil],
  stats: { pods: 1, policies: 0, nodes: 1, edges: 0, ms: 0 },
  strings: { Reachability: 'Reachability' },
};

function page(script = 'console.log(1)', css = 'body{}', nonce = 'n0nce', explanations: Record<string, EdgeExplanation> = {}) {
  return renderReachHtml({ model, explanations, script, css, nonce, lang: 'en' });
}

test('one CSP meta tag allowing only the nonce (no remote content, no inline handlers)', () => {
  const html = page();
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(csp, html.slice(0, 300));
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-n0nce';/);
  assert.match(csp, /style-src 'nonce-n0nce';/);
  // The layout worker (ELK) comes from a blob: URL made from the script's own text, and nothing else.
  assert.match(csp, /worker-src blob:;/);
  assert.doesNotMatch(csp, /unsafe|https?:|\*/);
  assert.equal((html.match(/<script nonce="n0nce">/g) ?? []).length, 1);
  assert.equal((html.match(/<style nonce="n0nce">/g) ?? []).length, 1);
  assert.doesNotMatch(html, /\ssrc=|\shref=/);
});

test('a crafted name stays inside the JSON data block and reads back unchanged', () => {
  const x: EdgeExplanation = { from: 'pod:default/x', to: 'pod:default/x', port: 80, protocol: 'TCP', allowed: false, connections: evil, lines: [evil], links: [] };
  const html = page(undefined, undefined, undefined, { [`pod:default/x->pod:default/x`]: x });
  // Three script elements end in the page: the data block, the view, the explanations after it, and nothing else.
  assert.equal((html.match(/<\/script>/g) ?? []).length, 3);
  const json = /<script type="application\/json" id="netpol-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(json);
  const data = JSON.parse(json) as { model: ReachabilityWire; explained: number };
  assert.equal(data.model.version, 2);
  assert.deepEqual(decodeReachability(data.model), model);
  assert.equal(data.model.nodes[0].label, evil);
  assert.deepEqual(data.model.caveats, [evil]);
  assert.equal(data.explained, 1);
  // The explanations come after the view's script (the page is drawn before the parser reaches them).
  assert.ok(html.indexOf('id="netpol-explanations"') > html.indexOf('<script nonce='));
  const ex = /<script type="application\/json" id="netpol-explanations">([\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.deepEqual(JSON.parse(ex!), { 'pod:default/x->pod:default/x': x });
});

test('inlined script and style cannot close their element; the nonce is sanitized', () => {
  const html = page('var s = "</script><b>"; // <!-- x', 'a::after{content:"</style>"}', 'a"b<c');
  assert.equal((html.match(/<\/script>/g) ?? []).length, 3);
  assert.equal((html.match(/<\/style>/g) ?? []).length, 1);
  assert.match(html, /var s = "<\\\/script><b>"; \/\/ <\\!-- x/);
  assert.match(html, /<script nonce="abc">/);
});

test('the view strings are the keys the webview asks for, translated', () => {
  assert.deepEqual(Object.keys(viewStrings()).sort(), [...VIEW_STRING_KEYS].sort());
  setLocale('ko');
  try {
    const ko = viewStrings();
    for (const k of VIEW_STRING_KEYS) assert.match(ko[k], /[\uac00-\ud7a3]/, k);
  } finally {
    setLocale('en');
  }
});

test("the layout worker is the page's last block, a data block (never run as a page script) that reads back unchanged", () => {
  // The worker as shipped (dist/elk-worker.js is a copy): inlined, it must not end its element or start an HTML comment,
  // since escaping those would change the code.
  const worker = fs.readFileSync(path.join(repoRoot(), 'node_modules', 'elkjs', 'lib', 'elk-worker.min.js'), 'utf8');
  assert.doesNotMatch(worker, /<\/script|<!--/i);
  const html = renderReachHtml({ model, explanations: {}, script: 'x()', css: '', elkWorker: worker, nonce: 'n0nce', lang: 'en' });
  const block = /<script type="text\/plain" id="netpol-elk-worker">([\s\S]*?)<\/script>\n<\/body>/.exec(html)?.[1];
  assert.equal(block, worker);
  assert.ok(html.indexOf('id="netpol-elk-worker"') > html.indexOf('id="netpol-explanations"'));
  assert.equal((html.match(/<script nonce="n0nce">/g) ?? []).length, 1);
});
