/**
 * What the shipped bundles may do: none of our own code starts processes or opens network
 * connections. The only such imports in the bundles are the LSP libraries' own: the client forks
 * our bundled server (vscode-languageclient), the JSON-RPC layer can use pipes and sockets as a
 * transport (vscode-jsonrpc), and vscode-languageserver can resolve a global npm module on
 * request. The CLI bundle has none at all. Read from esbuild's metafile of the real entry points.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { build } from 'esbuild';
import { repoRoot } from '../harness/files';

const RISKY = /^(node:)?(child_process|net|http|https|http2|dgram|tls|dns|worker_threads|cluster)$/;

const ALLOWED: Record<string, readonly string[]> = {
  client: ['node_modules/vscode-languageclient/lib/node/main.js', 'node_modules/vscode-languageclient/lib/node/processes.js', 'node_modules/vscode-jsonrpc/lib/node/main.js'],
  server: ['node_modules/vscode-languageserver/lib/node/files.js', 'node_modules/vscode-jsonrpc/lib/node/main.js'],
  // The CLI's diff --base reads old versions with git (execFileSync, arguments as an array).
  cli: ['server/src/cli/git.ts'],
};

const ENTRIES: Record<string, string> = { client: 'client/src/extension.ts', server: 'server/src/node/main.ts', cli: 'server/src/cli/main.ts' };

for (const [name, entry] of Object.entries(ENTRIES)) {
  test(`the ${name} bundle: no process or network use outside the LSP libraries`, async () => {
    const r = await build({ absWorkingDir: repoRoot(), entryPoints: [entry], bundle: true, platform: 'node', write: false, metafile: true, logLevel: 'silent', external: ['vscode'] });
    const found: string[] = [];
    for (const [file, input] of Object.entries(r.metafile.inputs)) {
      const risky = input.imports.filter((i) => RISKY.test(i.path)).map((i) => i.path);
      // A worktree whose node_modules is a symlink sees '../main/node_modules/…': compare from node_modules/.
      const key = file.includes('node_modules/') ? file.slice(file.indexOf('node_modules/')) : file;
      if (risky.length && !ALLOWED[name].includes(key)) found.push(`${file}: ${risky.join(', ')}`);
    }
    assert.deepEqual(found, []);
    // The check can see such imports at all: the client bundle does fork the server.
    if (name === 'client') assert.ok(Object.values(r.metafile.inputs).some((i) => i.imports.some((x) => RISKY.test(x.path))));
  });
}
