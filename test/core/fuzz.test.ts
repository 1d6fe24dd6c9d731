/**
 * Property/fuzz suite for the core: random mutations of valid policies (the valid fixtures and
 * the examples) must never make analyzeText throw, and every diagnostic it returns must be well
 * formed: a code, a severity, a message, a span inside the text, fix edits inside the text that
 * do not overlap. Applying a fix must give text that still analyses.
 *
 * Deterministic: a seeded PRNG drives everything. The seed is printed on failure;
 *   FUZZ_SEED=<n>   reproduce a run (default: a fixed seed, so CI is repeatable)
 *   FUZZ_CASES=<n>  scale the number of cases (default 3000)
 *   FUZZ_BUDGET_MS=<n>  stop early after this much time (default 30000; the cases run so far count)
 *   FUZZ_CASE=<i>   run only case i of that seed (what a failure message tells you to use)
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../server/src/core';
import type { Diagnostic } from '../../server/src/core';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';
import { parseFixture } from '../harness/fixture';
import { envInt, prng, Rng } from '../harness/random';

const DEFAULT_SEED = 0x6e70_6c31; // "npl1"
const BASE_SEED = envInt('FUZZ_SEED', DEFAULT_SEED) >>> 0;
const CASES = envInt('FUZZ_CASES', 3000);
/** Wall-clock budget: on a loaded machine the run stops early (and says so) instead of dragging on. */
const BUDGET_MS = envInt('FUZZ_BUDGET_MS', 30_000);
const ONLY_CASE = process.env.FUZZ_CASE === undefined ? undefined : envInt('FUZZ_CASE', 0);
/** A single analysis slower than this is a finding too (hostile input must stay bounded). */
const SLOW_CASE_MS = 5000;

/**
 * FIXME: known failures of the properties below, to be fixed in server/src/core and then removed
 * from this list. Each entry matches a failure message; a matching failure is printed, not failed.
 * Keep this list empty when there is nothing known.
 */
const KNOWN_BUGS: readonly { readonly id: string; readonly matches: RegExp }[] = [];


