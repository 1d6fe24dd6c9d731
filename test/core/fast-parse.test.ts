/**
 * Differential tests of the fast YAML reader (server/src/core/syntax/fast.ts) against the general
 * path (the `yaml` package's Parser and Composer, parseYamlStreamGeneral). The fast reader may
 * decline any text; whenever it answers, its documents (trees, spans, values, styles, problems)
 * must equal the general path's exactly, which implies the general path found no problem.
 *
 * Inputs: every fixture and example file and each of their YAML documents, the bench generator's
 * streams, and seeded random mutations of them aimed at YAML's structure (indentation, comments,
 * blank lines, flow collections, quotes, markers, CRLF, truncation).
 *   FAST_SEED=<n>, FAST_CASES=<n> (default 4000), FAST_BUDGET_MS (default 20000)
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fastParseStream } from '../../server/src/core/syntax/fast';
import { parseYamlStreamGeneral, parseYamlStream } from '../../server/src/core/syntax/tree';
import { documentStarts } from '../../server/src/core/incremental';
import { fixtureRoot, listFiles, repoRoot } from '../harness/files';
import { envInt, prng, Rng } from '../harness/random';

const SEED = envInt('FAST_SEED', 0x66617374) >>> 0;
const CASES = envInt('FAST_CASES', 4000);
const BUDGET_MS = envInt('FAST_BUDGET_MS', 20_000);

function corpus(): { name: string; text: string }[] {
  const files = [...listFiles(fixtureRoot(), /\.ya?ml$/), ...listFiles(path.join(repoRoot(), 'examples'), /\.ya?ml$/)];
  const out: { name: string; text: string }[] = [];
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    out.push({ name: path.relative(repoRoot(), f), text });
    const starts = documentStarts(text);
    if (starts.length > 1) starts.forEach((s, i) => out.push({ name: `${path.relative(repoRoot(), f)}#${i}`, text: text.slice(s, starts[i + 1] ?? text.length) }));
  }
  return out;
}

/** Fails with a readable excerpt where the two paths first differ. */
function assertSame(name: string, text: string): boolean {
  const fast = fastParseStream(text);
  if (!fast) return false;
  const a = JSON.stringify(fast);
  const b = JSON.stringify(parseYamlStreamGeneral(text));
  if (a !== b) {
    let i = 0;
    while (a[i] === b[i]) i++;
    assert.fail(`${name}: the fast reader differs from the general path\n  text: ${JSON.stringify(text.slice(0, 2000))}\n  fast:    …${a.slice(Math.max(0, i - 200), i + 120)}\n  general: …${b.slice(Math.max(0, i - 200), i + 120)}`);
  }
  return true;
}

test('fast reader: every fixture, example and document in them reads exactly as the general path (or is declined)', () => {
  let accepted = 0;
  const all = corpus();
  for (const { name, text } of all) if (assertSame(name, text)) accepted++;
  // The reader must actually serve the ordinary files, or it is no accelerator.
  assert.ok(accepted >= 20, `only ${accepted} of ${all.length} texts took the fast path`);
  for (const ex of ['allow-frontend-to-backend', 'allow-egress-to-external-api', 'deny-ingress-from-external']) {
    const text = fs.readFileSync(path.join(repoRoot(), 'examples', `${ex}.yaml`), 'utf8');
    assert.ok(fastParseStream(text), `the seed's ${ex} takes the fast path`);
  }
});

test('fast reader: the bench generator\'s 100-document stream takes the fast path and matches', async () => {
  const gen = (await import(path.join(repoRoot(), 'scripts', 'gen-policies.mjs'))) as { generatePolicyStream: (n: number) => { text: string } };
  const text = gen.generatePolicyStream(100).text;
  assert.ok(assertSame('policies-100', text), 'the generated stream takes the fast path');
  assert.ok(assertSame('policies-100 CRLF', text.replace(/\n/g, '\r\n')), 'its CRLF form takes the fast path');
});

test('fast reader: a file of only comments and blank lines reads as the general path reads it', () => {
  for (const text of ['# a\n', '# a\n# b', '\n\n# a\n', '  # a\n  \n# b\n\n', '# a\r\n# b\r\n', '#\n#x: 1\n', '# netpol-lens expect: a -> b:80 allowed\n'.repeat(50)]) {
    assert.ok(assertSame(JSON.stringify(text.slice(0, 40)), text), `${JSON.stringify(text.slice(0, 40))} takes the fast path`);
  }
  // Not only comments: a document marker, a directive or a value goes the usual way.
  for (const text of ['# a\n---\n# b\n', '%YAML 1.1\n# a\n', '# a\nx\n', '# a\n...\n']) {
    const fast = fastParseStream(text);
    if (fast) assert.equal(JSON.stringify(fast), JSON.stringify(parseYamlStreamGeneral(text)));
  }
});

