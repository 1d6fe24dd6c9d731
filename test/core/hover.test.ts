/**
 * Hover snapshots: each test/fixtures/hover/*.yaml holds one policy file with a `$0` cursor; the
 * workspace around it is test/fixtures/workspaces/lsp-seed (the user's guide: frontend, backend,
 * database, coredns and the three policies). The expected markdown is the sibling .expected.md.
 */
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getHover, loadWorkspace } from '../../server/src/core';
import { expectFile } from '../harness/expect';
import { fixtureRoot, listFiles } from '../harness/files';

const wsDir = path.join(fixtureRoot(), 'workspaces', 'lsp-seed');
const hoverDir = path.join(fixtureRoot(), 'hover');

function checkHover(file: string): void {
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
  const rendered = h ? `${h.markdown}\n\n<!-- span: ${JSON.stringify(text.slice(h.span.start, h.span.end).slice(0, 80))} -->\n` : '(no hover)\n';
  expectFile(rendered, file.replace(/\.ya?ml$/, '.expected.md'));
}

for (const file of listFiles(hoverDir, /\.ya?ml$/)) test(`hover: ${path.basename(file)}`, () => checkHover(file));
