// Benchmark-only entry of the language server: the same startServer as server/src/node/main.ts,
// with the change debounce set to 0 so the benchmark can measure analysis latency directly.
// scripts/bench.mjs bundles it with esbuild into .bench/; it is never shipped.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../server/src/lsp/server';

const connection = createConnection(ProposedFeatures.all);
console.log = (...args) => connection.console.log(args.map(String).join(' '));
console.info = (...args) => connection.console.info(args.map(String).join(' '));
console.warn = (...args) => connection.console.warn(args.map(String).join(' '));
console.error = (...args) => connection.console.error(args.map(String).join(' '));
startServer(connection, { debounceMs: 0 });
