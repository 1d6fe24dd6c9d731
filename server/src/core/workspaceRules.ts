/**
 * Diagnostics that need the whole workspace (NP4xx): the rules of scope 'workspace' read one
 * file's policies and inventory against the World every file builds (pods, namespaces, every
 * policy). The language server and the CLI append them to each file's own diagnostics; the
 * user's severity settings and the file's disable comments apply to them as to the others.
 *
 * The workspace also settles one single-policy warning: NP302 (egress isolated without DNS) is
 * dropped when the pods the policy selects get DNS from other policies of the workspace.
 */
import type { AnalyzedPolicy, Diagnostic, Settings } from './analyze';
import type { Workspace } from './workspace';
import type { CompiledPolicy } from './semantics/compile';
import type { World } from './semantics/evaluate';
import type { PodInfo } from './model/inventory';
import { RULES } from './rules/catalog';
import type { FilePolicy, Finding, Rule, WorkspaceLookups } from './rules/rule';
import { dnsCoverage } from './rules/egress-blocks-dns';
import { standInPod } from './rules/util';
import { matchesSelector } from './semantics/selector';
import { parseSuppressions } from './suppress';
import { checkFileAssertionsSteps } from './ide/expect/check';
import { t } from './l10n';

export interface WorkspaceDiagnosticsOptions {
  /** The file's text: quick fixes and disable comments need it. */
  readonly text?: string;
  readonly settings?: Settings;
}

function compiledOf(world: World, file: string, policies: readonly AnalyzedPolicy[]): FilePolicy[] {
  const byStart = new Map<number, CompiledPolicy>();
  for (const c of world.policies) if (c.ref.file === file) byStart.set(c.ref.span.start, c);
  return policies.map((p) => ({ analyzed: p, compiled: byStart.get(p.base + p.doc.node.span.start) }));
}

/** Per-namespace views of the World, computed on first use (plain data, dropped after the call). */
function lookupsFor(world: World): WorkspaceLookups {
  let policies: Map<string, CompiledPolicy[]> | undefined;
  let pods: Map<string, PodInfo[]> | undefined;
  const isolation = { ingress: new Map<PodInfo, boolean>(), egress: new Map<PodInfo, boolean>() };
  const isolating = { ingress: new Map<string, CompiledPolicy[]>(), egress: new Map<string, CompiledPolicy[]>() };
  const group = <T>(items: readonly T[], ns: (t: T) => string) => {
    const m = new Map<string, T[]>();
    for (const t of items) {
      const list = m.get(ns(t));
      if (list) list.push(t);
      else m.set(ns(t), [t]);
    }
    return m;
  };
  const lookups: WorkspaceLookups = {
    policiesIn: (namespace) => (policies ??= group(world.policies, (p) => p.ref.namespace)).get(namespace) ?? [],
    podsIn: (namespace) => (pods ??= group(world.pods, (p) => p.namespace)).get(namespace) ?? [],
    isolated(pod, direction) {
      let known = isolation[direction].get(pod);
      if (known === undefined) {
        let list = isolating[direction].get(pod.namespace);
        if (!list) isolating[direction].set(pod.namespace, (list = lookups.policiesIn(pod.namespace).filter((p) => (direction === 'ingress' ? p.isolatesIngress : p.isolatesEgress))));
        known = list.some((p) => matchesSelector(p.podSelector, pod.labels));
        isolation[direction].set(pod, known);
      }
      return known;
    },
  };
  return lookups;
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code));
}

/** Runs steps to the end (the synchronous form of a `…Steps` generator). */
function finish<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The workspace rules' findings (NP4xx) for one file of the workspace. */
export function workspaceDiagnostics(ws: Workspace, file: string, options: WorkspaceDiagnosticsOptions = {}): Diagnostic[] {
  return finish(workspaceDiagnosticsSteps(ws, file, options, Infinity));
}

/**
 * `workspaceDiagnostics` in steps, for a caller that must stay responsive (the language server
 * serves an edit between two steps): each step runs one rule on at most `chunk` of the file's
 * policies; the value at the end is the same list (a test compares them). Rules see the file's
 * policies a chunk at a time, so a rule must judge each policy on its own against the world (all
 * of them do); identical findings (a rule reading the inventory reports it once per chunk) are
 * merged, as they always were.
 */
