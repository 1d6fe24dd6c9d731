// Bundles the client, the language server and the CLI with esbuild into dist/.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// The webview's layout worker: elkjs's worker script bundled as a string (client/src/webview/layout.ts
// starts it from a blob: URL, so the view needs no other file and the HTML page stays one file).
const elkWorkerSource = {
  name: 'elk-worker-source',
  setup(b) {
    b.onResolve({ filter: /^elk-worker-source$/ }, () => ({ path: fileURLToPath(new URL('../node_modules/elkjs/lib/elk-worker.min.js', import.meta.url)), namespace: 'elk-worker-source' }));
    b.onLoad({ filter: /.*/, namespace: 'elk-worker-source' }, async (args) => ({ contents: await readFile(args.path, 'utf8'), loader: 'text' }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: process.env.NETPOL_MINIFY !== '0',
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/node/main.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The reachability view (webview and `matrix --format html`): a browser script with elkjs, and its stylesheet.
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['client/src/webview/main.ts'], outfile: 'dist/webview.js', sourcemap: false, plugins: [elkWorkerSource] }),
  build({ ...common, platform: 'browser', entryPoints: ['client/src/webview/view.css'], outfile: 'dist/webview.css', sourcemap: false }),
]);