/** Each case gets its own seed, so one case can be replayed alone. */
function caseSeed(base: number, i: number): number {
  return (Math.imul(base ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0;
}


// Characters that mean something to YAML, whitespace that trips indentation, and unicode that
// trips UTF-16 offset arithmetic (surrogate pairs, lone surrogates, BOM, line separators, NUL).
const CHARS = [
  ':', '-', '[', ']', '{', '}', '&', '*', '!', '#', '"', "'", '\t', '|', '>', '%', '@', '`', ',', '?', '\\', ' ', '\n', '\r', '\r\n',
  'é', '\u00a0', '\u200b', '\u2028', '\u2029', '\u202e', '\ufeff', '\ufffd', '\u0000', '\u0007', '\u001b', '😀', '\ud83d', '\ude00', '日本',
];
const SNIPPETS = [
  ': ', '- ', '---\n', '...\n', '&a ', '*a', '<<: *a', '!!str ', '!!int ', '!custom ', '? ', '{a: 1}', '[1, 2]', '|\n', '>-\n', "''", '""', '"\\u00e9"', '%YAML 1.2\n', '%TAG ! tag:x,2000:\n', '# c\n', 'kind: NetworkPolicy\n', 'apiVersion: networking.k8s.io/v1\n', 'kind: List\nitems:\n- ',
  '# netpol-lens-disable-next-line NP204\n', '# netpol-lens-disable-next-line\n', '# netpol-lens-disable NP203, invalid-port -- why\n', '#netpol-lens-disable\n', '# netpol-lens-disable-next-line NP999 ,,\n',
];
const SCALARS = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO', 'true', 'False', '1.10', '0x1F', '0o17', '017', '~', 'null', '', '1e309', '-1', '-0', '.inf', '-.inf', '.nan', '1_000', '2001:db8::/32', '10.0.0.0/33', '::', '0.0.0.0/0',
  '99999999999999999999999999999999', '4294967296', '65536', '9007199254740993', String(2 ** 31), '-2147483649', '123456789012345678901234567890e10', '0.5', '"80"', "'tcp'", 'TCP', 'tcp', 'SCTP', 'UDP', '[]', '{}', 'a'.repeat(300), '*undefined_alias', '&x', '!!binary aGVsbG8=',
];

type Mutation = (text: string, r: Rng) => string;

function lines(text: string): string[] {
  return text.split('\n');
}

const MUTATIONS: Record<string, Mutation> = {
  deleteLines(text, r) {
    const ls = lines(text);
    const at = r.int(ls.length);
    ls.splice(at, r.range(1, 3));
    return ls.join('\n');
  },
  shiftIndent(text, r) {
    const ls = lines(text);
    const at = r.int(ls.length);
    const n = r.range(1, 4);
    const count = r.range(1, 3);
    for (let i = at; i < Math.min(ls.length, at + count); i++) {
      ls[i] = r.chance(0.5) ? ' '.repeat(n) + ls[i] : ls[i].replace(new RegExp(`^ {1,${n}}`), '');
    }
    return ls.join('\n');
  },
  swapIndent(text, r) {
    const ls = lines(text);
    const a = r.int(ls.length);
    const b = r.int(ls.length);
    const ia = /^[ \t]*/.exec(ls[a])![0];
    const ib = /^[ \t]*/.exec(ls[b])![0];
    ls[a] = ib + ls[a].slice(ia.length);
    ls[b] = ia + ls[b].slice(ib.length);
    return ls.join('\n');
  },
  tabIndent(text, r) {
    const ls = lines(text);
    const at = r.int(ls.length);
    ls[at] = ls[at].replace(/^ {1,2}/, '\t');
    return ls.join('\n');
  },
  insertChars(text, r) {
    const at = r.int(text.length + 1);
    let ins = '';
    for (let i = r.range(1, 4); i > 0; i--) ins += r.pick(CHARS);
    return text.slice(0, at) + ins + text.slice(at);
  },
  insertSnippet(text, r) {
    const at = r.chance(0.5) ? lineStart(text, r) : r.int(text.length + 1);
    return text.slice(0, at) + r.pick(SNIPPETS) + text.slice(at);
  },
  replaceChar(text, r) {
    if (text.length === 0) return r.pick(CHARS);
    const at = r.int(text.length);
    return text.slice(0, at) + r.pick(CHARS) + text.slice(at + 1);
  },
  duplicateLines(text, r) {
    const ls = lines(text);
    const at = r.int(ls.length);
    const block = ls.slice(at, at + r.range(1, 4));
    ls.splice(r.chance(0.7) ? at : r.int(ls.length + 1), 0, ...block);
    return ls.join('\n');
  },
  swapLines(text, r) {
    const ls = lines(text);
    const a = r.int(ls.length);
    const b = r.int(ls.length);
    [ls[a], ls[b]] = [ls[b], ls[a]];
    return ls.join('\n');
  },
  truncate(text, r) {
    return text.slice(0, r.int(text.length + 1));
  },
  replaceScalar(text, r) {
    // A value after "key: " or "- " on some line.
    const re = /(:[ \t]+|^[ \t]*-[ \t]+)([^\s#:{}\[\],][^\n#]*?)[ \t]*$/gm;
    const hits: { start: number; end: number }[] = [];
    for (let m = re.exec(text); m; m = re.exec(text)) hits.push({ start: m.index + m[1].length, end: m.index + m[0].trimEnd().length });
    if (hits.length === 0) return text;
    const h = r.pick(hits);
    return text.slice(0, h.start) + r.pick(SCALARS) + text.slice(h.end);
  },
  replaceKey(text, r) {
    const re = /^([ \t]*(?:- )?)([A-Za-z][\w.-]*):/gm;
    const hits: { start: number; end: number }[] = [];
    for (let m = re.exec(text); m; m = re.exec(text)) hits.push({ start: m.index + m[1].length, end: m.index + m[1].length + m[2].length });
    if (hits.length === 0) return text;
    const h = r.pick(hits);
    return text.slice(0, h.start) + r.pick(['yes', 'on', 'y', '1', '<<', '"kind"', '? x', 'spec', 'ingress', 'egress', 'ports', '', '-', 'x'.repeat(100)]) + text.slice(h.end);
  },
  lineEndings(text, r) {
    return r.chance(0.5) ? text.replace(/\n/g, '\r\n') : text.replace(/\n/g, () => (r.chance(0.3) ? '\r\n' : r.chance(0.1) ? '\r' : '\n'));
  },
  bomOrBlank(text, r) {
    return r.pick(['\ufeff', '\n', '   \n', '---\n', '# header\n', '%YAML 1.1\n---\n']) + text;
  },
  concat(text, r) {
    return text + r.pick(['\n---\n', '\n', '', '\n...\n']) + text.slice(0, r.int(text.length + 1));
  },
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

function lineStart(text: string, r: Rng): number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return r.pick(starts);
}

const corpus = [
  ...listFiles(path.join(fixtureRoot(), 'diagnostics', 'valid'), /\.ya?ml$/).map((f) => ({ name: path.relative(repoRoot(), f), text: parseFixture(fs.readFileSync(f, 'utf8')).text })),
  ...listFiles(path.join(repoRoot(), 'examples'), /\.ya?ml$/).map((f) => ({ name: path.relative(repoRoot(), f), text: fs.readFileSync(f, 'utf8') })),
];

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint']);

/** Every property of one analysis; returns the problems found (empty when all hold). */
function check(text: string): { problems: string[]; diagnostics: readonly Diagnostic[]; ms: number } {
  const problems: string[] = [];
  const started = Date.now();
  let diagnostics: readonly Diagnostic[] = [];
  try {
    diagnostics = analyzeText(text).diagnostics;
  } catch (err) {
    problems.push(`analyzeText threw: ${(err as Error).stack ?? String(err)}`);
  }
  const ms = Date.now() - started;
  if (ms > SLOW_CASE_MS) problems.push(`analyzeText took ${ms} ms (limit ${SLOW_CASE_MS})`);
  if (!Array.isArray(diagnostics)) problems.push('diagnostics is not an array');
  for (const d of diagnostics) {
    const where = `${d.code} "${String(d.message).slice(0, 80)}"`;
    if (typeof d.code !== 'string' || !/^NP\d{3}$/.test(d.code)) problems.push(`bad code ${JSON.stringify(d.code)}`);
    if (!SEVERITIES.has(d.severity)) problems.push(`${where}: bad severity ${JSON.stringify(d.severity)}`);
    if (typeof d.message !== 'string' || d.message.trim() === '') problems.push(`${d.code}: empty message`);
    if (/internal error/i.test(String(d.message))) problems.push(`${where}: a rule threw (reported as an internal error)`);
    if (!spanInside(d.span, text.length)) problems.push(`${where}: span ${JSON.stringify(d.span)} outside 0-${text.length}`);
    if (d.fix) {
      if (typeof d.fix.title !== 'string' || d.fix.title === '') problems.push(`${where}: fix without a title`);
      if (!Array.isArray(d.fix.edits) || d.fix.edits.length === 0) problems.push(`${where}: fix without edits`);
      const edits = [...(d.fix.edits ?? [])].sort((a, b) => a.span.start - b.span.start);
      for (const e of edits) {
        if (!spanInside(e.span, text.length)) problems.push(`${where}: fix edit ${JSON.stringify(e.span)} outside 0-${text.length}`);
        if (typeof e.newText !== 'string') problems.push(`${where}: fix edit without newText`);
      }
      for (let i = 1; i < edits.length; i++) {
        if (edits[i].span.start < edits[i - 1].span.end) problems.push(`${where}: fix edits overlap`);
      }
    }
  }
  return { problems, diagnostics, ms };
}

function spanInside(s: { start: number; end: number } | undefined, length: number): boolean {
  return !!s && Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= length;
}

function applyFix(text: string, d: Diagnostic): string {
  const edits = [...d.fix!.edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

interface Failure {
  readonly index: number;
  readonly seed: number;
  readonly source: string;
  readonly mutations: readonly string[];
  readonly text: string;
  readonly problems: readonly string[];
}

function describe(f: Failure): string {
  const shown = f.text.length > 600 ? f.text.slice(0, 600) + `…(+${f.text.length - 600} chars)` : f.text;
  return [
    `case ${f.index} (case seed ${f.seed}) from ${f.source} after ${f.mutations.join(' → ')}:`,
    ...f.problems.map((p) => `  - ${p}`),
    `  text: ${JSON.stringify(shown)}`,
    `  reproduce: FUZZ_SEED=${BASE_SEED} FUZZ_CASE=${f.index} node --test out/test/core/fuzz.test.js`,
  ].join('\n');
}

test(`random mutations of valid policies never break analyzeText (seed ${BASE_SEED}, ${CASES} cases)`, { timeout: 300_000 }, (t) => {
  assert.ok(corpus.length >= 10, 'the corpus of valid policies and examples is there');
  const failures: Failure[] = [];
  const known: Failure[] = [];
  const started = Date.now();
  let slowest = 0;
  let withDiagnostics = 0;
  let fixesApplied = 0;
  const codes = new Set<string>();
  let ran = 0;
  for (let index = 0; index < Math.max(CASES, (ONLY_CASE ?? -1) + 1); index++) {
    if (ONLY_CASE !== undefined && index !== ONLY_CASE) continue;
    if (Date.now() - started > BUDGET_MS) break;
    ran++;
    const seed = caseSeed(BASE_SEED, index);
    const r = new Rng(prng(seed));
    const source = r.pick(corpus);
    const mutations: string[] = [];
    let text = source.text;
    for (let n = r.range(1, 4); n > 0; n--) {
      const name = r.pick(MUTATION_NAMES);
      mutations.push(name);
      text = MUTATIONS[name](text, r);
    }
    const { problems, diagnostics, ms } = check(text);
    slowest = Math.max(slowest, ms);
    if (diagnostics.length > 0) withDiagnostics++;
    for (const d of diagnostics) codes.add(d.code);
    // Applying a fix (when its edits are sane) must give text the core can still analyse.
    const fixable = problems.length === 0 ? diagnostics.filter((d) => d.fix) : [];
    if (fixable.length > 0) {
      const d = r.pick(fixable);
      const after = check(applyFix(text, d));
      fixesApplied++;
      for (const p of after.problems) problems.push(`after applying the fix "${d.fix!.title}" for ${d.code}: ${p}`);
    }
    if (problems.length === 0) continue;
    const failure: Failure = { index, seed, source: source.name, mutations, text, problems };
    const message = describe(failure);
    if (KNOWN_BUGS.some((b) => b.matches.test(message))) known.push(failure);
    else failures.push(failure);
  }
  const elapsed = Date.now() - started;
  t.diagnostic(`seed ${BASE_SEED}: ${ran} cases in ${elapsed} ms${ran < CASES && ONLY_CASE === undefined ? ` (time budget of ${BUDGET_MS} ms reached before ${CASES})` : ''} (slowest ${slowest} ms), ${withDiagnostics} with diagnostics, ${codes.size} distinct codes (${[...codes].sort().join(' ')}), ${fixesApplied} fixes applied`);
  for (const f of known) t.diagnostic(`KNOWN BUG (see KNOWN_BUGS): ${describe(f)}`);
  if (failures.length > 0) {
    assert.fail(`${failures.length} of ${ran} fuzz cases broke a property (FUZZ_SEED=${BASE_SEED}); first ones:\n${failures.slice(0, 5).map(describe).join('\n\n')}`);
  }
});

test('the PRNG is deterministic: the same seed gives the same mutations', () => {
  const run = (seed: number) => {
    const r = new Rng(prng(seed));
    let text = corpus[0].text;
    for (let i = 0; i < 20; i++) text = MUTATIONS[r.pick(MUTATION_NAMES)](text, r);
    return text;
  };
  assert.equal(run(caseSeed(BASE_SEED, 3)), run(caseSeed(BASE_SEED, 3)));
  assert.notEqual(run(caseSeed(BASE_SEED, 3)), run(caseSeed(BASE_SEED, 4)));
});
