/**
 * Fuzzing the real server over JSON-RPC: random incremental edits (insert, delete, replace at
 * random positions, sometimes several ranged changes in one notification), interleaved with
 * hover, code action and code lens requests at random positions, as a fast typist with a mouse
 * would send them. We keep our own mirror of the text at every version, updated with the same
 * TextDocument.update the server uses, and check that:
 *  - every request answers (no error response) within a timeout, with ranges inside the text of
 *    the version it was asked about;
 *  - every publishDiagnostics names a version we sent, and its ranges are inside that version's text;
 *  - the final version's diagnostics arrive and equal the core's analysis of our mirror's text
 *    (so the server's incremental sync produced the same text; workspace findings, NP4xx, aside);
 *  - the server logs no handler failure and is still running at the end.
 *
 * Deterministic: FUZZ_SEED reproduces a run (printed on failure), FUZZ_EDITS scales the edits per
 * document (default 300), FUZZ_DOCS the number of documents (default 3).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeAction, CodeActionRequest, CodeLensRequest, Diagnostic, HoverRequest, MessageType, Position, PublishDiagnosticsParams, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { analyzeText } from '../../server/src/core';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';
import { parseFixture } from '../harness/fixture';
import { startServer, TestClient } from './client';
import { envInt, prng, Rng } from '../harness/random';

const DEFAULT_SEED = 0x4c53_5031; // "LSP1"
const BASE_SEED = envInt('FUZZ_SEED', DEFAULT_SEED) >>> 0;
const EDITS = envInt('FUZZ_EDITS', 300);
const DOCS = envInt('FUZZ_DOCS', 3);
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * FIXME: known failures of the properties below, to be fixed in server/src and then removed from
 * this list. A failure whose message matches an entry is printed, not failed. Keep it empty when
 * there is nothing known.
 */
const KNOWN_BUGS: readonly { readonly id: string; readonly matches: RegExp }[] = [];



const corpus = [
  ...listFiles(path.join(repoRoot(), 'examples'), /\.ya?ml$/).map((f) => ({ name: path.relative(repoRoot(), f), text: fs.readFileSync(f, 'utf8') })),
  ...listFiles(path.join(fixtureRoot(), 'diagnostics', 'valid'), /\.ya?ml$/).map((f) => ({ name: path.relative(repoRoot(), f), text: parseFixture(fs.readFileSync(f, 'utf8')).text })),
];
const CORPUS_LINES = [...new Set(corpus.flatMap((c) => c.text.split(/\r?\n/)).filter((l) => l.trim() !== ''))].sort();
const CHARS = [':', '-', '[', ']', '{', '}', '&', '*', '!', '#', '"', "'", '\t', '|', '>', ',', '?', ' ', '  ', '\n', '\r\n', 'é', '\u200b', '\u2028', '\ufeff', '😀', '\ud83d', '\u0000', '日本'];
const VALUES = ['yes', 'no', 'on', '1.10', '0x1F', '~', '99999999999999999999', '65536', '0', 'tcp', 'TCP', 'SCTP', '10.0.0.5', '10.0.0.0/8', '::/0', 'Ingress', 'Egress', 'Both', 'Back_End!', '""', '[]', '{}', '---'];

function insertion(r: Rng): string {
  switch (r.int(4)) {
    case 0: {
      let s = '';
      for (let n = r.range(1, 3); n > 0; n--) s += r.pick(CHARS);
      return s;
    }
    case 1:
      return r.pick(CORPUS_LINES) + '\n';
    case 2:
      return r.pick(VALUES);
    default:
      return '\n' + ' '.repeat(r.int(8)) + r.pick(CORPUS_LINES).trimStart();
  }
}

const WEIGHTED_KINDS: readonly (readonly [string, number])[] = [
  ['typeChar', 25], ['backspace', 15], ['replaceValue', 15], ['insert', 10], ['delete', 7], ['replace', 7],
  ['deleteLine', 5], ['duplicateLine', 5], ['indentLine', 5], ['pasteDocument', 3], ['replaceAll', 2],
];
const TYPED = 'abcdefghijklmnopqrstuvwxyz0123456789 :-./_'.split('').concat(CHARS);

function weightedKind(r: Rng): string {
  const total = WEIGHTED_KINDS.reduce((n, [, w]) => n + w, 0);
  let x = r.int(total);
  for (const [k, w] of WEIGHTED_KINDS) if ((x -= w) < 0) return k;
  return 'insert';
}

