/** Runs every fixture under test/fixtures/diagnostics (YAML, and JSON manifests as kubectl reads them): the caret annotations are the expectations. */
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkDiagnostics } from '../harness/check';
import { fixtureRoot, listFiles } from '../harness/files';

const dir = path.join(fixtureRoot(), 'diagnostics');
for (const file of listFiles(dir, /\.(ya?ml|json)$/)) {
  test(`diagnostics: ${path.relative(dir, file)}`, () => checkDiagnostics(path.relative(dir, file), fs.readFileSync(file, 'utf8')));
}
