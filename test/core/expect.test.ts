/**
 * Connectivity assertions (core/ide/expect): parsing with spans (tolerant of half-typed lines),
 * the semantics of allowed / blocked / partially over ports, ranges, `any` and selections
 * (property test against `evaluate`, pair by pair and port by port, on seeded random worlds), the
 * user guide's three situations with its wrong claim, the report formats, the plan's checks and
 * its snapshot as assertions, and completion inside an assertion.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  assertionChecks,
  buildPlan,
  checkFileAssertions,
  completeAssertion,
  evaluate,
  lineLocator,
  loadWorkspace,
  parseAssertions,
  planAsAssertions,
  renderPlanText,
  renderTestJunit,
  renderTestText,
  runAssertions,
  testExitCode,
  testJson,
} from '../../server/src/core';
import type { Endpoint, World } from '../../server/src/core';
import { matchesSelector } from '../../server/src/core/semantics/selector';
import { fixtureRoot } from '../harness/files';
import { Rng, genScenario, policyTexts, worldText, TRAFFIC_PORTS } from '../oracle/gen';

const MARK = '# netpol-lens expect:';

function workspaceDir(name: string): { file: string; text: string }[] {
  const dir = path.join(fixtureRoot(), 'workspaces', name);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => ({ file: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

test('parse: parts and their spans; the note; no spaces around the arrow; IPv6 in brackets', () => {
  const text = `kind: Pod\n  ${MARK} default/a -> shop/b:8080/udp blocked   # why not\n#netpol-lens expect: a->ip:[2001:db8::1]:443 partially\n# not an assertion: netpol-lens expect: a -> b:1 allowed\n`;
  const [a, b, ...rest] = parseAssertions(text);
  assert.equal(rest.length, 0);
  const at = (s: { start: number; end: number } | undefined) => (s ? text.slice(s.start, s.end) : undefined);
  assert.equal(a.problem, undefined);
  assert.deepEqual([at(a.parts.from), at(a.parts.arrow), at(a.parts.to), at(a.parts.port), at(a.parts.verdict), at(a.parts.note)], ['default/a', '->', 'shop/b', '8080/udp', 'blocked', '# why not']);
  assert.deepEqual(a.from, { kind: 'pod', namespace: 'default', name: 'a' });
  assert.deepEqual(a.port, { kind: 'number', port: 8080, protocol: 'UDP' });
  assert.equal(a.note, 'why not');
  assert.equal(a.text, 'default/a -> shop/b:8080/udp blocked');
  assert.equal(at(a.line), `  ${MARK} default/a -> shop/b:8080/udp blocked   # why not`);
  assert.equal(b.problem, undefined);
  assert.deepEqual(b.from, { kind: 'pod', namespace: 'default', name: 'a' });
  assert.deepEqual(b.to, { kind: 'ip', address: '2001:db8::1' });
  assert.deepEqual(b.port, { kind: 'number', port: 443, protocol: 'TCP' });
  assert.equal(b.verdict, 'partially');
  const [sel] = parseAssertions(`${MARK} */app=web,tier!=db,!legacy -> shop/*:any/SCTP allowed`);
  assert.deepEqual(sel.from, { kind: 'select', namespace: undefined, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }, { key: 'legacy', operator: 'DoesNotExist' }] }, text: '*/app=web,tier!=db,!legacy' });
  assert.deepEqual(sel.to, { kind: 'select', namespace: 'shop', selector: {}, text: 'shop/*' });
  assert.deepEqual(sel.port, { kind: 'any', protocol: 'SCTP' });
});

test('parse: every prefix of an assertion line (half-typed) gives a problem inside the line or a complete assertion, never a throw', () => {
  const line = `${MARK} default/frontend -> ip:203.0.113.5:8000-8080/TCP partially # note`;
  for (let cut = MARK.length; cut <= line.length; cut++) {
    const text = `a: 1\n${line.slice(0, cut)}\nb: 2`;
    const [a] = parseAssertions(text);
    assert.ok(a, `cut ${cut}`);
    if (a.problem) assert.ok(a.problem.span.start >= a.line.start && a.problem.span.end <= a.line.end, `cut ${cut}: problem span inside the line`);
    else assert.ok(a.from && a.to && a.port && a.verdict, `cut ${cut}`);
  }
});

