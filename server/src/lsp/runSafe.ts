/** Runs a request handler so that an exception is logged and answered with a default value. */
import type { CancellationToken, Connection } from 'vscode-languageserver';

export function runSafe<T>(connection: Connection, what: string, fallback: T, token: CancellationToken | undefined, fn: () => T): T {
  if (token?.isCancellationRequested) return fallback;
  try {
    return fn();
  } catch (err) {
    const e = err as Error;
    connection.console.error(`netpol-lens: ${what} failed: ${e.stack ?? e.message}`);
    return fallback;
  }
}