/** A random ranged change against `doc` (positions as an editor would send them, UTF-16). */
function randomChange(doc: TextDocument, r: Rng): TextDocumentContentChangeEvent {
  const text = doc.getText();
  const len = text.length;
  // Keep documents in a useful size band: shrink when big, grow when tiny.
  const kind = len > 6000 ? r.pick(['delete', 'deleteLine', 'replaceAll']) : len < 200 ? r.pick(['insert', 'pasteDocument', 'replace']) : weightedKind(r);
  const at = r.int(len + 1);
  const span = (max: number) => Math.min(len - at, r.range(1, max));
  const lineOf = (offset: number) => {
    const p = doc.positionAt(offset);
    return { start: doc.offsetAt({ line: p.line, character: 0 }), end: doc.offsetAt({ line: p.line + 1, character: 0 }) };
  };
  let start = at;
  let end = at;
  let newText = '';
  switch (kind) {
    case 'typeChar':
      newText = r.pick(TYPED);
      break;
    case 'backspace':
      start = Math.max(0, at - r.range(1, 3));
      break;
    case 'replaceValue': {
      // The value after "key: " on the line at `at`, or the line's end.
      const line = lineOf(at);
      const body = text.slice(line.start, line.end);
      const m = /:[ \t]+([^\r\n#]*)/.exec(body);
      start = end = line.start + body.replace(/\r?\n$/, '').length;
      if (m) {
        start = line.start + m.index + m[0].length - m[1].length;
        end = start + m[1].length;
      }
      newText = r.pick(VALUES);
      break;
    }
    case 'insert':
      newText = insertion(r);
      break;
    case 'delete':
      end = at + span(40);
      break;
    case 'replace':
      end = at + span(12);
      newText = insertion(r);
      break;
    case 'deleteLine':
      ({ start, end } = lineOf(at));
      break;
    case 'duplicateLine': {
      const line = lineOf(at);
      start = end = line.start;
      newText = text.slice(line.start, line.end);
      if (!newText.endsWith('\n')) newText += '\n';
      break;
    }
    case 'indentLine': {
      const line = lineOf(at);
      start = end = line.start;
      if (r.chance(0.5)) newText = r.pick([' ', '  ', '\t', '    ']);
      else end = start + (/^[ \t]{0,2}/.exec(text.slice(line.start, line.end))![0].length);
      break;
    }
    case 'pasteDocument':
      // Paste a whole policy at the start of a line, as its own YAML document.
      start = end = lineOf(at).start;
      newText = r.pick(corpus).text.replace(/\n?$/, '\n---\n');
      break;
    case 'replaceAll':
      start = 0;
      end = len;
      newText = r.pick(corpus).text;
      break;
  }
  const range: Range = { start: doc.positionAt(start), end: doc.positionAt(end) };
  // Now and then a position past the end of its line or of the document: the protocol says the
  // server clamps it, and TextDocument.update (on both sides) does.
  if (r.chance(0.02)) range.end = { line: range.end.line + r.int(2), character: range.end.character + r.range(1, 50) };
  return { range, text: newText };
}

/** Random positions, half of them on a line with a key editors hover (name:, kind:, a selector). */
function randomPosition(doc: TextDocument, r: Rng): Position {
  const text = doc.getText();
  if (r.chance(0.5)) {
    const hits: number[] = [];
    const re = /^[ \t-]*(name|kind|namespace|podSelector|ingress|egress|from|to|ports|ipBlock|cidr|app|port):/gm;
    for (let m = re.exec(text); m; m = re.exec(text)) hits.push(m.index + m[0].length - 2);
    if (hits.length > 0) return doc.positionAt(Math.min(text.length, r.pick(hits) + r.int(12)));
  }
  return doc.positionAt(r.int(text.length + 1));
}

/** Whether `p` is a real position in `doc` (a line that exists, a character within it). */
function positionInside(doc: TextDocument, p: Position): boolean {
  if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0 || p.line >= doc.lineCount) return false;
  const lineStart = doc.offsetAt({ line: p.line, character: 0 });
  const next = p.line + 1 < doc.lineCount ? doc.offsetAt({ line: p.line + 1, character: 0 }) : doc.getText().length;
  const content = doc.getText().slice(lineStart, next).replace(/\r?\n$|\r$/, '');
  return p.character <= content.length;
}

function rangeInside(doc: TextDocument, r: Range | undefined): boolean {
  if (!r || !positionInside(doc, r.start) || !positionInside(doc, r.end)) return false;
  return r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

interface Run {
  readonly uri: string;
  readonly source: string;
  readonly versions: Map<number, TextDocument>;
  readonly problems: string[];
  requests: number;
  finalVersion: number;
  /** Answers with content: hovers with text, non-empty code lenses, quick fixes offered. */
  readonly useful: { hover: number; codeLens: number; codeAction: number };
}

async function fuzzDocument(c: TestClient, r: Rng, docIndex: number): Promise<Run> {
  const source = r.pick(corpus);
  const uri = `file:///fuzz/doc-${docIndex}.yaml`;
  // TextDocument.update changes the document in place: `doc` is the live mirror, and each
  // version's text is kept as its own snapshot.
  const doc = TextDocument.create(uri, 'yaml', 1, source.text);
  const snapshot = (v: number) => TextDocument.create(uri, 'yaml', v, doc.getText());
  const run: Run = { uri, source: source.name, versions: new Map([[1, snapshot(1)]]), problems: [], requests: 0, finalVersion: 1, useful: { hover: 0, codeLens: 0, codeAction: 0 } };
  c.open(uri, source.text, 1);
  let pending: Promise<void>[] = [];
  const lastPublished = (): PublishDiagnosticsParams | undefined => [...c.history].reverse().find((p) => p.uri === uri);

  const ask = (kind: string, version: number, send: () => Promise<unknown>, verify: (answer: unknown) => void) => {
    run.requests++;
    pending.push(
      withTimeout(send(), REQUEST_TIMEOUT_MS, `${kind} at version ${version}`).then(
        (answer) => {
          try {
            verify(answer);
          } catch (err) {
            run.problems.push(`${kind} at version ${version}: ${(err as Error).message}`);
          }
        },
        (err) => {
          run.problems.push(`${kind} at version ${version} failed: ${(err as Error).message}`);
        },
      ),
    );
  };

  for (let i = 0; i < EDITS; i++) {
    const version = run.finalVersion + (r.chance(0.1) ? r.range(2, 5) : 1);
    const changes: TextDocumentContentChangeEvent[] = [];
    for (let n = r.chance(0.1) ? r.range(2, 3) : 1; n > 0; n--) {
      const ch = randomChange(doc, r);
      changes.push(ch);
      TextDocument.update(doc, [ch], version);
    }
    const here = snapshot(version);
    run.versions.set(version, here);
    run.finalVersion = version;
    c.changeRanges(uri, version, changes);

    if (r.chance(0.15)) {
      const position = randomPosition(here, r);
      ask('hover', version, () => c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), (h) => {
        if (h === null) return;
        run.useful.hover++;
        const hover = h as { contents?: unknown; range?: Range };
        assert.ok(hover.contents, 'hover without contents');
        if (hover.range) assert.ok(rangeInside(here, hover.range), `hover range ${JSON.stringify(hover.range)} outside the text`);
      });
    }
    if (r.chance(0.1)) {
      ask('codeLens', version, () => c.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }), (lenses) => {
        assert.ok(Array.isArray(lenses), 'code lenses are not an array');
        if (lenses.length > 0) run.useful.codeLens++;
        for (const l of lenses as { range: Range }[]) assert.ok(rangeInside(here, l.range), `code lens range ${JSON.stringify(l.range)} outside the text`);
      });
    }
    if (r.chance(0.15)) {
      // Like an editor: the diagnostics it currently shows, and a random range.
      const published = lastPublished();
      const shown: Diagnostic[] = published?.diagnostics.slice(0, 4) ?? [];
      const from = published?.version !== undefined ? run.versions.get(published.version) : undefined;
      const a = randomPosition(here, r);
      const b = randomPosition(here, r);
      const range = a.line < b.line || (a.line === b.line && a.character <= b.character) ? { start: a, end: b } : { start: b, end: a };
      ask('codeAction', version, () => c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: shown } }), (actions) => {
        assert.ok(Array.isArray(actions), 'code actions are not an array');
        if ((actions as CodeAction[]).some((x) => x.kind === 'quickfix')) run.useful.codeAction++;
        for (const action of actions as CodeAction[]) {
          assert.ok(action.title, 'code action without a title');
          // A quick fix is relative to the text its diagnostic was published for; any other
          // action (a source action, say) to the text the request was made at.
          const quickFix = action.kind === 'quickfix' && (action.diagnostics?.length ?? 0) > 0;
          const base = quickFix ? from : here;
          const which = quickFix ? `version ${published?.version} (its diagnostic's)` : `version ${version}`;
          for (const e of action.edit?.changes?.[uri] ?? []) {
            if (base) assert.ok(rangeInside(base, e.range), `${action.kind ?? 'code action'} "${action.title}" edits ${JSON.stringify(e.range)}, outside the text of ${which}`);
          }
        }
      });
    }
    // Now and then let the debounce fire, so intermediate versions get published too.
    if (i % 25 === 24) {
      await Promise.all(pending);
      pending = [];
      await new Promise((res) => setTimeout(res, r.int(300)));
    }
  }
  await Promise.all(pending);

  let final: PublishDiagnosticsParams | undefined;
  try {
    final = await c.diagnostics(uri, (p) => p.version === run.finalVersion, 20_000);
  } catch (err) {
    run.problems.push(`the final version ${run.finalVersion}'s diagnostics did not arrive: ${(err as Error).message}`);
  }
  if (final) {
    // The server's text is ours: its per-file diagnostics are the core's analysis of our mirror.
    // Workspace findings (NP4xx: this file against every other file) are left out on both sides.
    const mirror = doc;
    const perFile = (code: unknown) => !/^NP4\d\d$/.test(String(code));
    const expected = analyzeText(mirror.getText()).diagnostics.filter((d) => perFile(d.code)).map((d) => `${d.code} ${JSON.stringify({ start: mirror.positionAt(d.span.start), end: mirror.positionAt(d.span.end) })}`).sort();
    const got = final.diagnostics.filter((d) => perFile(d.code)).map((d) => `${d.code} ${JSON.stringify(d.range)}`).sort();
    if (JSON.stringify(got) !== JSON.stringify(expected)) run.problems.push(`final diagnostics differ from the core's analysis of the mirrored text:\n    got      ${got.join(', ')}\n    expected ${expected.join(', ')}`);
  }

  // Every publish for this document: a version we sent, ranges inside that version's text.
  for (const p of c.history.filter((x) => x.uri === uri)) {
    const at = p.version === undefined || p.version === null ? undefined : run.versions.get(p.version);
    if (!at) {
      run.problems.push(`publishDiagnostics with version ${p.version}, which we never sent`);
      continue;
    }
    for (const d of p.diagnostics) {
      if (!rangeInside(at, d.range)) run.problems.push(`version ${p.version}: ${d.code} range ${JSON.stringify(d.range)} outside the text (${at.lineCount} lines): ${JSON.stringify(at.getText().slice(0, 300))}`);
      if (d.source !== 'netpol' || !d.code || !d.severity || !d.message) run.problems.push(`version ${p.version}: malformed diagnostic ${JSON.stringify(d).slice(0, 200)}`);
    }
  }
  return run;
}