function scenarioWorld(seed: number): World {
  const s = genScenario(new Rng(seed));
  return loadWorkspace([
    { file: 'world.yaml', text: worldText(s) },
    { file: 'policies.yaml', text: policyTexts(s).join('---\n') },
  ]).world;
}

test('semantics: on random worlds, allowed / blocked / partially agree with evaluate for single ports, ranges and selections', () => {
  let checked = 0;
  for (let seed = 1; seed <= 25; seed++) {
    const world = scenarioWorld(seed);
    const r = new Rng(seed * 7919);
    // Endpoints named unambiguously (namespace/name of exactly one pod object).
    const counts = new Map<string, number>();
    for (const p of world.pods) counts.set(`${p.namespace}/${p.name}`, (counts.get(`${p.namespace}/${p.name}`) ?? 0) + 1);
    const named = world.pods.filter((p) => counts.get(`${p.namespace}/${p.name}`) === 1);
    if (named.length < 2) continue;
    const allowed = (from: Endpoint, to: Endpoint, port: number, protocol: string) => evaluate(world, { from, to, port, protocol }).allowed;
    const expectOf = (n: number, of: number) => (n === of ? 'allowed' : n === 0 ? 'blocked' : 'partially');
    const lines: { text: string; expected: string }[] = [];
    for (let k = 0; k < 12; k++) {
      const a = named[r.int(0, named.length - 1)];
      const b = named[r.int(0, named.length - 1)];
      const from: Endpoint = { kind: 'pod', pod: a };
      const to: Endpoint = { kind: 'pod', pod: b };
      const port = TRAFFIC_PORTS[r.int(0, TRAFFIC_PORTS.length - 1)];
      const protocol = ['TCP', 'UDP', 'SCTP'][r.int(0, 2)];
      lines.push({ text: `${a.namespace}/${a.name} -> ${b.namespace}/${b.name}:${port}/${protocol}`, expected: allowed(from, to, port, protocol) ? 'allowed' : 'blocked' });
      // A range: counted port by port.
      const lo = Math.max(1, port - 3);
      let n = 0;
      for (let p = lo; p <= port + 3; p++) if (allowed(from, to, p, protocol)) n++;
      lines.push({ text: `${a.namespace}/${a.name} -> ${b.namespace}/${b.name}:${lo}-${port + 3}/${protocol}`, expected: expectOf(n, port + 3 - lo + 1) });
      // A selection: the source's namespace and app label, to every pod of the destination's namespace.
      const app = a.labels.app;
      if (app !== undefined) {
        const srcs = world.pods.filter((p) => p.namespace === a.namespace && matchesSelector({ matchLabels: { app } }, p.labels));
        const dsts = world.pods.filter((p) => p.namespace === b.namespace);
        let full = 0;
        let pairs = 0;
        for (const s of srcs) for (const d of dsts) {
          if (s === d) continue;
          pairs++;
          if (allowed({ kind: 'pod', pod: s }, { kind: 'pod', pod: d }, port, 'TCP')) full++;
        }
        if (pairs > 0) lines.push({ text: `${a.namespace}/app=${app} -> ${b.namespace}/*:${port}`, expected: expectOf(full, pairs) });
      }
    }
    // Each line with every outcome: exactly the expected one holds; the others fail with a witness.
    const text = lines.flatMap((l) => ['allowed', 'blocked', 'partially'].map((v) => `${MARK} ${l.text} ${v}`)).join('\n');
    const results = checkFileAssertions(world, 'expect.yaml', text);
    assert.equal(results.length, lines.length * 3);
    results.forEach((res, i) => {
      const l = lines[Math.floor(i / 3)];
      const v = ['allowed', 'blocked', 'partially'][i % 3];
      assert.equal(res.status, v === l.expected ? 'pass' : 'fail', `seed ${seed}: ${l.text} ${v} (expected ${l.expected}) ${res.error?.message ?? ''}`);
      assert.equal(res.actual, l.expected, `seed ${seed}: ${l.text}`);
      if (res.status === 'fail') {
        const w = res.witness!;
        // The witness contradicts the expectation, and evaluate agrees with it.
        if (v === 'allowed') assert.equal(w.allowed, false);
        if (v === 'blocked') assert.equal(w.allowed, true);
        checked++;
      }
    });
  }
  assert.ok(checked > 300, `only ${checked} failing assertions checked`);
});