const TOKENS = [
  '{}', '[]', '[a, b]', '[ "a" , \'b\' ]', '[a,b]', '[a, b,]', '[a, [b]]', '[a: b]', '{a: b}', '{ }', '[ ]', '"q"', "'q''s'", "'q'", '"a\\"b"', '"a # b"', "'#'",
  'yes', 'no', '1.10', '~', '', '-', '- x', '-x', 'a: b', 'a:b', '#c', '# c', '&x', '*x', '|', '>', '|-', ':', '? x', '...', '---', 'x #', 'x#y', 'http://a:80/b',
  '"unterminated', "'unterminated", '@x', '`x', '%x', '!x', '!!str x', 'a ,b', 'a]', 'a}', '"a"x', '"a" # c', 'x:', 'x: ', ' x', 'x  ',
];
const LINES = ['', '  ', '# comment', '   # comment', '---', '--- # c', '--- x', '...', '- ', '-', '  -', 'key: value', '  key: value', 'k:', '  - a: b', '%YAML 1.1', ' ', 'a: b: c', '? k', ': v'];

type Mutation = (ls: string[], r: Rng) => void;
const MUTATIONS: Mutation[] = [
  (ls, r) => void ls.splice(r.int(ls.length), r.range(1, 2)),
  (ls, r) => {
    const i = r.int(ls.length);
    ls[i] = r.chance(0.5) ? ' '.repeat(r.range(1, 3)) + ls[i] : ls[i].replace(/^ {1,3}/, '');
  },
  (ls, r) => void ls.splice(r.int(ls.length + 1), 0, ' '.repeat(r.int(8)) + r.pick(LINES)),
  (ls, r) => {
    const i = r.int(ls.length);
    ls.splice(i, 0, ls[i] ?? '');
  },
  (ls, r) => {
    // Replace a value (after ": " or "- ") with a token.
    const i = r.int(ls.length);
    const m = /^(\s*(?:- )?[^:#]*: |\s*- )(.*)$/.exec(ls[i] ?? '');
    if (m) ls[i] = m[1] + r.pick(TOKENS);
  },
  (ls, r) => {
    // Empty a value, leaving `key:` (a null, or a block below it).
    const i = r.int(ls.length);
    ls[i] = (ls[i] ?? '').replace(/:\s.*$/, r.pick([':', ':  ', ': # c', ':\t']));
  },
  (ls, r) => {
    const i = r.int(ls.length);
    ls[i] = (ls[i] ?? '') + r.pick([' # trailing', '  ', ' #', '#x', '\r', ' :', ',']);
  },
  (ls, r) => {
    const i = r.int(ls.length);
    const s = ls[i] ?? '';
    const at = r.int(s.length + 1);
    ls[i] = s.slice(0, at) + r.pick(['"', "'", ':', ' ', '#', '-', '{', '[', ']', '}', ',', '\t', '&', '*', '\\']) + s.slice(at);
  },
];

test('fast reader: seeded structural mutations read exactly as the general path whenever they take the fast path', () => {
  const base = corpus().filter((c) => fastParseStream(c.text));
  assert.ok(base.length > 0);
  const r = new Rng(prng(SEED));
  const started = Date.now();
  let accepted = 0;
  let cases = 0;
  for (; cases < CASES && Date.now() - started < BUDGET_MS; cases++) {
    const src = r.pick(base).text;
    const crlf = r.chance(0.15);
    const ls = src.split('\n');
    const n = r.range(1, 4);
    for (let k = 0; k < n; k++) r.pick(MUTATIONS)(ls, r);
    let text = ls.join(crlf ? '\r\n' : '\n');
    if (r.chance(0.1)) text = text.slice(0, r.int(text.length + 1));
    if (assertSame(`case ${cases} (FAST_SEED=${SEED})`, text)) accepted++;
  }
  // Both sides must be exercised: mutations the reader accepts, and ones it declines.
  assert.ok(accepted > cases / 10, `${accepted} of ${cases} mutated texts took the fast path`);
  assert.ok(accepted < cases, 'some mutations must be declined');
});

test('parseYamlStream answers through the fast reader or the general path, never worse', () => {
  for (const text of ['a: 1\n', 'a: &x 1\nb: *x\n', 'a: |\n  x\n', '', '---\n', 'a: 1\na: 2\n']) {
    assert.deepEqual(parseYamlStream(text), parseYamlStreamGeneral(text));
  }
});
