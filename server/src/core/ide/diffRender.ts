/**
 * Renders a semantic diff (diff.ts): text for the terminal, Markdown for a pull-request comment
 * and the editor's preview, JSON, SARIF 2.1.0, and the editor's one-line summary. Names are
 * escaped for each format (escape.ts); `file:line` comes from each side's own files (the old and
 * the new text of a file differ).
 */
import { connIsEmpty, connToJson, formatConn } from '../semantics/connset';
import type { ConnSet } from '../semantics/connset';
import { t } from '../l10n';
import { escapeControls, escapeMarkdownCell } from './escape';
import type { Locate } from './provenance';
import type { DiffReason, EndpointChange, PairChange, PolicyDiffSummary, WorldDiff } from './diff';

/** Where each side's provenance points (`file:line`). */
export interface DiffLocate {
  readonly before?: Locate;
  readonly after?: Locate;
}

function words() {
  return { all: t('all ports'), none: t('nothing') };
}

export function fmtConn(c: ConnSet): string {
  return formatConn(c, words());
}

function at(locate: DiffLocate, r: DiffReason): string {
  const line = (r.side === 'before' ? locate.before : locate.after)?.(r.policy.file, r.offset);
  return line === undefined ? r.policy.file : `${r.policy.file}:${line}`;
}

export function changeWord(c: PairChange): string {
  return c.change === 'added' ? t('added') : c.change === 'removed' ? t('removed') : t('changed');
}

/** One reason in words, for text and Markdown (the caller escapes). */
export function reasonText(r: DiffReason, locate: DiffLocate): string {
  const policy = `${r.policy.namespace}/${r.policy.name}`;
  const where = at(locate, r);
  if (r.role === 'isolates') {
    const dir = r.direction === 'ingress' ? t('ingress') : t('egress');
    return r.side === 'after'
      ? t('{0} ({1}) now isolates {2} for {3}', policy, where, r.endpoint?.label ?? '', dir)
      : t('{0} ({1}) no longer isolates {2} for {3}', policy, where, r.endpoint?.label ?? '', dir);
  }
  return r.side === 'after'
    ? t('{0} {1} ({2}) allows {3}', policy, r.rule ?? '', where, fmtConn(r.ports!))
    : t('{0} {1} ({2}) allowed {3}, no longer', policy, r.rule ?? '', where, fmtConn(r.ports!));
}

function endpointLine(e: EndpointChange, locate: DiffLocate): string {
  const line = (e.change === 'appeared' ? locate.after : locate.before)?.(e.source.file, e.source.span.start);
  const where = line === undefined ? e.source.file : `${e.source.file}:${line}`;
  return e.change === 'appeared' ? t('{0} {1} appeared ({2})', e.endpoint.podKind ?? '', e.endpoint.label, where) : t('{0} {1} disappeared ({2})', e.endpoint.podKind ?? '', e.endpoint.label, where);
}

function counts(d: WorldDiff): { widening: number; narrowing: number } {
  return { widening: d.changes.filter((c) => c.widening).length, narrowing: d.changes.filter((c) => !c.widening).length };
}

export function diffSummaryLine(d: WorldDiff): string {
  if (d.changes.length === 0) return t('No change in allowed connections.');
  const { widening, narrowing } = counts(d);
  return d.changes.length === 1
    ? t('1 pair changed: {0} widening, {1} only narrowing.', widening, narrowing)
    : t('{0} pairs changed: {1} widening, {2} only narrowing.', d.changes.length, widening, narrowing);
}

