/** The language server in Korean: InitializeParams.locale 'ko' (what VS Code sends) gives Korean messages. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeActionRequest, HoverRequest, MarkupContent } from 'vscode-languageserver-protocol';
import { repoRoot } from '../harness/files';
import { startServer } from './client';

const broken = fs.readFileSync(path.join(repoRoot(), 'examples', 'broken.yaml'), 'utf8');
const HANGUL = /[\uAC00-\uD7A3]/;

test("a server initialised with locale 'ko' publishes Korean diagnostics, kubectl's English kept after them", async () => {
  const c = await startServer({ locale: 'ko' });
  try {
    const uri = 'file:///w/broken.yaml';
    c.open(uri, broken);
    const p = await c.diagnostics(uri, (x) => x.diagnostics.length > 0);
    const netpol = p.diagnostics.filter((d) => d.source === 'netpol');
    assert.ok(netpol.length > 0);
    for (const d of netpol) assert.match(String(d.message), HANGUL, `${d.code} not in Korean: ${d.message}`);
    const end = netpol.find((d) => d.code === 'NP204')!;
    assert.equal(end.message, 'spec.ingress[0].ports[0].endPort: 잘못된 값: 80: `port` 이상이어야 합니다 (kubectl: Invalid value: 80: must be greater than or equal to `port`)');
    const quote = netpol.find((d) => d.code === 'NP205')!;
    const actions = await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: quote.range, context: { diagnostics: [quote] } });
    const titles = (actions ?? []).map((a) => a.title);
    assert.ok(titles.includes('포트의 따옴표 제거: 443'), titles.join(' | '));
    const source = await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: quote.range, context: { diagnostics: [], only: ['source'] } });
    assert.ok((source ?? []).some((a) => a.title === 'allow-frontend-to-backend 삽입'), (source ?? []).map((a) => a.title).join(' | '));
    const hover = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 3 } });
    if (hover) assert.match((hover.contents as MarkupContent).value, HANGUL);
  } finally {
    await c.close();
  }
});

test('without a locale (or an unknown one) the server speaks English', async () => {
  for (const locale of [undefined, 'fr']) {
    const c = await startServer({ locale });
    try {
      const uri = 'file:///w/broken.yaml';
      c.open(uri, broken);
      const p = await c.diagnostics(uri, (x) => x.diagnostics.length > 0);
      const end = p.diagnostics.find((d) => d.code === 'NP204')!;
      assert.equal(end.message, 'spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`');
      for (const d of p.diagnostics) assert.doesNotMatch(String(d.message), HANGUL);
    } finally {
      await c.close();
    }
  }
});
