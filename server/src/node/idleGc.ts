/**
 * Garbage collection while the editor is idle: after heavy work (a whole file analysed on open, a
 * workspace scan, a World built and primed) the language server holds many young objects that
 * the next collections must copy or promote, and those collections would otherwise land in the
 * user's next keystrokes and hovers. Once no message has arrived for `delayMs` after such work,
 * the server collects once. V8's collector is reached through `--expose-gc` set at run time for
 * a new context (a flag that changes nothing else); where that is not possible, nothing happens.
 * NETPOL_LENS_IDLE_GC=0 turns it off.
 */
import * as v8 from 'v8';
import * as vm from 'vm';

type Collect = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

let collect: Collect | null | undefined;

function collector(): Collect | undefined {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const fn = vm.runInNewContext('gc') as unknown;
      collect = typeof fn === 'function' ? (fn as Collect) : null;
    } catch {
      collect = null;
    }
  }
  return collect ?? undefined;
}

export interface IdleCollector {
  /** Heavy work just ended: collect once the server has been idle for a while. */
  workDone(): void;
  /** A message arrived: the collection waits until the server is idle again. */
  activity(): void;
  /** How many collections ran (for tests). */
  readonly runs: number;
}

export function idleCollector(delayMs = 50): IdleCollector | undefined {
  if (process.env.NETPOL_LENS_IDLE_GC === '0' || !collector()) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  let runs = 0;
  const arm = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!pending) return;
      pending = false;
      runs++;
      collector()?.({ type: 'major', execution: 'sync' });
    }, delayMs);
    timer.unref?.();
  };
  return {
    workDone(): void {
      pending = true;
      arm();
    },
    activity(): void {
      if (pending) arm();
    },
    get runs(): number {
      return runs;
    },
  };
}
