/**
 * The NetworkPolicy semantics tables: every test/fixtures/semantics/*.yaml is a small cluster
 * (world + policies) and the verdicts Kubernetes gives for traffic in it, written by hand from the
 * Kubernetes documentation. This runner loads each table into a workspace exactly as the editor
 * does (loadWorkspace over files), resolves the endpoints and ports, evaluates, and compares.
 *
 * A table file holds:
 *   name, description
 *   world:      a multi-document YAML string, or a list of manifests (Namespaces, Pods, workloads)
 *   worldFiles: optional paths (relative to test/fixtures/semantics) of shared worlds
 *   policies:   a multi-document YAML string, or a list of NetworkPolicy manifests
 *   invalid:    names of the policies the API server would reject (checked; default none)
 *   cases:      { name, from, to, port, protocol?, expect, egress?, ingress?, allowedBy?,
 *                 isolatedBy?: {ingress?, egress?}, notApplied? }
 *   matrices:   { name, port, protocol?, table } where table is a from-by-to grid of
 *                 `.` (allowed) and `X` (blocked)
 * Endpoints are `namespace/name` or `ip:ADDRESS`. In allowedBy and isolatedBy a bare policy name
 * means the policy of that name in the namespace of the end it applies to (the source for egress,
 * the destination for ingress); `namespace/name` is also accepted. When isolatedBy is given,
 * both directions are checked (a missing one means "not isolated").
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { evaluate, loadWorkspace, resolveEndpoint, resolvePort } from '../../server/src/core';
import type { Endpoint, Verdict, World, WorkspaceFile } from '../../server/src/core';
import { fixtureRoot, listFiles } from '../harness/files';

/**
 * FIXME(engine): cases where the engine's answer differs from the documentation's. The table keeps
 * the documented answer; for the ids listed here the runner asserts the engine's CURRENT (wrong)
 * verdict instead, so the suite stays green until the engine is fixed and fails as soon as the
 * behaviour changes (then remove the id). Ids: `<file>#<case name>`, or for a matrix cell
 * `<file>#<matrix name> <from> -> <to>`.
 */
const KNOWN_ENGINE_BUGS: ReadonlySet<string> = new Set<string>([]);

type Expect = 'allowed' | 'blocked';

interface CaseSpec {
  name: string;
  from: string;
  to: string;
  port: number | string;
  protocol?: string;
  expect: Expect;
  egress?: Expect;
  ingress?: Expect;
  allowedBy?: string[];
  isolatedBy?: { ingress?: string[]; egress?: string[] };
  notApplied?: string[];
}

interface MatrixSpec {
  name: string;
  port: number | string;
  protocol?: string;
  table: string;
}

interface TableFile {
  name: string;
  description: string;
  world?: string | unknown[];
  worldFiles?: string[];
  policies?: string | unknown[];
  invalid?: string[];
  cases?: CaseSpec[];
  matrices?: MatrixSpec[];
}

const FILE_KEYS = ['name', 'description', 'world', 'worldFiles', 'policies', 'invalid', 'cases', 'matrices'];
const CASE_KEYS = ['name', 'from', 'to', 'port', 'protocol', 'expect', 'egress', 'ingress', 'allowedBy', 'isolatedBy', 'notApplied'];
const MATRIX_KEYS = ['name', 'port', 'protocol', 'table'];

const dir = path.join(fixtureRoot(), 'semantics');

function unknownKeys(o: object, allowed: string[], where: string): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  assert.deepEqual(extra, [], `${where}: unknown keys ${extra.join(', ')}`);
}