test("the guide's situations as assertions: every one holds except the guide's own wrong claim, which fails with the right explanation", () => {
  const files = workspaceDir('assertions');
  const ws = loadWorkspace(files);
  const locate = lineLocator(files);
  const run = runAssertions(ws.world, files, locate);
  assert.equal(run.results.length, 10);
  assert.equal(run.errors, 0);
  const failed = run.results.filter((r) => r.status === 'fail');
  assert.deepEqual(failed.map((r) => r.assertion.text), ['default/frontend-pod -> default/database:5432/TCP blocked']);
  const f = failed[0];
  assert.equal(f.actual, 'allowed');
  assert.equal(f.witness!.allowed, true);
  assert.match(f.message!, /^expected blocked, but it is allowed\n/);
  assert.match(f.message!, /ingress: default\/database is not isolated for ingress/);
  assert.equal(f.assertion.note, "the guide's claim");
  assert.equal(testExitCode(run), 1);
  const text = renderTestText(run, locate);
  assert.match(text, /FAIL .*expectations\.yaml:8: default\/frontend-pod -> default\/database:5432\/TCP blocked/);
  assert.match(text, /10 assertions: 9 passed, 1 failed, 0 errors\n$/);
});

test('a failing assertion links to the policies that decide it: the isolating policy when blocked, the allowing rule when allowed', () => {
  const files = workspaceDir('assertions');
  const ws = loadWorkspace(files);
  const check = (line: string) => checkFileAssertions(ws.world, 'x.yaml', `${MARK} ${line}`)[0];
  const blocked = check('default/database -> default/backend:8080 allowed');
  assert.equal(blocked.status, 'fail');
  const policyFiles = new Set(blocked.related!.map((r) => path.basename(r.file)));
  assert.deepEqual([...policyFiles].sort(), ['allow-egress-to-external-api.yaml', 'allow-frontend-to-backend.yaml', 'deny-ingress-from-external.yaml']);
  for (const r of blocked.related!) assert.equal(files.find((f) => f.file === r.file)!.text.slice(r.span.start, r.span.start + 10), 'apiVersion');
  const allowed = check('default/frontend-pod -> default/backend:8080 blocked');
  assert.equal(allowed.status, 'fail');
  assert.equal(allowed.related!.length, 1);
  const rule = allowed.related![0];
  assert.equal(path.basename(rule.file), 'allow-frontend-to-backend.yaml');
  assert.match(files.find((f) => f.file === rule.file)!.text.slice(rule.span.start), /^from:\n    - podSelector:/);
  assert.match(rule.message, /default\/allow-frontend-to-backend spec\.ingress\[0\] allows it/);
});

test('selections: an empty one is an error, a pod paired with itself is left out, a missing named port is an error', () => {
  const files = workspaceDir('assertions');
  const ws = loadWorkspace(files);
  const one = (line: string) => checkFileAssertions(ws.world, 'x.yaml', `${MARK} ${line}`)[0];
  const empty = one('default/app=nothing -> default/backend:80 allowed');
  assert.equal(empty.status, 'error');
  assert.equal(empty.error!.kind, 'unresolved');
  // database -> app=database only: its self-pair is left out, so no pair remains.
  assert.equal(one('default/database -> default/app=database:5432 allowed').status, 'error');
  // kube-system's only pod to itself, written as two single pods, is the self pair (always allowed).
  assert.equal(one('kube-system/coredns -> kube-system/coredns:53/UDP allowed').status, 'pass');
  assert.equal(one('default/frontend-pod -> default/database:http allowed').status, 'error');
  // every default pod to backend on any port: frontend fully, database not at all.
  const r = one('default/* -> default/app=backend:any partially');
  assert.equal(r.status, 'pass');
  assert.deepEqual([r.pairs, r.fullyAllowed, r.fullyBlocked], [2, 1, 1]);
});

