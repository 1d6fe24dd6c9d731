/**
 * Entry point of netpol-lens-server: `netpol-lens-server --stdio` for any LSP client; VS Code
 * starts it over IPC (--node-ipc). Console output goes to the client's log, never to stdout,
 * which carries the protocol in --stdio mode.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';

function main(): void {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write('usage: netpol-lens-server --stdio | --node-ipc | --socket=PORT\n\nThe NetworkPolicy Lens language server (LSP). Any LSP client can start it.\n');
    process.exit(0);
  }
  if (process.argv.includes('--version')) {
    process.stdout.write('0.1.0\n');
    process.exit(0);
  }

  const connection = createConnection(ProposedFeatures.all);
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
  console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
  console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
  console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
  process.on('uncaughtException', (err) => connection.console.error(`netpol-lens: uncaught ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => connection.console.error(`netpol-lens: unhandled rejection ${String(err)}`));

  startServer(connection);
}

main();
