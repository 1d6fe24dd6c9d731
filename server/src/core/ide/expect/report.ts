/**
 * Assertion results for people and machines: the `netpol-lens test` report (text, JSON, JUnit
 * XML), each assertion's `kubectl exec` check for the verification plan, and the plan's checks
 * written back as assertion lines (a snapshot of today's connectivity to commit).
 */
import type { World } from '../../semantics/evaluate';
import { endpointName } from '../../semantics/endpoints';
import { escapeXml, escapeXmlAttribute } from '../escape';
import type { Locate } from '../provenance';
import type { VerificationPlan } from '../plan';
import { commands, EXPECT_CONNECTS, EXPECT_TIMES_OUT, execTarget } from '../planCommands';
import { AssertionResult, checkFileAssertions } from './check';
import { EXPECT_MARKER } from './parse';
import { t } from '../../l10n';

export interface TestRun {
  readonly results: readonly AssertionResult[];
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
}

/** Every assertion of every file, checked. */
export function runAssertions(world: World, files: readonly { readonly file: string; readonly text: string }[], locate?: Locate): TestRun {
  const results = files.flatMap((f) => checkFileAssertions(world, f.file, f.text, { locate }));
  return {
    results,
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    errors: results.filter((r) => r.status === 'error').length,
  };
}

/** 0 every assertion holds, 1 one fails, 2 one cannot be checked (or there are none). */
export function testExitCode(run: TestRun): number {
  return run.errors > 0 || run.results.length === 0 ? 2 : run.failed > 0 ? 1 : 0;
}

function place(r: AssertionResult, locate?: Locate): string {
  const line = locate?.(r.file, r.assertion.line.start);
  return line === undefined ? r.file : `${r.file}:${line}`;
}

function indent(s: string, by: string): string {
  return s.split('\n').map((l) => by + l).join('\n');
}

export function renderTestText(run: TestRun, locate?: Locate): string {
  const out: string[] = [];
  for (const r of run.results) {
    const a = r.assertion;
    const head = `${place(r, locate)}: ${a.text}`;
    if (r.status === 'pass') out.push(`${t('PASS')} ${head}`);
    else if (r.status === 'fail') out.push(`${t('FAIL')} ${head}`, indent(r.message ?? '', '  '));
    else out.push(`${t('ERROR')} ${head}`, `  ${r.error?.message ?? ''}`);
    if (a.note && r.status !== 'pass') out.push(`  ${t('note: {0}', a.note)}`);
  }
  if (run.results.length === 0) out.push(t('No assertion found: write lines like "# {0} default/frontend -> default/backend:80 allowed" in the YAML files.', EXPECT_MARKER));
  out.push(t('{0} assertions: {1} passed, {2} failed, {3} errors', run.results.length, run.passed, run.failed, run.errors));
  return out.join('\n') + '\n';
}

export function testJson(run: TestRun, locate?: Locate): object {
  return {
    summary: { assertions: run.results.length, passed: run.passed, failed: run.failed, errors: run.errors },
    results: run.results.map((r) => ({
      file: r.file,
      ...(locate ? { line: locate(r.file, r.assertion.line.start) } : {}),
      assertion: r.assertion.text,
      ...(r.assertion.note ? { note: r.assertion.note } : {}),
      status: r.status,
      ...(r.assertion.verdict ? { expected: r.assertion.verdict } : {}),
      ...(r.actual ? { actual: r.actual } : {}),
      ...(r.pairs !== undefined ? { pairs: r.pairs, fullyAllowed: r.fullyAllowed, fullyBlocked: r.fullyBlocked } : {}),
      ...(r.error ? { error: r.error.message } : {}),
      ...(r.witness ? { witness: r.witness } : {}),
      ...(r.related?.length ? { related: r.related.map((x) => ({ file: x.file, ...(locate ? { line: locate(x.file, x.span.start) } : {}), message: x.message })) } : {}),
    })),
  };
}