export function renderDiffText(d: WorldDiff, locate: DiffLocate = {}): string {
  const out: string[] = [diffSummaryLine(d)];
  for (const c of d.changes) {
    out.push('');
    out.push(`${c.widening ? '+' : '-'} ${changeWord(c)}: ${escapeControls(c.from.label)} -> ${escapeControls(c.to.label)}${c.widening && c.narrowing ? ` (${t('widening and narrowing')})` : ''}`);
    out.push(`    ${t('before:')} ${fmtConn(c.before)}`);
    out.push(`    ${t('after:')}  ${fmtConn(c.after)}`);
    if (c.widening && !connIsEmpty(c.before)) out.push(`    ${t('gained:')} ${fmtConn(c.gained)}`);
    if (c.narrowing && !connIsEmpty(c.after)) out.push(`    ${t('lost:')}   ${fmtConn(c.lost)}`);
    for (const r of c.reasons) out.push(`    ${t('why:')} ${escapeControls(reasonText(r, locate))}`);
  }
  if (d.endpoints.length) {
    out.push('');
    out.push(t('Pods and workloads in one version only (their connections are not counted above):'));
    for (const e of d.endpoints) out.push(`  ${escapeControls(endpointLine(e, locate))}`);
  }
  return out.join('\n') + '\n';
}

/** A Markdown table fit for a pull-request comment: widening changes first, then narrowing. */
export function renderDiffMarkdown(d: WorldDiff, locate: DiffLocate = {}, title = t('NetworkPolicy semantic diff')): string {
  const out: string[] = [`### ${escapeMarkdownCell(title)}`, '', escapeMarkdownCell(diffSummaryLine(d))];
  const section = (heading: string, list: readonly PairChange[]) => {
    if (list.length === 0) return;
    out.push('', `#### ${heading}`, '', `| ${t('change')} | ${t('from')} | ${t('to')} | ${t('before')} | ${t('after')} | ${t('why')} |`, '| --- | --- | --- | --- | --- | --- |');
    for (const c of list) {
      const why = c.reasons.map((r) => escapeMarkdownCell(reasonText(r, locate))).join('<br>');
      out.push(`| ${changeWord(c)} | ${escapeMarkdownCell(c.from.label)} | ${escapeMarkdownCell(c.to.label)} | ${escapeMarkdownCell(fmtConn(c.before))} | ${escapeMarkdownCell(fmtConn(c.after))} | ${why} |`);
    }
  };
  section(t('Widening (allowed now, not before)'), d.changes.filter((c) => c.widening));
  section(t('Narrowing (allowed before, not now)'), d.changes.filter((c) => !c.widening));
  if (d.endpoints.length) {
    out.push('', `#### ${t('Pods and workloads in one version only')}`, '');
    for (const e of d.endpoints) out.push(`- ${escapeMarkdownCell(endpointLine(e, locate))}`);
  }
  return out.join('\n') + '\n';
}

function connJson(c: ConnSet) {
  return { allowed: connToJson(c) };
}

function reasonJson(r: DiffReason, locate: DiffLocate) {
  const line = (r.side === 'before' ? locate.before : locate.after)?.(r.policy.file, r.offset);
  return {
    side: r.side,
    direction: r.direction,
    role: r.role,
    policy: `${r.policy.namespace}/${r.policy.name}`,
    ...(r.rule ? { rule: r.rule } : {}),
    file: r.policy.file,
    ...(line !== undefined ? { line } : {}),
    ...(r.ports ? { ports: connToJson(r.ports) } : {}),
    ...(r.endpoint ? { endpoint: r.endpoint.id } : {}),
  };
}

/**
 * `[{from, to, change, before, after, reasons}]` (plus `fromKind`/`toKind`, the range's CIDRs for
 * `ip:` ends, `widening`, `narrowing`), then `{endpoint, kind, change: "appeared"|"disappeared"}`.
 */
