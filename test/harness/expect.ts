/**
 * Snapshot files for long outputs (hover markdown, describe text). The file is the reviewed
 * expectation; `UPDATE_EXPECT=1` rewrites it (review the diff), and a missing file is an error
 * unless updating, so a forgotten snapshot cannot pass silently.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function expectFile(actual: string, file: string): void {
  if (process.env.UPDATE_EXPECT === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `missing snapshot ${file}: run with UPDATE_EXPECT=1 and review it`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `snapshot ${file} differs (UPDATE_EXPECT=1 rewrites it)`);
}