test('the quick fix flips exactly the outcome word, and the flipped assertion holds', () => {
  const files = workspaceDir('assertions');
  const ws = loadWorkspace(files);
  const text = `x: 1\n${MARK} default/frontend-pod -> default/database:5432/TCP blocked  # claim\n`;
  const [r] = checkFileAssertions(ws.world, 'x.yaml', text);
  assert.equal(r.status, 'fail');
  const span = r.assertion.parts.verdict!;
  assert.equal(text.slice(span.start, span.end), 'blocked');
  const fixed = text.slice(0, span.start) + r.actual + text.slice(span.end);
  assert.equal(fixed, `x: 1\n${MARK} default/frontend-pod -> default/database:5432/TCP allowed  # claim\n`);
  assert.equal(checkFileAssertions(ws.world, 'x.yaml', fixed)[0].status, 'pass');
});

test('report formats: JSON and JUnit carry every result; JUnit escapes the note; the exit code says which', () => {
  const files = workspaceDir('assertions');
  const extra = { file: 'odd.yaml', text: `${MARK} default/frontend-pod -> default/backend:8080 blocked  # <a & "b">\n${MARK} default/nobody -> default/backend:80 allowed\n` };
  const ws = loadWorkspace([...files, extra]);
  const run = runAssertions(ws.world, [...files, extra]);
  assert.deepEqual([run.passed, run.failed, run.errors], [9, 2, 1]);
  assert.equal(testExitCode(run), 2);
  const json = testJson(run) as { summary: object; results: { status: string; assertion: string; witness?: { allowed: boolean } }[] };
  assert.deepEqual(json.summary, { assertions: 12, passed: 9, failed: 2, errors: 1 });
  assert.equal(json.results.filter((r) => r.status === 'fail').every((r) => r.witness !== undefined), true);
  const xml = renderTestJunit(run);
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="netpol-lens" tests="12" failures="2" errors="1">/);
  assert.equal((xml.match(/<testcase /g) ?? []).length, 12);
  assert.equal((xml.match(/<failure /g) ?? []).length, 2);
  assert.equal((xml.match(/<error /g) ?? []).length, 1);
  assert.ok(xml.includes('(&lt;a &amp; &quot;b&quot;&gt;)'));
  assert.ok(!xml.includes('<a &'));
  assert.equal(testExitCode(runAssertions(ws.world, files.filter((f) => !f.file.endsWith('expectations.yaml')))), 2, 'no assertion at all is an error, not a pass');
});

test("plan: TCP 443 is checked over https, and every assertion yields its kubectl check expecting the assertion's outcome", () => {
  const files = workspaceDir('assertions');
  const ws = loadWorkspace(files);
  const plan = buildPlan(ws.world);
  const all = plan.sections.flatMap((s) => s.checks);
  const c443 = all.filter((c) => c.port === 443 && c.protocol === 'TCP');
  assert.ok(c443.length > 0);
  for (const c of c443) {
    assert.match(c.command, / curl -sSk -m 5 https:\/\/[^ :]+$/);
    assert.ok(!c.command.includes('http://'));
  }
  for (const c of all.filter((x) => x.port !== 443 && x.protocol === 'TCP' && x.kind !== 'dns')) assert.match(c.command, /http:\/\/.*:\d+$/);
  assert.ok(!renderPlanText(plan).includes(':443'));
  const checks = assertionChecks(runAssertions(ws.world, files));
  assert.equal(checks.length, 11, 'one per assertion, two for the partially one (an allowed and a blocked connection)');
  const claim = checks.find((c) => c.assertion === 'default/frontend-pod -> default/database:5432/TCP blocked')!;
  assert.equal(claim.expect, 'times out (dropped by NetworkPolicy)');
  assert.match(claim.command, /^kubectl exec -n default frontend-pod -- curl -sS -m 5 http:\/\/\$\(kubectl get pod -n default database .*\):5432$/);
  const ext = checks.find((c) => c.assertion === 'default/backend -> ip:203.0.113.5:443 allowed')!;
  assert.equal(ext.command, 'kubectl exec -n default deploy/backend -- curl -sSk -m 5 https://203.0.113.5');
  assert.equal(ext.expect, 'connects');
  const udp = checks.find((c) => c.assertion === 'default/backend -> ip:8.8.8.8:53/UDP blocked')!;
  assert.match(udp.command, /nc -zuv -w 5 8\.8\.8\.8 53$/);
});

