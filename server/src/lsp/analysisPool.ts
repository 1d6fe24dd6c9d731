/**
 * Opening a large file on two cores: the server analyses the first half of the file's YAML
 * documents while a worker thread analyses the second half, and the worker's results go into the
 * file's chunk cache (core incremental.ts), so the first diagnostics come after about half the
 * work. Later keystrokes are incremental on the main thread as before.
 *
 * The worker runs the same bundle (dist/server.js) in a worker role: `runWorkerIfWorker()` at the
 * top of the entry point turns it into a loop that analyses the chunks it is sent with the same
 * core code and settings, and sends back plain data (structured clone). If the worker is missing,
 * fails, or is slow, its chunks are analysed on the main thread: the answer is the same, only
 * later.
 */
import * as os from 'os';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { analyzeChunks, ChunkCache, ChunkResult, documentStarts, newChunkCache, prefillChunks, setLocale, Settings } from '../core';

const ROLE = 'netpol-lens-analysis-worker';

/** Files with fewer documents than this are analysed on the main thread alone (a worker costs more than it saves). */
export const PARALLEL_MIN_DOCUMENTS = 200;
/** How long the main thread waits for the worker's half before analysing it itself. */
const WORKER_TIMEOUT_MS = 60_000;

interface Request {
  readonly id: number;
  readonly chunks: readonly string[];
  readonly file: string;
  readonly settings: Settings;
  readonly locale: string;
}

interface Reply {
  readonly id: number;
  readonly results?: ChunkResult[];
  readonly error?: string;
}

/** In a worker started by AnalysisPool: serve analysis requests and return true. Otherwise false. */
export function runWorkerIfWorker(): boolean {
  if (isMainThread || !parentPort || (workerData as { role?: string } | undefined)?.role !== ROLE) return false;
  const port = parentPort;
  port.on('message', (req: Request) => {
    let reply: Reply;
    try {
      setLocale(req.locale);
      reply = { id: req.id, results: analyzeChunks(req.chunks, req.file, req.settings) };
    } catch (err) {
      reply = { id: req.id, error: (err as Error).message };
    }
    port.postMessage(reply);
  });
  return true;
}

export class AnalysisPool {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();

  /** `script`: the file to run in the worker (the server bundle); undefined: never use a worker. */
  constructor(
    private readonly script: string | undefined,
    private readonly log: (msg: string) => void,
    private readonly locale: () => string,
  ) {}

  /** Whether a second thread is worth it on this machine. */
  get usable(): boolean {
    return !!this.script && !this.broken && (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length) >= 2;
  }

  /** Starts the worker ahead of need (it loads the bundle while the server is idle). */
  warmUp(): void {
    if (this.usable) this.ensureWorker();
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || !this.usable) return this.worker;
    try {
      const w = new Worker(this.script!, { workerData: { role: ROLE } });
      w.unref();
      w.on('message', (reply: Reply) => {
        const done = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        done?.(reply);
      });
      const fail = (why: string) => {
        this.log(`analysis worker stopped (${why}); analysing on the main thread from now on`);
        this.broken = true;
        this.worker = undefined;
        for (const [id, done] of this.pending) done({ id, error: why });
        this.pending.clear();
      };
      w.on('error', (err) => fail(err.message));
      w.on('exit', (code) => {
        if (this.worker === w) fail(`exit code ${code}`);
      });
      this.worker = w;
    } catch (err) {
      this.log(`could not start the analysis worker: ${(err as Error).message}`);
      this.broken = true;
    }
    return this.worker;
  }

  private analyzeInWorker(chunks: readonly string[], file: string, settings: Settings): Promise<ChunkResult[] | undefined> {
    const w = this.ensureWorker();
    if (!w) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.log(`analysis worker took over ${WORKER_TIMEOUT_MS} ms; analysing its part on the main thread`);
        resolve(undefined);
      }, WORKER_TIMEOUT_MS);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) this.log(`analysis worker failed: ${reply.error}`);
        resolve(reply.results && reply.results.length === chunks.length ? reply.results : undefined);
      });
      w.postMessage({ id, chunks, file, settings, locale: this.locale() } satisfies Request);
    });
  }

  /**
   * A chunk cache holding the analysis of every YAML document of `text`, computed on two threads
   * when the file is large enough; undefined when it is not (the caller analyses as usual).
   */
  async analyzeOpening(file: string, text: string, settings: Settings): Promise<ChunkCache | undefined> {
    if (!this.usable) return undefined;
    const t0 = Date.now();
    const starts = documentStarts(text);
    if (starts.length < PARALLEL_MIN_DOCUMENTS) return undefined;
    const chunks = starts.map((s, i) => text.slice(s, i + 1 < starts.length ? starts[i + 1] : text.length));
    // Split by characters, not documents: the halves then cost about the same.
    let cut = 0;
    for (let acc = 0; cut < chunks.length && acc < text.length / 2; cut++) acc += chunks[cut].length;
    const mine = chunks.slice(0, cut);
    const theirs = chunks.slice(cut);
    const fromWorker = this.analyzeInWorker(theirs, file, settings);
    const cache = newChunkCache();
    prefillChunks(cache, settings, mine, analyzeChunks(mine, file, settings));
    const mineMs = Date.now() - t0;
    const worker = await fromWorker;
    const results = worker ?? analyzeChunks(theirs, file, settings);
    this.log(`opened ${file}: ${chunks.length} YAML documents, ${mine.length} analysed here in ${mineMs} ms, ${theirs.length} ${worker ? 'by the worker thread' : 'here (the worker did not answer)'}, all in ${Date.now() - t0} ms`);
    prefillChunks(cache, settings, theirs, results);
    return cache;
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
