/**
 * The server's workspace index (server/src/lsp/workspaceIndex.ts) on a real folder: opening a
 * document whose text is the file's text on disk keeps the World (and so every cache kept per
 * World: peer masks, explanations), as does closing it; an edit, an edit back, a change on disk
 * while the document is open, and a workspace whose alias budget ran out all rebuild it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkspaceIndex } from '../../server/src/lsp/workspaceIndex';
import { repoRoot } from '../harness/files';

function folderWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-index-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const POLICY = fs.readFileSync(path.join(repoRoot(), 'examples', 'allow-frontend-to-backend.yaml'), 'utf8');

/** A folder with POLICY as policy.yaml, scanned: the folder, the file's URI and the index. */
async function scanned(): Promise<{ dir: string; uri: string; index: WorkspaceIndex }> {
  const dir = folderWith({ 'policy.yaml': POLICY });
  const index = new WorkspaceIndex({}, () => undefined);
  await index.scan([dir]);
  return { dir, uri: pathToFileURL(path.join(dir, 'policy.yaml')).href, index };
}

test('a document opened as it is on disk keeps the World; edits, edits back and changes on disk rebuild it', async () => {
  const { dir, uri, index } = await scanned();
  const world = index.workspace().world;
  const g0 = index.generation;

  index.analyzeOpen(uri, 1, POLICY);
  assert.equal(index.generation, g0, 'opening the file as it is on disk changes nothing');
  assert.equal(index.workspace().world, world, 'the same World, so its caches stay');
  index.closeOpen(uri);
  assert.equal(index.workspace().world, world, 'closing it changes nothing either');

  index.analyzeOpen(uri, 1, POLICY);
  const edited = POLICY.replace('app: frontend', 'app: web');
  assert.notEqual(edited, POLICY);
  index.analyzeOpen(uri, 2, edited);
  const editedWorld = index.workspace().world;
  assert.notEqual(editedWorld, world, 'an edit rebuilds the World');
  assert.ok(JSON.stringify(editedWorld.policies[0].ingress).includes('web'));
  index.analyzeOpen(uri, 3, POLICY);
  const backWorld = index.workspace().world;
  assert.notEqual(backWorld, editedWorld, 'editing back to the text on disk rebuilds it too (it held the edit)');
  assert.ok(!JSON.stringify(backWorld.policies[0].ingress).includes('web'));
  index.closeOpen(uri);
  assert.equal(index.workspace().world, backWorld, 'closing a document that reads as on disk keeps it');

  // The file changes on disk while it is open (a git checkout): closing it must show the disk's text.
  index.analyzeOpen(uri, 4, POLICY);
  fs.writeFileSync(path.join(dir, 'policy.yaml'), edited);
  index.refreshFile(uri);
  assert.ok(!JSON.stringify(index.workspace().world.policies[0].ingress).includes('web'), 'the open document wins over the disk');
  index.closeOpen(uri);
  assert.ok(JSON.stringify(index.workspace().world.policies[0].ingress).includes('web'), 'closed: the text on disk');
});

test('with the alias budget spent, an open document is never taken as its file on disk', async () => {
  // Once a workspace's budget ran out, a disk analysis may be cut where the open one is not.
  const { uri, index } = await scanned();
  const world = index.workspace().world;
  (index.aliasBudget as { ranOutIn?: string }).ranOutIn = uri;
  index.analyzeOpen(uri, 1, POLICY);
  assert.notEqual(index.workspace().world, world);
});
