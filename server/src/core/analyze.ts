/**
 * The analysis pipeline for one file: parse the YAML stream, find the NetworkPolicy objects,
 * decode them against the schema, run every rule, apply the user's severity settings.
 *
 * Like the API server, a policy whose body cannot be decoded (NP1xx: unknown field, wrong type,
 * unserved apiVersion) gets only those errors: the server rejects it before validation runs, so
 * the NP2xx validation findings would be noise until the decode errors are fixed (except for a
 * top-level `status`, removed in Kubernetes 1.28: it changes nothing the policy says, so its
 * other findings are reported with it and one round of fixes suffices). Likewise a
 * YAML document with a syntax error (NP001) never reaches the API server: kubectl stops at the
 * YAML, so its policies get no NP1xx/NP2xx findings from the partly read text.
 */
import { parseYamlStream, YDocument } from './syntax/tree';
import { findPolicies } from './model/classify';
import { decodeObject } from './model/decode';
import type { NetworkPolicy } from './model/types';
import type { Span } from './text';
import { RULES } from './rules/catalog';
import type { Finding, Fix, RelatedLocation, Rule, Severity } from './rules/rule';
import type { AnalyzedPolicy, PolicyDocument } from './model/analyzed';
import { parseSuppressions } from './suppress';
import { inventoryFindings, yaml11ImplicitType } from './rules/yaml11-implicit-type';
import { isStatusField } from './rules/util';
import { t } from './l10n';

export type SeveritySetting = Severity | 'off';

export interface Settings {
  /** Per-code severity overrides: { NP300: 'off', NP301: 'error' }. */
  readonly severity?: Readonly<Record<string, SeveritySetting>>;
}

export interface Diagnostic {
  readonly code: string;
  readonly slug: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  /** Kubernetes field path the API server would report (spec.ingress[0].ports[0].endPort). */
  readonly path?: string;
  readonly fix?: Fix;
  /** Other fixes offered after `fix` (which is the preferred one). */
  readonly moreFixes?: readonly Fix[];
  /** Other places that explain it, in any file of the workspace (LSP relatedInformation). */
  readonly related?: readonly RelatedLocation[];
}

export type { AnalyzedPolicy, PolicyDocument } from './model/analyzed';

/**
 * What the analysis is for. `diagnostics` (the default): every finding. `world`: only what decides
 * which policies the API server accepts (the error rules and the decode rules; the `valid` flag of
 * every policy is the same as with `diagnostics`), for commands that read the connectivity and
 * print no findings (`test`, `matrix`, `plan`, …); no diagnostics are returned.
 */
export type AnalysisPurpose = 'diagnostics' | 'world';

export interface Analysis {
  readonly diagnostics: readonly Diagnostic[];
  readonly policies: readonly AnalyzedPolicy[];
}

function runRule(rule: Rule, doc: PolicyDocument, text: string, out: { rule: Rule; finding: Finding }[]): void {
  try {
    rule.check({ doc, text, report: (finding) => out.push({ rule, finding }) });
  } catch (err) {
    // A rule bug must never take the analysis down; say so where the user can see it.
    out.push({ rule, finding: { span: doc.anchor, message: t('internal error in rule {0}: {1}', rule.meta.slug, (err as Error).message) } });
  }
}

