/**
 * Helpers for the end-to-end tests, which run inside a real VS Code extension host.
 *
 * Everything that waits for the language server polls with a deadline (`waitFor`); nothing
 * sleeps a fixed time. Fixtures live in test/e2e/workspace/, which the runners open as the
 * workspace folder (a temporary copy of it), so `openFixture('x.yaml')` opens that copy.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

/** `publisher.name` from package.json. */
export const EXTENSION_ID = 'netpol-lens.netpol-lens';

/** The `source` of every diagnostic the language server publishes. */
export const NETPOL_SOURCE = 'netpol';

/** A description of what is awaited, for the timeout message; a function is called at timeout to show the last state. */
export type WaitDescription = string | (() => string);

/**
 * Calls `probe` every `intervalMs` until it returns a truthy value, and returns that value.
 * Throws when `timeoutMs` passes first; the message says what was awaited and, if the probe
 * threw, its last error. `probe` may be async.
 */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | '' | 0 | Promise<T | undefined | null | false | '' | 0>,
  timeoutMs = 15_000,
  what: WaitDescription = 'condition',
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
  const description = typeof what === 'function' ? safeCall(what) : what;
  const cause = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
}

function safeCall(f: () => string): string {
  try {
    return f();
  } catch (err) {
    return `<description failed: ${err instanceof Error ? err.message : String(err)}>`;
  }
}

/** Activates the extension under test (normally the YAML file already did) and returns it. */
export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded; is extensionDevelopmentPath the repository root?`);
  await ext.activate();
  return ext;
}

/** The workspace folder the runner opened (a copy of test/e2e/workspace). */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open; the runner must open (a copy of) test/e2e/workspace');
  return folder;
}

/** The URI of a fixture in the workspace folder; `name` may contain `/`. */
export function fixtureUri(name: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder().uri, ...name.split('/'));
}

/** Opens a fixture from the workspace folder in an editor and returns the document and editor. */
export async function openFixture(name: string): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor }> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(name));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  return { doc, editor };
}

/**
 * Reverts every document with unsaved changes (so the fixtures on disk never change and no
 * "save?" dialog can block), then, unless `keepOpen`, closes all editors.
 */
export async function resetEditors(keepOpen = false): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && !d.isClosed && d.uri.scheme !== 'output')) {
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  if (!keepOpen) await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * The hooks every editor suite uses: every test starts with no dirty or open editor, and ends with
 * its (reverted) editor left open, so a screenshot at the end shows it. Call inside `suite`.
 */
export function resetEditorsAroundEachTest(): void {
  setup(async () => {
    await resetEditors();
  });
  teardown(async () => {
    await resetEditors(true);
  });
}

/** The code of a diagnostic as a string: LSP codes with a codeDescription arrive as `{ value, target }`. */
export function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  if (d.code === undefined) return undefined;
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** The diagnostics the language server published for `uri`, optionally only those with `code`. */
export function netpolDiagnostics(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === NETPOL_SOURCE && (code === undefined || diagnosticCode(d) === code));
}

/** The netpol errors and warnings for `uri` (information-level notes, such as NP406, left out). */
export function netpolProblems(uri: vscode.Uri): vscode.Diagnostic[] {
  return netpolDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning);
}

/** A one-line summary of all diagnostics for `uri` (every source), for assertion messages. */
export function describeDiagnostics(uri: vscode.Uri): string {
  const all = vscode.languages.getDiagnostics(uri);
  if (all.length === 0) return 'no diagnostics';
  return all.map((d) => `${d.source ?? '?'} ${diagnosticCode(d) ?? '-'} at ${d.range.start.line + 1}:${d.range.start.character + 1} "${d.message}"`).join('; ');
}

/** Where a `key: value` pair sits in a YAML document (0-based line; the range covers the value text). */
export interface KeyValue {
  readonly line: number;
  readonly value: string;
  readonly valueRange: vscode.Range;
}

/**
 * Finds the `nth` (0-based) line of the form `key: value` (also `- key: value`), ignoring a
 * trailing comment, and returns the value's line and range. Throws if there is no such line.
 */
export function findKeyValue(doc: vscode.TextDocument, key: string, nth = 0): KeyValue {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^(\\s*(?:-\\s+)?${escaped}:[ \\t]+)([^#\\s](?:[^#]*[^#\\s])?)`);
  let seen = 0;
  for (let line = 0; line < doc.lineCount; line++) {
    const m = re.exec(doc.lineAt(line).text);
    if (!m) continue;
    if (seen++ < nth) continue;
    const start = m[1].length;
    return { line, value: m[2], valueRange: new vscode.Range(line, start, line, start + m[2].length) };
  }
  throw new Error(`no line "${key}: <value>" number ${nth} in ${doc.uri.toString()}`);
}

/** Replaces `range` in `doc` with `text` through a WorkspaceEdit (as an extension or refactoring would). */
export async function replaceText(doc: vscode.TextDocument, range: vscode.Range, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, range, text);
  assert.ok(await vscode.workspace.applyEdit(edit), `applyEdit refused to change ${doc.uri.toString()}`);
}