export function diffJson(d: WorldDiff, locate: DiffLocate = {}): object[] {
  const side = (e: PairChange['from'], key: 'from' | 'to') => ({
    [key]: e.id,
    ...(e.podKind ? { [`${key}Kind`]: e.podKind } : {}),
    ...(e.cidrs ? { [`${key}Cidrs`]: e.cidrs, [`${key}Label`]: e.label } : {}),
  });
  return [
    ...d.changes.map((c) => ({
      ...side(c.from, 'from'),
      ...side(c.to, 'to'),
      change: c.change,
      widening: c.widening,
      narrowing: c.narrowing,
      before: connJson(c.before),
      after: connJson(c.after),
      reasons: c.reasons.map((r) => reasonJson(r, locate)),
    })),
    ...d.endpoints.map((e) => {
      const line = (e.change === 'appeared' ? locate.after : locate.before)?.(e.source.file, e.source.span.start);
      return { endpoint: e.endpoint.id, kind: e.endpoint.podKind, change: e.change, file: e.source.file, ...(line !== undefined ? { line } : {}) };
    }),
  ];
}

/** SARIF 2.1.0: one result per changed pair (widening: warning, narrowing: note), at its first reason. */
export function diffSarif(d: WorldDiff, locate: DiffLocate, toUri: (file: string) => string, version: string): object {
  const rules = [
    { id: 'netpol-diff/widening', name: 'widening', shortDescription: { text: 'A change allows connections that were blocked' }, defaultConfiguration: { level: 'warning' } },
    { id: 'netpol-diff/narrowing', name: 'narrowing', shortDescription: { text: 'A change blocks connections that were allowed' }, defaultConfiguration: { level: 'note' } },
  ];
  const results = d.changes.map((c) => {
    const r = c.reasons.find((x) => x.side === 'after') ?? c.reasons[0];
    const line = r ? (r.side === 'before' ? locate.before : locate.after)?.(r.policy.file, r.offset) : undefined;
    const message = `${changeWord(c)}: ${escapeControls(c.from.label)} -> ${escapeControls(c.to.label)}: ${fmtConn(c.before)} => ${fmtConn(c.after)}${c.reasons.length ? `. ${c.reasons.map((x) => escapeControls(reasonText(x, locate))).join('; ')}` : ''}`;
    return {
      ruleId: c.widening ? rules[0].id : rules[1].id,
      ruleIndex: c.widening ? 0 : 1,
      level: c.widening ? 'warning' : 'note',
      message: { text: message },
      ...(r
        ? { locations: [{ physicalLocation: { artifactLocation: { uri: toUri(r.policy.file), uriBaseId: '%SRCROOT%' }, ...(line !== undefined ? { region: { startLine: line } } : {}) } }] }
        : {}),
      properties: { from: c.from.id, to: c.to.id, change: c.change, before: connToJson(c.before), after: connToJson(c.after) },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'netpol-lens diff', semanticVersion: version, version, rules } }, results }],
  };
}

/** The code lens title: `vs HEAD: +2 connections allowed, −1 blocked`. */
export function policyLensTitle(base: string, s: PolicyDiffSummary): string {
  if (s.gained === 0 && s.lost === 0) return t('vs {0}: no change in allowed connections', base);
  return t('vs {0}: +{1} connections allowed, −{2} blocked', base, s.gained, s.lost);
}

/** The hover block for a changed policy: the widening changes first, at most `max` lines. */
export function policyDiffMarkdown(base: string, s: PolicyDiffSummary, max = 8): string {
  const lines = [`**${escapeMarkdownCell(policyLensTitle(base, s))}**`];
  const sorted = [...s.changes].sort((a, b) => Number(b.widening) - Number(a.widening));
  for (const c of sorted.slice(0, max)) {
    lines.push(`- ${c.widening ? '⚠ ' : ''}${changeWord(c)}: ${escapeMarkdownCell(c.from.label)} → ${escapeMarkdownCell(c.to.label)}: ${escapeMarkdownCell(fmtConn(c.before))} ⇒ ${escapeMarkdownCell(fmtConn(c.after))}`);
  }
  if (sorted.length > max) lines.push(`- ${t('… and {0} more', sorted.length - max)}`);
  return lines.join('\n');
}
