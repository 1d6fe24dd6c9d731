/**
 * The editor's semantic diff: each open file is compared with a baseline text — the version in git
 * (HEAD) that the VS Code client reads through the built-in Git extension and sends with the
 * `netpolLens/baseline` notification, or else the text the file had when it was opened (any LSP
 * client, no help needed). The server runs nothing: the diff is the pure core over two worlds,
 * the workspace as it is and the same workspace with the baseline text in place of the file.
 *
 * Code lens on each changed policy: `vs HEAD: +2 connections allowed, −1 blocked` (pairs that
 * gained / lost connections with the policy among the reasons, see policyDiffSummary); a lens at
 * the top of the file for policies the file no longer has. `netpolLens/diff` renders the detail
 * (Markdown or text) for the client's read-only preview; `hoverBlock` is prepended to the hover.
 * A large diff (many pods or policies, or a slow last one) is computed once typing pauses, never
 * inside a hover or lens request; the baseline's analysis is kept for the baseline's lifetime.
 */
import type { CodeLens, Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyzeFile,
  buildWorkspace,
  changedPolicies,
  diffWorlds,
  lineLocator,
  policyDiffMarkdown,
  policyDiffSummary,
  policyLensTitle,
  renderDiffMarkdown,
  renderDiffText,
  t,
} from '../core';
import type { FileAnalysis, PolicyChange, PolicyDiffSummary, Workspace, WorldDiff } from '../core';
import { toRange } from './convert';
import { runSafe } from './runSafe';

export interface BaselineParams {
  readonly uri: string;
  /** The baseline text; null: the client has none (no git): keep the text at open. */
  readonly text: string | null;
  /** What the baseline is, for people (`HEAD`). */
  readonly label?: string;
}

interface Baseline {
  readonly text: string;
  readonly label?: string;
  readonly fromClient: boolean;
}

interface Computed {
  readonly generation: number;
  readonly baseline: Baseline;
  readonly diff: WorldDiff;
  readonly policies: readonly PolicyChange[];
  readonly before: Workspace;
  readonly after: Workspace;
  readonly baseText: string;
}

export interface SemanticDiffDeps {
  readonly documents: TextDocuments<TextDocument>;
  /** The workspace with the open document's latest text (undefined when it cannot be analysed). */
  readonly workspace: (uri: string) => Workspace | undefined;
  readonly generation: () => number;
  readonly enabled: () => boolean;
}

export const DIFF_COMMAND = 'netpolLens.showDiff';
/**
 * Workspaces with more pods or policies than this compute the diff after a pause, not inside the
 * request; so does a file whose last diff took longer than SYNC_MS.
 */
const SYNC_PODS = 300;
const SYNC_POLICIES = 200;
const SYNC_MS = 50;
const DEFER_MS = 400;

