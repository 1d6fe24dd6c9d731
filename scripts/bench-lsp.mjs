// A minimal LSP client for the benchmark: spawns a language server over stdio and drives it as an
// editor does (initialize, workspace/configuration answers, didOpen, incremental didChange, hover),
// timing each answer with performance.now(). Also reads the server process's peak RSS (VmHWM).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidChangeConfigurationNotification,
  HoverRequest,
  ShutdownRequest,
  ExitNotification,
  ConfigurationRequest,
} = require('vscode-languageserver-protocol/node');

/** Every live child, so the bench can kill them all on exit. */
export const children = new Set();

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Peak and current resident set size of a process, in KiB (Linux /proc). */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakKiB: kb('VmHWM'), rssKiB: kb('VmRSS') };
  } catch {
    return { peakKiB: NaN, rssKiB: NaN };
  }
}

/**
 * Starts `node <serverPath> --stdio`. `configuration(section)` answers workspace/configuration.
 * Other server-to-client requests (registerCapability, progress…) are answered with null.
 */
export async function startLsp({ serverPath, args = ['--stdio'], configuration = () => ({}), rootUri = null, nodeArgs = [], timeoutMs = 30000 }) {
  const child = spawn(process.execPath, [...nodeArgs, serverPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const stderr = [];
  child.stderr.on('data', (d) => { if (stderr.length < 200) stderr.push(String(d)); });
  child.stdin.on('error', () => undefined);
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = [];
  const configRequests = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const at = performance.now();
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i];
      if (w.uri === p.uri && w.accept(p)) {
        waiters.splice(i, 1);
        w.resolve({ params: p, at });
        break;
      }
    }
  });
  connection.onRequest(ConfigurationRequest.type, (params) => {
    configRequests.push(performance.now());
    return params.items.map((item) => configuration(item.section ?? '', item.scopeUri));
  });
  const logs = [];
  const logWaiters = [];
  connection.onNotification('window/logMessage', (m) => {
    if (logs.length < 1000) logs.push(m.message);
    for (let i = logWaiters.length - 1; i >= 0; i--) if (logWaiters[i].re.test(m.message)) logWaiters.splice(i, 1)[0].resolve(m.message);
  });
  connection.onRequest(() => null);
  connection.onNotification(() => undefined);
  connection.listen();
  const init = await withTimeout(connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri,
    workspaceFolders: rootUri ? [{ uri: rootUri, name: 'bench' }] : null,
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: true },
        publishDiagnostics: { versionSupport: true, relatedInformation: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
      },
    },
    initializationOptions: {},
  }), timeoutMs, 'initialize');
  connection.sendNotification(InitializedNotification.type, {});
  const sync = init.capabilities.textDocumentSync;
  const incremental = (typeof sync === 'number' ? sync : sync?.change) === 2;

  return {
    pid: child.pid,
    stderr,
    incremental,
    configRequests,
    logs,
    /** Resolves with the first window/logMessage (already seen or to come) matching `re`. */
    waitLog(re, ms = timeoutMs) {
      const seen = logs.find((m) => re.test(m));
      if (seen) return Promise.resolve(seen);
      return withTimeout(new Promise((resolve) => logWaiters.push({ re, resolve })), ms, `log ${re}`);
    },
    /** Resolves with { params, at } for the next publishDiagnostics of `uri` accepted (registered now). */
    nextDiagnostics(uri, accept = () => true, ms = timeoutMs) {
      let waiter;
      const p = new Promise((resolve) => { waiter = { uri, accept, resolve }; waiters.push(waiter); });
      return withTimeout(p, ms, `diagnostics for ${uri}`).catch((e) => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        throw e;
      });
    },
    changeConfiguration(settings) {
      connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
    },
    open(uri, text, version = 1) {
      const at = performance.now();
      connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version, text } });
      return at;
    },
    /** Replaces [start, end) of the document (LSP positions) with `newText`; `fullText` is the result. */
    change(uri, version, range, newText, fullText) {
      const at = performance.now();
      const contentChanges = incremental ? [{ range, text: newText }] : [{ text: fullText }];
      connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
      return at;
    },
    async hover(uri, position, ms = timeoutMs) {
      const at = performance.now();
      const result = await withTimeout(connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), ms, 'hover');
      return { result, ms: performance.now() - at };
    },
    /** Any request (e.g. netpolLens/reachability): its result and how long the round trip took. */
    async request(method, params, ms = timeoutMs) {
      const at = performance.now();
      const result = await withTimeout(connection.sendRequest(method, params), ms, method);
      return { result, ms: performance.now() - at };
    },
    memory() {
      return memoryOf(child.pid);
    },
    async close() {
      try {
        await withTimeout(connection.sendRequest(ShutdownRequest.type), 2000, 'shutdown');
        connection.sendNotification(ExitNotification.type);
      } catch {
        // Gone or stuck: killed below.
      }
      await new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 2000);
        child.once('exit', () => { clearTimeout(t); resolve(); });
      });
      connection.dispose();
    },
  };
}
