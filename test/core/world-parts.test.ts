/**
 * The World read in pieces (core/worldParts.ts, what the CLI's test, plan, matrix and traffic
 * commands use) is the World `buildWorkspace` gives from the whole files: the same policies (every
 * span), the same rejected policies and reasons, the same pods and namespaces, in the same order,
 * for every fixture workspace, the examples, every YAML fixture alone and a generated workspace,
 * cut into pieces as small as one document. Files with aliases are not cut (undefined: the
 * caller reads them whole), nor files with a directive line.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, buildWorkspace, worldInPieces, worldPieces } from '../../server/src/core';
import type { World } from '../../server/src/core';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';

type Files = { file: string; text: string }[];

function read(dir: string): Files {
  return listFiles(dir, /\.(ya?ml|json)$/).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
}

function whole(files: Files): World {
  return buildWorkspace(files.map((f) => analyzeFile(f, {}, undefined, 'world'))).world;
}

function same(a: World, b: World, label: string): void {
  assert.equal(JSON.stringify(b.policies), JSON.stringify(a.policies), `${label}: policies`);
  assert.equal(JSON.stringify(b.rejected), JSON.stringify(a.rejected), `${label}: rejected`);
  assert.equal(JSON.stringify(b.pods), JSON.stringify(a.pods), `${label}: pods`);
  assert.equal(JSON.stringify([...b.namespaces]), JSON.stringify([...a.namespaces]), `${label}: namespaces`);
}

test('every fixture workspace and the examples read in pieces give the World of the whole files', () => {
  const sets: [string, Files][] = [
    ...fs.readdirSync(path.join(fixtureRoot(), 'workspaces')).map((d): [string, Files] => [d, read(path.join(fixtureRoot(), 'workspaces', d))]),
    ['examples', read(path.join(repoRoot(), 'examples'))],
  ];
  let cut = 0;
  for (const [label, files] of sets) {
    const expected = whole(files);
    for (const size of [1, 200, 4096, 1 << 20]) {
      const pieces = worldPieces(files, size);
      if (pieces.length > files.length) cut++;
      const got = worldInPieces(files, size);
      assert.ok(got, `${label}: no alias, so it can be read in pieces`);
      same(expected, got, `${label} (pieces of ${size})`);
    }
  }
  assert.ok(cut >= sets.length, `files were cut in ${cut} runs: the pieces went untested`);
});

test('every YAML fixture alone, read in pieces of one document, gives the World of the whole file (or is left whole: aliases)', () => {
  let compared = 0;
  let withAliases = 0;
  for (const file of listFiles(fixtureRoot(), /\.ya?ml$/)) {
    const files = [{ file, text: fs.readFileSync(file, 'utf8') }];
    const got = worldInPieces(files, 1);
    if (!got) {
      withAliases++;
      assert.match(files[0].text, /[&*][^\s]/, `${file}: left whole, so it must use an alias`);
      continue;
    }
    same(whole(files), got, file);
    compared++;
  }
  assert.ok(compared > 100 && withAliases > 0, `${compared} compared, ${withAliases} with aliases`);
});

test('a file with a directive line is one piece; a piece starts at a document marker', () => {
  const doc = (n: number) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p${n}\nspec:\n  podSelector: {}\n`;
  const text = [doc(1), doc(2), doc(3)].join('---\n');
  const pieces = worldPieces([{ file: 'a.yaml', text }], 10);
  assert.equal(pieces.length, 3);
  for (const p of pieces) assert.equal(text.slice(p.start, p.start + p.text.length), p.text);
  assert.ok(pieces.slice(1).every((p) => p.text.startsWith('---')));
  assert.equal(worldPieces([{ file: 'b.yaml', text: `%YAML 1.1\n---\n${text}` }], 10).length, 1);
});