/** JUnit XML: one test suite per file, one test case per assertion (failures and errors as JUnit has them). */
export function renderTestJunit(run: TestRun, locate?: Locate): string {
  const byFile = new Map<string, AssertionResult[]>();
  for (const r of run.results) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="netpol-lens" tests="${run.results.length}" failures="${run.failed}" errors="${run.errors}">`];
  for (const [file, rs] of byFile) {
    const f = rs.filter((r) => r.status === 'fail').length;
    const e = rs.filter((r) => r.status === 'error').length;
    out.push(`  <testsuite name="${escapeXmlAttribute(file)}" tests="${rs.length}" failures="${f}" errors="${e}">`);
    for (const r of rs) {
      const line = locate?.(r.file, r.assertion.line.start);
      const name = r.assertion.note ? `${r.assertion.text} (${r.assertion.note})` : r.assertion.text;
      const attrs = `name="${escapeXmlAttribute(name)}" classname="${escapeXmlAttribute(file)}"${line !== undefined ? ` file="${escapeXmlAttribute(file)}" line="${line}"` : ''}`;
      if (r.status === 'pass') out.push(`    <testcase ${attrs}/>`);
      else {
        const tag = r.status === 'fail' ? 'failure' : 'error';
        const msg = r.status === 'fail' ? (r.message ?? '').split('\n')[0] : r.error?.message ?? '';
        const body = r.status === 'fail' ? r.message ?? '' : r.error?.message ?? '';
        out.push(`    <testcase ${attrs}>`, `      <${tag} message="${escapeXmlAttribute(msg)}" type="${r.status === 'fail' ? 'AssertionFailed' : 'InvalidAssertion'}">${escapeXml(body)}</${tag}>`, '    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

export interface AssertionCheck {
  readonly assertion: string;
  readonly location: string;
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  readonly expect: string;
  readonly command: string;
  readonly alternative: string;
}

/** Each checkable assertion's `kubectl exec` checks, expecting what the assertion says. */
export function assertionChecks(run: TestRun, locate?: Locate): AssertionCheck[] {
  const out: AssertionCheck[] = [];
  for (const r of run.results) {
    for (const p of r.probes) {
      if (!p.from || execTarget(p.from) === undefined) continue;
      out.push({
        assertion: r.assertion.text,
        location: place(r, locate),
        from: `${p.from.namespace}/${p.from.name}`,
        to: endpointName(p.to),
        port: p.port,
        protocol: p.protocol,
        expect: p.allowed ? EXPECT_CONNECTS : EXPECT_TIMES_OUT,
        ...commands(p.from, p.to, p.port, p.protocol, false),
      });
    }
  }
  return out;
}

export function renderAssertionChecksText(checks: readonly AssertionCheck[]): string {
  if (checks.length === 0) return '';
  const out = ['', t('Assertions ({0} checks): each expectation written in the files, tried in the cluster', checks.length)];
  checks.forEach((c, i) => {
    out.push(`  A${i + 1} ${c.assertion} (${c.location})`);
    out.push(`     ${t('{0}: expect {1}', `${c.from} -> ${c.to} ${c.port}/${c.protocol}`, c.expect === EXPECT_CONNECTS ? t('connects') : t('times out (dropped by NetworkPolicy)'))}`);
    out.push(`     ${c.command}`);
    out.push(`     ${t('or: {0}', c.alternative)}`);
  });
  return out.join('\n') + '\n';
}

/** The plan's checks as assertion lines: today's connectivity, to commit and keep true. */
export function planAsAssertions(plan: VerificationPlan): string {
  const out = [`# ${t('Connectivity of the verification plan, as netpol-lens assertions (netpol-lens test checks them).')}`];
  const seen = new Set<string>();
  for (const s of plan.sections) {
    for (const c of s.checks) {
      if (c.kind === 'dns') continue;
      const to = c.to.startsWith('ip:') && c.to.includes(':', 3) && c.to.split(':').length > 2 ? `ip:[${c.to.slice(3)}]` : c.to;
      const line = `# ${EXPECT_MARKER} ${c.from} -> ${to}:${c.port}/${c.protocol} ${c.allowed ? 'allowed' : 'blocked'}`;
      if (seen.has(line)) continue;
      seen.add(line);
      out.push(`${line}  # ${s.policy}: ${c.kind}`);
    }
  }
  return out.join('\n') + '\n';
}