test('plan --format assertions: the snapshot of the plan, read back as assertions, all hold', () => {
  for (const name of ['assertions', 'lsp-seed']) {
    const files = workspaceDir(name).filter((f) => !f.file.endsWith('expectations.yaml'));
    const ws = loadWorkspace(files);
    const snapshot = planAsAssertions(buildPlan(ws.world));
    const run = runAssertions(ws.world, [{ file: 'snapshot.yaml', text: snapshot }]);
    assert.ok(run.results.length >= 3, `${name}: ${run.results.length} assertions`);
    assert.deepEqual(run.results.filter((r) => r.status !== 'pass').map((r) => `${r.assertion.text}: ${r.error?.message ?? r.message}`), [], name);
    assert.ok(run.results.some((r) => r.assertion.verdict === 'blocked') && run.results.some((r) => r.assertion.verdict === 'allowed'), name);
  }
});

test('completion inside an assertion: endpoints, the arrow, destination ports, outcomes; nothing outside or in the note', () => {
  const files = workspaceDir('assertions');
  const world = loadWorkspace(files).world;
  const at = (text: string) => completeAssertion(text.replace('|', ''), text.indexOf('|'), () => world);
  const labels = (text: string) => at(text)?.map((e) => e.label);
  assert.equal(at('spec:\n  podSelector: |{}'), undefined);
  const starts = labels(`${MARK} |`)!;
  assert.ok(starts.includes('default/frontend-pod') && starts.includes('default/backend') && starts.includes('kube-system/coredns'), starts.join());
  assert.ok(starts.includes('default/*') && starts.includes('ip:'));
  assert.deepEqual(labels(`${MARK} default/frontend-pod |`), ['->']);
  assert.ok(labels(`${MARK} default/frontend-pod -> def|`)!.includes('default/database'));
  const ports = at(`${MARK} default/frontend-pod -> default/backend:|`)!;
  assert.deepEqual(ports.map((e) => e.label), ['8080', 'http', 'any']);
  assert.equal(ports[0].start, `${MARK} default/frontend-pod -> default/backend:`.length, 'the port replaces only what follows the colon');
  assert.deepEqual(labels(`${MARK} a -> b:80 |`), ['allowed', 'blocked', 'partially']);
  assert.deepEqual(labels(`${MARK} a -> b:80 allowed # note |`), []);
});

test('robustness: random assertion lines never throw; every problem span lies inside its line; every result has a status', () => {
  const world = loadWorkspace(workspaceDir('assertions')).world;
  const r = new Rng(2026);
  const pieces = ['default/', 'frontend-pod', 'backend', '*', '/', ':', '::', '[', ']', 'ip:', '203.0.113.5', '2001:db8::1', '->', '-', '>', ' ', '  ', '=', '!=', '!', ',', 'app', '80', '0', '65536', '1-65535', '9-1', 'any', '/TCP', '/icmp', 'http', 'allowed', 'blocked', 'partially', '#', 'ü', '\t', '"', "'", '\\', 'kube-system/coredns', 'x'.repeat(70)];
  for (let i = 0; i < 3000; i++) {
    let body = '';
    const n = r.int(0, 12);
    for (let k = 0; k < n; k++) body += pieces[r.int(0, pieces.length - 1)];
    const text = `a: 1\n${MARK}${r.int(0, 1) ? ' ' : ''}${body}\nb: 2\n`;
    const results = checkFileAssertions(world, 'fuzz.yaml', text);
    assert.equal(results.length, 1, JSON.stringify(text));
    const res = results[0];
    assert.ok(['pass', 'fail', 'error'].includes(res.status));
    const line = res.assertion.line;
    if (res.error) assert.ok(res.error.span.start >= line.start && res.error.span.end <= line.end && res.error.span.start <= res.error.span.end, JSON.stringify(text));
    if (res.status === 'fail') assert.ok(res.message && res.witness);
  }
});