export function startSemanticDiff(connection: Connection, deps: SemanticDiffDeps) {
  const baselines = new Map<string, Baseline>();
  const cache = new Map<string, Computed>();
  /** The baseline text's own analysis (it never changes for one baseline object). */
  const baselineAnalyses = new WeakMap<Baseline, FileAnalysis>();
  /** How long the last diff of each file took, ms. */
  const lastCost = new Map<string, number>();

  const label = (b: Baseline): string => b.label ?? t('the file as opened');

  connection.onNotification('netpolLens/baseline', (p: BaselineParams) => {
    if (!p || typeof p.uri !== 'string') return;
    if (typeof p.text === 'string') baselines.set(p.uri, { text: p.text, label: typeof p.label === 'string' ? p.label : undefined, fromClient: true });
    else if (!baselines.has(p.uri)) {
      const doc = deps.documents.get(p.uri);
      if (doc) baselines.set(p.uri, { text: doc.getText(), fromClient: false });
    }
    cache.delete(p.uri);
    void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  });

  deps.documents.onDidOpen((e) => {
    // The text at open, unless the client already told us its baseline.
    if (!baselines.get(e.document.uri)?.fromClient) baselines.set(e.document.uri, { text: e.document.getText(), fromClient: false });
  });
  deps.documents.onDidClose((e) => {
    baselines.delete(e.document.uri);
    cache.delete(e.document.uri);
    const p = pending.get(e.document.uri);
    if (p) clearTimeout(p.timer);
    pending.delete(e.document.uri);
  });

  const pending = new Map<string, { generation: number; timer: ReturnType<typeof setTimeout> }>();

  /**
   * The diff for the document's current text. In a large workspace (a diff there can take a
   * second) lenses and hovers do not wait for it: they get the last result while it is computed
   * once typing pauses, and the client is then asked to refresh its code lenses.
   */
  function compute(uri: string, mayDefer = false): Computed | undefined {
    const doc = deps.documents.get(uri);
    const baseline = baselines.get(uri);
    if (!doc || !baseline || !deps.enabled()) return undefined;
    if (baseline.text === doc.getText()) return undefined;
    const after = deps.workspace(uri);
    if (!after) return undefined;
    const generation = deps.generation();
    const hit = cache.get(uri);
    if (hit && hit.generation === generation && hit.baseline === baseline) return hit;
    const large = after.world.pods.length > SYNC_PODS || after.world.policies.length + after.world.rejected.length > SYNC_POLICIES || (lastCost.get(uri) ?? 0) > SYNC_MS;
    if (mayDefer && large) {
      // One computation per workspace generation, DEFER_MS after the first request for it.
      const old = pending.get(uri);
      if (!old || old.generation !== generation) {
        if (old) clearTimeout(old.timer);
        const timer = setTimeout(() => {
          pending.delete(uri);
          runSafe(connection, 'semantic diff', undefined, undefined, () => compute(uri));
          void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
        }, DEFER_MS);
        pending.set(uri, { generation, timer });
      }
      return hit && hit.baseline === baseline ? hit : undefined;
    }
    const started = performance.now();
    const files = after.files.filter((f) => f.file !== uri);
    let base = baselineAnalyses.get(baseline);
    if (!base) baselineAnalyses.set(baseline, (base = analyzeFile({ file: uri, text: baseline.text })));
    const before = buildWorkspace([...files, base]);
    const diff = diffWorlds(before.world, after.world);
    const computed: Computed = { generation, baseline, diff, policies: changedPolicies(before.world, after.world, uri), before, after, baseText: baseline.text };
    cache.set(uri, computed);
    lastCost.set(uri, performance.now() - started);
    return computed;
  }

  const tooltip = (base: string): string =>
    t('Pairs (source → destination) whose allowed connections changed compared with {0}, with this policy among the reasons: one of its rules allows ports gained or lost, or it isolates a pod in one version only. +: pairs that gained connections; −: pairs that lost some. Click for the details.', base);

  /** The code lenses of changed policies (none when the file equals its baseline). */
  function codeLenses(doc: TextDocument): CodeLens[] {
    const c = compute(doc.uri, true);
    if (!c) return [];
    const out: CodeLens[] = [];
    const refs = [...c.after.world.policies.map((p) => p.ref), ...c.after.world.rejected.map((r) => r.ref)].filter((r) => r.file === doc.uri);
    const removed: PolicyChange[] = [];
    for (const pc of c.policies) {
      if (pc.change === 'removed') {
        removed.push(pc);
        continue;
      }
      const ref = refs.find((r) => r.namespace === pc.namespace && r.name === pc.name);
      if (!ref) continue;
      const s = policyDiffSummary(c.diff, pc.namespace, pc.name);
      out.push({
        range: toRange(doc, { start: ref.span.start, end: ref.span.start }),
        command: { title: policyLensTitle(label(c.baseline), s), tooltip: tooltip(label(c.baseline)), command: DIFF_COMMAND, arguments: [doc.uri, pc.namespace, pc.name] },
      });
    }
    if (removed.length) {
      const gained = new Set<string>();
      const lost = new Set<string>();
      for (const pc of removed) {
        const s = policyDiffSummary(c.diff, pc.namespace, pc.name);
        for (const x of s.changes) (x.widening ? gained : lost).add(`${x.from.id}>${x.to.id}`);
      }
      const names = removed.map((r) => `${r.namespace}/${r.name}`).join(', ');
      out.push({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        command: {
          title: t('vs {0}: removed {1}: +{2} connections allowed, −{3} blocked', label(c.baseline), names, gained.size, lost.size),
          tooltip: tooltip(label(c.baseline)),
          command: DIFF_COMMAND,
          arguments: [doc.uri],
        },
      });
    }
    return out;
  }

  function summaryAt(uri: string, offset: number, mayDefer: boolean): { c: Computed; s: PolicyDiffSummary } | undefined {
    const c = compute(uri, mayDefer);
    if (!c) return undefined;
    const ref = [...c.after.world.policies.map((p) => p.ref), ...c.after.world.rejected.map((r) => r.ref)].find((r) => r.file === uri && offset >= r.span.start && offset <= r.span.end);
    if (!ref || !c.policies.some((p) => p.namespace === ref.namespace && p.name === ref.name)) return undefined;
    return { c, s: policyDiffSummary(c.diff, ref.namespace, ref.name) };
  }

  /**
   * Markdown to put before the hover of a changed policy: the widening changes first. Only a diff
   * of the text as it is now: while a large one is being computed the hover goes without it (a
   * diff of an older text could name changes the file no longer has).
   */
  function hoverBlock(uri: string, offset: number): string | undefined {
    const hit = summaryAt(uri, offset, true);
    return hit && hit.c.generation === deps.generation() ? policyDiffMarkdown(label(hit.c.baseline), hit.s) : undefined;
  }

  /** The detail for the preview: the whole file's diff, or one policy's part of it. */
  function detail(uri: string, format: 'md' | 'text', namespace?: string, name?: string): string {
    const c = compute(uri);
    const baseline = baselines.get(uri);
    const title = t('{0} compared with {1}', uri, baseline ? label(baseline) : 'HEAD');
    if (!c) return format === 'md' ? `### ${title}\n\n${t('No change in allowed connections.')}\n` : `${title}\n${t('No change in allowed connections.')}\n`;
    let diff: WorldDiff = c.diff;
    if (namespace !== undefined && name !== undefined) diff = { ...c.diff, changes: policyDiffSummary(c.diff, namespace, name).changes, endpoints: c.diff.endpoints };
    const locate = { before: lineLocator([{ file: uri, text: c.baseText }]), after: lineLocator([{ file: uri, text: deps.documents.get(uri)?.getText() ?? '' }]) };
    return format === 'md' ? renderDiffMarkdown(diff, locate, title) : `${title}\n${renderDiffText(diff, locate)}`;
  }

  connection.onRequest('netpolLens/diff', (params: { uri: string; format?: string; namespace?: string; name?: string }, token) =>
    runSafe(connection, 'semantic diff', '', token, () => detail(params.uri, params.format === 'text' ? 'text' : 'md', params.namespace, params.name)),
  );

  return { codeLenses, hoverBlock, baselineOf: (uri: string) => baselines.get(uri) };
}