test(`random incremental edits with hover/codeAction/codeLens requests against the real server (seed ${BASE_SEED}, ${DOCS} × ${EDITS} edits)`, { timeout: 180_000 }, async (t) => {
  const started = Date.now();
  // A workspace with pods, so hovers and workspace findings have something to work with.
  const c = await startServer({ folder: path.join(fixtureRoot(), 'workspaces', 'lsp-seed') });
  const failures: string[] = [];
  const known: string[] = [];
  let requests = 0;
  let publishes = 0;
  const useful = { hover: 0, codeLens: 0, codeAction: 0 };
  try {
    for (let d = 0; d < DOCS; d++) {
      const seed = (Math.imul(BASE_SEED ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(d + 1, 0xc2b2ae35)) >>> 0;
      const run = await fuzzDocument(c, new Rng(prng(seed)), d);
      requests += run.requests;
      for (const k of ['hover', 'codeLens', 'codeAction'] as const) useful[k] += run.useful[k];
      publishes += c.history.filter((p) => p.uri === run.uri).length;
      for (const p of run.problems) {
        const message = `document ${d} (from ${run.source}, FUZZ_SEED=${BASE_SEED}): ${p}`;
        (KNOWN_BUGS.some((b) => b.matches.test(message)) ? known : failures).push(message);
      }
    }
    const errors = c.logs.filter((l) => l.type === MessageType.Error).map((l) => `server logged an error: ${l.message.slice(0, 500)}`);
    for (const e of errors) (KNOWN_BUGS.some((b) => b.matches.test(e)) ? known : failures).push(e);
    assert.equal(c.process.exitCode, null, `server exited: ${c.stderr.join('')}`);
    assert.equal(c.process.signalCode, null, 'server was killed');
  } finally {
    await c.close();
  }
  t.diagnostic(`seed ${BASE_SEED}: ${DOCS} documents × ${EDITS} edits, ${requests} requests (answered with content: ${useful.hover} hovers, ${useful.codeLens} code lens lists, ${useful.codeAction} code action lists with a quick fix), ${publishes} publishes, ${Date.now() - started} ms`);
  for (const k of known) t.diagnostic(`KNOWN BUG (see KNOWN_BUGS): ${k}`);
  if (failures.length > 0) assert.fail(`${failures.length} problems (reproduce with FUZZ_SEED=${BASE_SEED} FUZZ_EDITS=${EDITS} FUZZ_DOCS=${DOCS}):\n${failures.slice(0, 10).join('\n')}`);
});