function looksLikePolicyText(text: string, doc: YDocument): boolean {
  return /\bkind:\s*["']?NetworkPolicy\b/.test(text.slice(doc.span.start, Math.max(doc.span.end, doc.span.start + 4096)));
}

/** Whether a document's text names a kind whose pods or namespace every traffic answer uses (inventory.ts). */
function looksLikeInventoryText(text: string, doc: YDocument): boolean {
  return /\bkind:\s*["']?(?:(?:Pod|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Job|CronJob|Namespace)(?:List)?|List)\b/.test(text.slice(doc.span.start, Math.max(doc.span.end, doc.span.start + 4096)));
}

const decidesValidity = (r: Rule): boolean => r.meta.severity === 'error' || r.meta.code.startsWith('NP1');
const YAML_RULES = RULES.filter((r) => r.scope === 'yaml');
const POLICY_RULES = RULES.filter((r) => r.scope === 'policy');
const VALIDITY_RULES = POLICY_RULES.filter(decidesValidity);

export function analyzeDocuments(text: string, docs: readonly YDocument[], settings: Settings = {}, purpose: AnalysisPurpose = 'diagnostics'): Analysis {
  const raw: { rule: Rule; finding: Finding }[] = [];
  const policies: AnalyzedPolicy[] = [];
  const full = purpose === 'diagnostics';
  // The YAML-level rules only report (a document's own problems decide its validity below).
  const yamlRules = full ? YAML_RULES : [];
  const policyRules = full ? POLICY_RULES : VALIDITY_RULES;
  for (const yaml of docs) {
    // Pods, workloads and Namespaces kubectl would refuse (NP103 on `namespace: yes`).
    if (full && !yaml.problems.some((p) => p.kind === 'syntax')) for (const finding of inventoryFindings(yaml)) raw.push({ rule: yaml11ImplicitType, finding });
    const objects = findPolicies(yaml);
    if (objects.length === 0) {
      // A document cut short by the limits (alias bomb) may hide its kind; look at the text.
      // Pods, workloads and Namespaces cut short are left out of every answer: say so (NP003 only).
      const policyText = yaml.truncated && looksLikePolicyText(text, yaml);
      if (policyText || (yaml.truncated && looksLikeInventoryText(text, yaml))) {
        const doc: PolicyDocument = { yaml, node: { kind: 'map', span: yaml.span, entries: [], flow: false }, anchor: { start: yaml.span.start, end: yaml.span.start }, apiVersion: undefined, decoded: undefined };
        for (const r of policyText ? yamlRules : yamlRules.filter((r) => r.meta.code === 'NP003')) runRule(r, doc, text, raw);
      }
      continue;
    }
    let first = true;
    for (const obj of objects) {
      const decoded = obj.apiVersion === 'networking.k8s.io/v1' && !yaml.truncated ? decodeObject<NetworkPolicy>(obj.node) : undefined;
      const doc: PolicyDocument = { yaml, node: obj.node, anchor: obj.anchor, apiVersion: obj.apiVersion, decoded };
      if (first) for (const r of yamlRules) runRule(r, doc, text, raw);
      first = false;
      if (yaml.truncated) {
        policies.push({ base: 0, doc, decoded, valid: false });
        continue;
      }
      const found: { rule: Rule; finding: Finding }[] = [];
      for (const r of policyRules) runRule(r, doc, text, found);
      const unreadable = yaml.problems.some((p) => p.kind === 'syntax');
      // A top-level `status` is rejected too (NP101), but the rest of the object reads as
      // written: say everything the API server will say once it is deleted, in one round.
      const decodeFailed = found.some((f) => f.rule.meta.code.startsWith('NP1') && !(f.rule.meta.code === 'NP101' && f.finding.path !== undefined && isStatusField({ path: f.finding.path })));
      const kept = unreadable
        ? found.filter((f) => !/^NP[12]/.test(f.rule.meta.code))
        : decodeFailed ? found.filter((f) => !f.rule.meta.code.startsWith('NP2')) : found;
      raw.push(...kept);
      const yamlErrors = yaml.problems.length > 0;
      policies.push({ base: 0, doc, decoded, valid: !yamlErrors && !kept.some((f) => f.rule.meta.severity === 'error') });
    }
  }
  return { diagnostics: full ? finish(raw, settings, text) : [], policies };
}

/**
 * Findings to diagnostics: the user's severity settings, the text's disable comments
 * (suppress.ts), de-duplication, and source order.
 */
function finish(raw: { rule: Rule; finding: Finding }[], settings: Settings, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const suppressions = parseSuppressions(text);
  for (const { rule, finding } of raw) {
    const override = settings.severity?.[rule.meta.code];
    if (override === 'off') continue;
    if (suppressions?.isSuppressed(rule.meta.code, finding.span.start)) continue;
    const key = `${rule.meta.code}|${finding.span.start}|${finding.span.end}|${finding.path ?? ''}|${finding.message}`;
    if (seen.has(key)) continue; // The API server de-duplicates identical errors too.
    seen.add(key);
    out.push({
      code: rule.meta.code,
      slug: rule.meta.slug,
      severity: override ?? finding.severity ?? rule.meta.severity,
      message: finding.message,
      span: finding.span,
      path: finding.path,
      fix: finding.fix,
      ...(finding.moreFixes?.length ? { moreFixes: finding.moreFixes } : {}),
    });
  }
  out.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code));
  return out;
}

/** Analyses one YAML file's text. Never throws on user input. */
export function analyzeText(text: string, settings: Settings = {}): Analysis {
  return analyzeDocuments(text, parseYamlStream(text), settings);
}