/** The line prefix scripts/e2e-offline.mjs watches for; see requestScreenshot. */
export const SCREENSHOT_MARKER = '[netpol-e2e-screenshot]';

/**
 * Asks the offline driver (scripts/e2e-offline.mjs) to save a screenshot of the workbench as it
 * is now (hover shown, squiggles, panels) to the absolute path `file`, and waits until it has.
 * Returns false, doing nothing, under another runner (e.g. @vscode/test-electron). Never fails
 * the test: a screenshot that cannot be taken is only reported.
 */
export async function requestScreenshot(file: string, timeoutMs = 15_000): Promise<boolean> {
  if (process.env.NETPOL_E2E_DRIVER !== 'offline') return false;
  if (!path.isAbsolute(file)) throw new Error(`requestScreenshot needs an absolute path, got ${file}`);
  const ackDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-e2e-ack-'));
  const ack = path.join(ackDir, 'done');
  try {
    console.log(`${SCREENSHOT_MARKER} ${JSON.stringify({ path: file, ack })}`);
    await waitFor(() => fs.existsSync(ack), timeoutMs, `the driver to save the screenshot ${file}`);
    return true;
  } catch (err) {
    console.warn(`screenshot not taken: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    fs.rmSync(ackDir, { recursive: true, force: true });
  }
}

/** The line prefix scripts/e2e-offline.mjs watches for: a user action for the driver to perform. */
export const UI_MARKER = '[netpol-e2e-ui]';

/** Whether the driver can act in the UI (the offline route; not @vscode/test-electron). */
export function uiAvailable(): boolean {
  return process.env.NETPOL_E2E_DRIVER === 'offline';
}

/** What the driver's UI actions take (scripts/e2e-offline.mjs UI_ACTIONS). `frame`: workbench, webview or any (default). */
export type UiAction =
  | { action: 'press'; args: { keys: string[] } }
  | { action: 'type'; args: { text: string; delay?: number } }
  | { action: 'texts'; args: { selector: string; frame?: 'workbench' | 'webview' | 'any'; text?: string } }
  | { action: 'click'; args: { selector: string; frame?: 'workbench' | 'webview' | 'any'; text?: string; button?: 'left' | 'right' } }
  | { action: 'hoverElement'; args: { selector: string; frame?: 'workbench' | 'webview' | 'any'; text?: string } }
  | { action: 'hoverEditorText'; args: { text: string; offset?: number; whole?: boolean; nth?: number } }
  | { action: 'mouse'; args: { x: number; y: number } }
  | { action: 'evaluate'; args: { expression: string; frame?: 'workbench' | 'webview' | 'any' } }
  | { action: 'screenshot'; args: { path: string; selector?: string; frame?: 'workbench' | 'webview' | 'any' } };

/**
 * Asks the offline driver to act as a user would (press keys in the focused window, type, move
 * the mouse over a word of the editor or an element, click, read the text of what is on screen,
 * in the workbench or inside a webview) and returns the driver's answer. Throws when the driver
 * reports an error or does not answer within `timeoutMs`. Only under the offline driver: call
 * `uiAvailable()` first (a test may `this.skip()` elsewhere).
 */
export async function ui<T = unknown>(request: UiAction, timeoutMs = 20_000): Promise<T> {
  if (!uiAvailable()) throw new Error('the UI bridge needs the offline driver (scripts/e2e-offline.mjs)');
  const ackDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-e2e-ui-'));
  const ack = path.join(ackDir, 'answer.json');
  try {
    console.log(`${UI_MARKER} ${JSON.stringify({ ...request, ack })}`);
    await waitFor(() => fs.existsSync(ack), timeoutMs, `the driver to perform ${request.action}`);
    const answer = JSON.parse(fs.readFileSync(ack, 'utf8')) as { ok: boolean; value?: T; error?: string };
    if (!answer.ok) throw new Error(`UI ${request.action} failed: ${answer.error}`);
    return answer.value as T;
  } finally {
    fs.rmSync(ackDir, { recursive: true, force: true });
  }
}

/** Polls the visible texts matching `selector` until `accept` likes them; returns them. */
export async function waitForUiTexts(selector: string, accept: (texts: string[]) => boolean, timeoutMs = 15_000, frame: 'workbench' | 'webview' | 'any' = 'any'): Promise<string[]> {
  let last: string[] = [];
  return waitFor(
    async () => {
      last = await ui<string[]>({ action: 'texts', args: { selector, frame } });
      return accept(last) ? last : undefined;
    },
    timeoutMs,
    () => `texts of ${selector} to match (last: ${JSON.stringify(last).slice(0, 400)})`,
    150,
  );
}

/**
 * Where a test saves what a user sees (screenshots) so that it outlives the run:
 * `e2e-artifacts/<locale>/` in the repository under the offline driver (E2E_ARTIFACTS_DIR), else
 * the temporary folder.
 */
export function artifactPath(name: string): string {
  const dir = process.env.NETPOL_E2E_ARTIFACTS || path.join(os.tmpdir(), 'netpol-e2e-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