/** Manifests given as a list become a YAML stream with every string double-quoted (no YAML 1.1 surprises). */
function asText(v: string | unknown[] | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return v.map((m) => YAML.stringify(m, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' })).join('---\n');
}

function loadTable(file: string): TableFile {
  const t = YAML.parse(fs.readFileSync(file, 'utf8')) as TableFile;
  const rel = path.relative(dir, file);
  unknownKeys(t, FILE_KEYS, rel);
  assert.ok(typeof t.name === 'string' && typeof t.description === 'string', `${rel}: name and description are required`);
  for (const c of t.cases ?? []) {
    unknownKeys(c, CASE_KEYS, `${rel} case ${c.name}`);
    assert.ok(c.expect === 'allowed' || c.expect === 'blocked', `${rel} case ${c.name}: expect must be allowed or blocked`);
  }
  for (const m of t.matrices ?? []) unknownKeys(m, MATRIX_KEYS, `${rel} matrix ${m.name}`);
  return t;
}

interface Check {
  id: string;
  from: string;
  to: string;
  port: number | string;
  protocol?: string;
  spec?: CaseSpec;
  expect: Expect;
}

function parseMatrix(rel: string, m: MatrixSpec): Check[] {
  const lines = m.table.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const header = lines[0].split(/\s+/).slice(1);
  const out: Check[] = [];
  for (const line of lines.slice(1)) {
    const [from, ...cells] = line.split(/\s+/);
    assert.equal(cells.length, header.length, `${rel} matrix ${m.name}: row ${from} has ${cells.length} cells for ${header.length} columns`);
    cells.forEach((cell, i) => {
      assert.ok(cell === '.' || cell === 'X', `${rel} matrix ${m.name}: cell ${from} -> ${header[i]} is ${JSON.stringify(cell)}, not . or X`);
      out.push({ id: `${rel}#${m.name} ${from} -> ${header[i]}`, from, to: header[i], port: m.port, protocol: m.protocol, expect: cell === '.' ? 'allowed' : 'blocked' });
    });
  }
  return out;
}

function checksOf(rel: string, t: TableFile): Check[] {
  const out: Check[] = [];
  const names = new Set<string>();
  for (const c of t.cases ?? []) {
    assert.ok(!names.has(c.name), `${rel}: duplicate case name ${c.name}`);
    names.add(c.name);
    out.push({ id: `${rel}#${c.name}`, from: c.from, to: c.to, port: c.port, protocol: c.protocol, spec: c, expect: c.expect });
  }
  for (const m of t.matrices ?? []) out.push(...parseMatrix(rel, m));
  return out;
}

function nsOf(e: Endpoint): string | undefined {
  return e.kind === 'pod' ? e.pod.namespace : undefined;
}

function qualify(name: string, ns: string | undefined): string {
  return name.includes('/') ? name : `${ns ?? '?'}/${name}`;
}

function sorted(a: readonly string[]): string[] {
  return [...a].sort();
}

function word(b: boolean): Expect {
  return b ? 'allowed' : 'blocked';
}

function describeVerdict(v: Verdict): string {
  const side = (d: Verdict['egress']) =>
    `${word(d.allowed)}${d.isolatedBy.length ? ` isolatedBy=[${d.isolatedBy.map((p) => `${p.namespace}/${p.name}`).join(', ')}]` : ''}${d.allowedBy.length ? ` allowedBy=[${d.allowedBy.map((m) => `${m.policy.namespace}/${m.policy.name}#${m.direction}[${m.rule.index}]`).join(', ')}]` : ''}`;
  return `${word(v.allowed)} (egress: ${side(v.egress)}; ingress: ${side(v.ingress)}${v.self ? '; self' : ''}${v.caveats.length ? `; caveats: ${v.caveats.join(' | ')}` : ''})`;
}

/** Returns a failure message, or undefined. */
function runCheck(world: World, c: Check): string | undefined {
  const from = resolveEndpoint(world, c.from);
  const to = resolveEndpoint(world, c.to);
  if ('error' in from) return `${c.id}: source: ${from.error}`;
  if ('error' in to) return `${c.id}: destination: ${to.error}`;
  const port = resolvePort(to.endpoint, String(c.port), c.protocol);
  if ('error' in port) return `${c.id}: port: ${port.error}`;
  const v = evaluate(world, { from: from.endpoint, to: to.endpoint, port: port.port, protocol: port.protocol });
  const where = `${c.id} (${c.from} -> ${c.to} ${port.protocol}/${port.port})`;
  if (KNOWN_ENGINE_BUGS.has(c.id)) {
    // FIXME(engine): asserts the current, WRONG verdict; see KNOWN_ENGINE_BUGS.
    const wrong = c.expect === 'allowed' ? 'blocked' : 'allowed';
    if (word(v.allowed) !== wrong) return `${where}: listed in KNOWN_ENGINE_BUGS (engine said ${wrong}, documentation says ${c.expect}) but the engine now says ${describeVerdict(v)}: remove it from the list`;
    return undefined;
  }
  const problems: string[] = [];
  if (word(v.allowed) !== c.expect) problems.push(`expected ${c.expect}`);
  const s = c.spec;
  if (s) {
    const fromNs = nsOf(from.endpoint);
    const toNs = nsOf(to.endpoint);
    if (s.egress && word(v.egress.allowed) !== s.egress) problems.push(`expected egress ${s.egress}`);
    if (s.ingress && word(v.ingress.allowed) !== s.ingress) problems.push(`expected ingress ${s.ingress}`);
    if (s.allowedBy) {
      const want = sorted(s.allowedBy.map((x) => {
        const m = /^(.+)#(ingress|egress)\[(\d+)\]$/.exec(x);
        if (!m) return `malformed:${x}`;
        return `${qualify(m[1], m[2] === 'egress' ? fromNs : toNs)}#${m[2]}[${m[3]}]`;
      }));
      const got = sorted([...v.egress.allowedBy, ...v.ingress.allowedBy].map((m) => `${m.policy.namespace}/${m.policy.name}#${m.direction}[${m.rule.index}]`));
      if (JSON.stringify(want) !== JSON.stringify(got)) problems.push(`expected allowedBy [${want.join(', ')}], got [${got.join(', ')}]`);
    }
    if (s.isolatedBy) {
      for (const d of ['ingress', 'egress'] as const) {
        const want = sorted((s.isolatedBy[d] ?? []).map((n) => qualify(n, d === 'egress' ? fromNs : toNs)));
        const got = sorted(v[d].isolatedBy.map((p) => `${p.namespace}/${p.name}`));
        if (JSON.stringify(want) !== JSON.stringify(got)) problems.push(`expected ${d} isolatedBy [${want.join(', ')}], got [${got.join(', ')}]`);
      }
    }
    if (s.notApplied) {
      const want = sorted(s.notApplied);
      const got = sorted(v.notApplied.map((r) => (s.notApplied!.some((n) => n.includes('/')) ? `${r.ref.namespace}/${r.ref.name}` : r.ref.name)));
      if (JSON.stringify(want) !== JSON.stringify(got)) problems.push(`expected notApplied [${want.join(', ')}], got [${got.join(', ')}]`);
    }
  }
  return problems.length ? `${where}: ${problems.join('; ')}; engine: ${describeVerdict(v)}` : undefined;
}

function buildWorld(rel: string, t: TableFile): World {
  const files: WorkspaceFile[] = [];
  for (const w of t.worldFiles ?? []) files.push({ file: w, text: fs.readFileSync(path.join(dir, w), 'utf8') });
  if (t.world !== undefined) files.push({ file: `${rel}:world`, text: asText(t.world) });
  files.push({ file: `${rel}:policies`, text: asText(t.policies) });
  const ws = loadWorkspace(files);
  const rejected = sorted(ws.world.rejected.map((r) => r.ref.name));
  assert.deepEqual(rejected, sorted(t.invalid ?? []), `${rel}: the policies the engine rejects (not applied) differ from the table's "invalid" list`);
  return ws.world;
}

const tables = listFiles(dir, /\.ya?ml$/).filter((f) => path.dirname(f) === dir);
const allIds = new Set<string>();
let total = 0;

for (const file of tables) {
  const rel = path.relative(dir, file);
  let table: TableFile;
  let checks: Check[];
  try {
    table = loadTable(file);
    checks = checksOf(rel, table);
  } catch (err) {
    test(`semantics: ${rel}`, () => assert.fail(`${rel} is not a valid semantics table: ${(err as Error).message}`));
    continue;
  }
  for (const c of checks) allIds.add(c.id);
  total += checks.length;
  test(`semantics: ${rel} — ${table.name} (${checks.length} cases)`, () => {
    const world = buildWorld(rel, table);
    const failures = checks.map((c) => runCheck(world, c)).filter((m): m is string => m !== undefined);
    assert.ok(failures.length === 0, `${failures.length} of ${checks.length} cases disagree with the documented semantics:\n  ${failures.join('\n  ')}`);
  });
}

test('semantics: the tables exist and KNOWN_ENGINE_BUGS names only existing cases', (t) => {
  assert.ok(tables.length >= 10, `expected the semantics tables under ${dir}`);
  const stale = [...KNOWN_ENGINE_BUGS].filter((id) => !allIds.has(id));
  assert.deepEqual(stale, [], 'KNOWN_ENGINE_BUGS lists cases that no table has');
  t.diagnostic(`${tables.length} tables, ${total} cases, ${KNOWN_ENGINE_BUGS.size} known engine bugs`);
});
