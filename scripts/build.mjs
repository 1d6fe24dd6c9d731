// Bundles the client, the language server and the CLI with esbuild into dist/.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

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
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['client/src/webview/main.ts'], outfile: 'dist/webview.js', sourcemap: false }),
  build({ ...common, platform: 'browser', entryPoints: ['client/src/webview/view.css'], outfile: 'dist/webview.css', sourcemap: false }),
  // The view's layout worker (elkjs's worker build, as shipped): the view reads its text after the
  // first paint and starts it from a blob: URL (client/src/webview/layout.ts); the HTML page inlines it.
  mkdir('dist', { recursive: true }).then(() => copyFile('node_modules/elkjs/lib/elk-worker.min.js', 'dist/elk-worker.js')),
]);
