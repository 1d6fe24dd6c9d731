/** Runs a request handler so that an exception is logged and answered with a default value. */
import type { CancellationToken, Connection } from 'vscode-languageserver';

/** Told of every handler and step that runs (the idle collector, node/idleGc.ts, waits for quiet). */
let onActivity: (() => void) | undefined;
export function setActivityHook(hook: (() => void) | undefined): void {
  onActivity = hook;
}

export function runSafe<T>(connection: Connection, what: string, fallback: T, token: CancellationToken | undefined, fn: () => T): T {
  onActivity?.();
  if (token?.isCancellationRequested) return fallback;
  try {
    return fn();
  } catch (err) {
    const e = err as Error;
    connection.console.error(`netpol-lens: ${what} failed: ${e.stack ?? e.message}`);
    return fallback;
  }
}

/**
 * Runs a `…Steps` generator of the core one step per turn of the event loop, so that requests and
 * edits arriving meanwhile are served between two steps. Before each step `cancelled()` may stop
 * it (nothing more is called then but `after`); at the end `done` gets the value. `after` runs
 * once either way (the caller's next item). An exception is logged like runSafe's and ends it.
 */
export function runStepsAcrossTurns<T>(connection: Connection, what: string, steps: () => Generator<void, T, void>, cancelled: () => boolean, done: (value: T) => void, after?: () => void): void {
  let it: Generator<void, T, void> | undefined;
  const step = (): void => {
    const more = runSafe(connection, what, false, undefined, () => {
      if (cancelled()) return false;
      it ??= steps();
      const r = it.next();
      if (!r.done) return true;
      done(r.value);
      return false;
    });
    if (more) setImmediate(step);
    else after?.();
  };
  step();
}