export function* workspaceDiagnosticsSteps(ws: Workspace, file: string, options: WorkspaceDiagnosticsOptions = {}, chunk = 25): Generator<void, Diagnostic[], void> {
  const fa = ws.files.find((f) => f.file === file);
  if (!fa) return [];
  const raw: { rule: Rule; finding: Finding }[] = [];
  const all = compiledOf(ws.world, file, fa.analysis.policies);
  const lookups = lookupsFor(ws.world);
  const size = Math.max(1, chunk);
  // The file's connectivity assertions, a chunk at a time (the assertion rules below read the memo).
  const assertionsWanted = ['NP501', 'NP502', 'NP503'].some((code) => options.settings?.severity?.[code] !== 'off');
  if (options.text !== undefined && assertionsWanted) yield* checkFileAssertionsSteps(ws.world, file, options.text, size);
  for (const rule of RULES) {
    if (rule.scope !== 'workspace' || !rule.checkWorkspace) continue;
    if (options.settings?.severity?.[rule.meta.code] === 'off') continue;
    for (let from = 0; from === 0 || from < all.length; from += size) {
      const policies = size >= all.length ? all : all.slice(from, from + size);
      try {
        rule.checkWorkspace({ world: ws.world, lookups, file, text: options.text, policies, inventory: fa.inventory, report: (finding) => raw.push({ rule, finding }) });
      } catch (err) {
        const at = all[0] ? all[0].analyzed.base + all[0].analyzed.doc.anchor.start : 0;
        raw.push({ rule, finding: { span: { start: at, end: at }, message: t('internal error in rule {0}: {1}', rule.meta.slug, (err as Error).message) } });
      }
      yield;
    }
  }
  const suppressions = options.text === undefined ? undefined : parseSuppressions(options.text);
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const { rule, finding } of raw) {
    if (suppressions?.isSuppressed(rule.meta.code, finding.span.start)) continue;
    const key = `${rule.meta.code}|${finding.span.start}|${finding.span.end}|${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const override = options.settings?.severity?.[rule.meta.code];
    out.push({
      code: rule.meta.code,
      slug: rule.meta.slug,
      severity: override && override !== 'off' ? override : finding.severity ?? rule.meta.severity,
      message: finding.message,
      span: finding.span,
      path: finding.path,
      fix: finding.fix,
      ...(finding.moreFixes?.length ? { moreFixes: finding.moreFixes } : {}),
      ...(finding.related?.length ? { related: finding.related } : {}),
    });
  }
  return sortDiagnostics(out);
}

/** The pods a policy selects in the workspace, or a stand-in made from its selector when none is known. */
function podsOf(lookups: WorkspaceLookups, c: CompiledPolicy): PodInfo[] {
  const pods = lookups.podsIn(c.ref.namespace).filter((p) => matchesSelector(c.podSelector, p.labels));
  if (pods.length) return pods;
  const s = standInPod(c.podSelector, c.ref.namespace, { file: c.ref.file, span: c.ref.span });
  return s ? [s] : [];
}

/** Whether every pod the policy selects gets DNS (UDP and TCP 53) from the egress policies selecting it. */
function dnsFromWorkspace(lookups: WorkspaceLookups, c: CompiledPolicy): boolean {
  const pods = podsOf(lookups, c);
  return pods.length > 0 && pods.every((pod) => {
    const cov = { udp: false, tcp: false };
    for (const q of lookups.policiesIn(pod.namespace)) {
      if (!q.isolatesEgress || !matchesSelector(q.podSelector, pod.labels)) continue;
      const c2 = dnsCoverage(q.value.spec?.egress ?? [], q.ref.namespace);
      cov.udp ||= c2.udp;
      cov.tcp ||= c2.tcp;
    }
    return cov.udp && cov.tcp;
  });
}

/** The policy whose object holds `offset` (policies are in file order; a binary search). */
function policyAt(policies: readonly FilePolicy[], offset: number): FilePolicy | undefined {
  const start = (p: FilePolicy) => p.analyzed.base + p.analyzed.doc.node.span.start;
  let lo = 0;
  let hi = policies.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (start(policies[mid]) <= offset) lo = mid;
    else hi = mid - 1;
  }
  const p = policies[lo];
  return p && start(p) <= offset && offset <= p.analyzed.base + p.analyzed.doc.node.span.end ? p : undefined;
}

/**
 * A file's diagnostics as the editor and the CLI show them: its own (analyzeText's), less the
 * NP302 warnings other policies of the workspace answer, plus the workspace rules' findings.
 */
export function withWorkspaceDiagnostics(fileDiagnostics: readonly Diagnostic[], ws: Workspace, file: string, options: WorkspaceDiagnosticsOptions = {}): Diagnostic[] {
  return finish(withWorkspaceDiagnosticsSteps(fileDiagnostics, ws, file, options, Infinity));
}

/** `withWorkspaceDiagnostics` in steps (see `workspaceDiagnosticsSteps`). */
export function* withWorkspaceDiagnosticsSteps(fileDiagnostics: readonly Diagnostic[], ws: Workspace, file: string, options: WorkspaceDiagnosticsOptions = {}, chunk = 25): Generator<void, Diagnostic[], void> {
  const fa = ws.files.find((f) => f.file === file);
  let kept: readonly Diagnostic[] = fileDiagnostics;
  if (fa && fileDiagnostics.some((d) => d.code === 'NP302')) {
    const policies = compiledOf(ws.world, file, fa.analysis.policies);
    const lookups = lookupsFor(ws.world);
    kept = fileDiagnostics.filter((d) => {
      if (d.code !== 'NP302') return true;
      const fp = policyAt(policies, d.span.start);
      return !fp?.compiled || !dnsFromWorkspace(lookups, fp.compiled);
    });
    yield;
  }
  return sortDiagnostics([...kept, ...(yield* workspaceDiagnosticsSteps(ws, file, options, chunk))]);
}
