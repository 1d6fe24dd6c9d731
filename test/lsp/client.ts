/**
 * A real LSP client for tests: spawns the built server (dist/server.js --stdio) and speaks
 * JSON-RPC to it over its stdin/stdout, as an editor would.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  ShutdownRequest,
  ExitNotification,
  ConfigurationRequest,
  RegistrationRequest,
  Registration,
  LogMessageNotification,
  LogMessageParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { repoRoot } from '../harness/files';

export interface TestClient {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcess;
  readonly stderr: string[];
  /** Resolves with the first publishDiagnostics for `uri` that satisfies `accept`. */
  diagnostics(uri: string, accept?: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, version: number, text: string): void;
  /** Sends incremental (ranged) content changes, applied in order, as an editor does while typing. */
  changeRanges(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): void;
  /** Every publishDiagnostics received so far, in arrival order (never consumed by diagnostics()). */
  readonly history: readonly PublishDiagnosticsParams[];
  /** Every window/logMessage received so far, in arrival order. */
  readonly logs: readonly LogMessageParams[];
  /** Every client/registerCapability registration received so far, in arrival order. */
  readonly registrations: readonly Registration[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** What the server gets for workspace/configuration (section netpolLens). */
  readonly settings?: unknown;
  /** A folder to open as the workspace (scanned for policies and workloads). */
  readonly folder?: string;
  /** InitializeParams.locale, as VS Code sends its display language. */
  readonly locale?: string;
  /** InitializeParams.initializationOptions. */
  readonly initializationOptions?: unknown;
  /** Extra client capabilities under `workspace` (merged into the defaults). */
  readonly workspaceCapabilities?: Record<string, unknown>;
  /** Declares workspace.codeLens.refreshSupport (the server may then ask the client to refresh code lenses). */
  readonly codeLensRefresh?: boolean;
}

export async function startServer(options: StartOptions = {}): Promise<TestClient> {
  const serverPath = path.join(repoRoot(), 'dist', 'server.js');
  const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const history: PublishDiagnosticsParams[] = [];
  const logs: LogMessageParams[] = [];
  const waiters: { uri: string; accept: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    history.push(p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].uri === p.uri && waiters[i].accept(p)) {
        waiters[i].resolve(p);
        waiters.splice(i, 1);
      }
    }
  });
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => options.settings ?? {}));
  const registrations: Registration[] = [];
  connection.onRequest(RegistrationRequest.type, (p) => {
    registrations.push(...p.registrations);
    return undefined;
  });
  connection.onNotification(LogMessageNotification.type, (p) => {
    logs.push(p);
  });
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    ...(options.locale ? { locale: options.locale } : {}),
    rootUri: options.folder ? pathToFileURL(options.folder).href : null,
    ...(options.initializationOptions !== undefined ? { initializationOptions: options.initializationOptions } : {}),
    capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, ...(options.codeLensRefresh ? { codeLens: { refreshSupport: true } } : {}), ...options.workspaceCapabilities }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    workspaceFolders: options.folder ? [{ uri: pathToFileURL(options.folder).href, name: 'w' }] : null,
  });
  connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    process: child,
    stderr,
    history,
    logs,
    registrations,
    diagnostics(uri, accept = () => true, timeoutMs = 10000) {
      const hit = published.find((p) => p.uri === uri && accept(p));
      if (hit) {
        published.splice(published.indexOf(hit), 1);
        return Promise.resolve(hit);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${stderr.join('')}`)), timeoutMs);
        waiters.push({ uri, accept, resolve: (p) => { clearTimeout(timer); resolve(p); } });
      });
    },
    open(uri, text, version = 1) {
      connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version, text } });
    },
    change(uri, version, text) {
      connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    changeRanges(uri, version, changes) {
      connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [...changes] });
    },
    async close() {
      try {
        await Promise.race([connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
        connection.sendNotification(ExitNotification.type);
      } catch {
        // The server may already be gone.
      }
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const t = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 3000);
        child.once('exit', () => { clearTimeout(t); resolve(); });
      });
      connection.dispose();
    },
  };
}

/** Calls `f` until it returns something other than undefined, polling every 25 ms; fails after `timeoutMs`. */
export async function until<T>(f: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
