/**
 * Parses a YAML stream into a small, immutable tree that the rest of the core reads: maps,
 * sequences and scalars resolved as Kubernetes resolves them, each with its source span.
 * Aliases are followed (with a budget, so alias bombs stop early), merge keys (`<<`) are
 * applied, and every YAML error becomes a plain record. Never throws on user input.
 */
import type * as YamlLib from 'yaml';
import type { Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Alias } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { Span, span } from '../text';
import { ScalarValue, keyString, resolvePlain, resolveTagged } from './scalar';
import type { YDocument, YEntry, YMap, YNode, YScalar, YamlProblem } from './nodes';
import { fastParseStream } from './fast';
import { t } from '../l10n';

export type { YScalar, YEntry, YMap, YSeq, YNode, YamlProblem, YDocument } from './nodes';

let yamlLib: typeof YamlLib | undefined;
/**
 * The `yaml` package, loaded on first use: the fast path (fast.ts) reads most files without it,
 * and a command that never needs it does not pay for loading it at start.
 */
function yaml(): typeof YamlLib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (yamlLib ??= require('yaml') as typeof YamlLib);
}
export { getEntry, scalarString } from './nodes';

export interface ParseLimits {
  /** Nodes that alias expansions in one document may add (billion-laughs guard). */
  readonly maxAliasNodes: number;
  /**
   * Nodes that alias expansions in all documents of one file may add together: a reader pays the
   * sum, so many documents each just under the per-document budget must stop too.
   */
  readonly maxAliasNodesPerFile: number;
  /** Nesting depth one document may reach. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: ParseLimits = { maxAliasNodes: 100_000, maxAliasNodesPerFile: 1_000_000, maxDepth: 256 };

/**
 * Nodes that alias expansions in all the files of one CLI run, or of the language server's
 * workspace scan, may add together. A reader pays the sum, so many files each just under the
 * per-file budget must stop too. Real repositories spend nothing near it: the bundled examples and
 * the bench workspace spend 0 (README, Security).
 */
export const MAX_RUN_ALIAS_NODES = 3_000_000;

/**
 * The alias budget shared by every file of one run (the CLI) or one workspace (the server's scan).
 * The caller owns it and passes the same object for each file: the core keeps no state of its own.
 */
export interface AliasBudget {
  /** Alias nodes expanded so far, all files together (never more than `limit`). */
  spent: number;
  readonly limit: number;
  /** The file being read now (set by the caller or by `analyzeFile`), named when the budget runs out. */
  current?: string;
  /** The file in which the budget ran out. */
  ranOutIn?: string;
}

export function newAliasBudget(limit: number = MAX_RUN_ALIAS_NODES): AliasBudget {
  return { spent: 0, limit };
}

/** One line for a log or stderr once the budget has run out (undefined while it has not): the file where it did. */
export function aliasBudgetSpentLine(run: AliasBudget): string | undefined {
  if (run.ranOutIn === undefined) return undefined;
  return t('aliases expand to more than {0} nodes in all the files read: the budget ran out in {1}; documents that use aliases there and in later files were not analysed', run.limit, run.ranOutIn);
}

/** Alias nodes expanded so far in one file (shared by its documents' budgets), and the run's budget. */
interface FileBudget {
  aliasNodes: number;
  readonly run?: AliasBudget;
}

class Budget {
  aliasNodes = 0;
  /** Each alias's target: the last node before it with that anchor (found in one pass, on first use). */
  targets: Map<Alias, unknown> | undefined;
  /** How many alias expansions enclose the node being converted. */
  inAlias = 0;
  exceeded: YamlProblem | undefined;
  /** Aliases naming no anchor (go-yaml: "unknown anchor 'x' referenced"). */
  readonly unknownAliases: YamlProblem[] = [];
  constructor(readonly limits: ParseLimits, readonly file: FileBudget = { aliasNodes: 0 }) {}
}

/** NP003's words when the run's budget is spent: in the file where it ran out, and in later files (naming that file). */
function runOutMessage(run: AliasBudget): string {
  run.ranOutIn ??= run.current ?? '';
  if (run.ranOutIn === (run.current ?? '')) {
    return t('aliases in all the files read expand to more than {0} nodes (the budget of one run or workspace); this and later documents that use aliases are not read', run.limit);
  }
  return t('aliases in all the files read expand to more than {0} nodes (the budget of one run or workspace, spent by {1}); documents that use aliases are not read', run.limit, run.ranOutIn);
}

/** Every alias's target in one pass over the document (the `yaml` package's resolve() walks the whole document per alias). */
function aliasTargets(doc: Document): Map<Alias, unknown> {
  const anchors = new Map<string, unknown>();
  const targets = new Map<Alias, unknown>();
  yaml().visit(doc, {
    Node(_key, node) {
      if (yaml().isAlias(node)) targets.set(node, anchors.get(node.source));
      else if ((node as { anchor?: string }).anchor) anchors.set((node as { anchor: string }).anchor, node);
    },
  });
  return targets;
}

function rangeSpan(node: { range?: [number, number, number] | null }, fallback: Span): Span {
  const r = node.range;
  return r ? span(r[0], r[1]) : fallback;
}

function convertScalar(node: Scalar, fallback: Span): YScalar {
  const sp = rangeSpan(node, fallback);
  const text = typeof node.value === 'string' ? node.value : String(node.value ?? '');
  const t = node.type;
  const style = t === 'QUOTE_DOUBLE' || t === 'QUOTE_SINGLE' ? 'quoted' : t === 'BLOCK_FOLDED' || t === 'BLOCK_LITERAL' ? 'block' : 'plain';
  let value: ScalarValue;
  if (node.tag && node.tag !== '!') value = resolveTagged(node.tag, text);
  else if (style === 'plain' && node.tag !== '!') value = resolvePlain(text);
  else value = { type: 'string', value: text };
  return { kind: 'scalar', span: sp, value, text, style };
}

function convert(node: unknown, doc: Document, budget: Budget, depth: number, fallback: Span, seen: Set<unknown>): YNode | undefined {
  if (budget.exceeded) return undefined;
  if (budget.inAlias > 0 && ++budget.aliasNodes > budget.limits.maxAliasNodes) {
    budget.exceeded = {
      kind: 'too-complex',
      message: `aliases in this document expand to more than ${budget.limits.maxAliasNodes} nodes (an alias bomb?); Kubernetes rejects such documents as excessive aliasing`,
      span: fallback,
    };
    return undefined;
  }
  if (budget.inAlias > 0 && ++budget.file.aliasNodes > budget.limits.maxAliasNodesPerFile) {
    budget.exceeded = {
      kind: 'too-complex',
      message: `aliases in this file expand to more than ${budget.limits.maxAliasNodesPerFile} nodes in all (an alias bomb spread over documents?); this and later documents that use aliases are not read`,
      span: fallback,
    };
    return undefined;
  }
  if (budget.inAlias > 0 && budget.file.run) {
    const run = budget.file.run;
    if (run.spent >= run.limit) {
      budget.exceeded = { kind: 'too-complex', message: runOutMessage(run), span: fallback };
      return undefined;
    }
    run.spent++;
  }
  if (depth > budget.limits.maxDepth) {
    budget.exceeded = { kind: 'too-complex', message: `the document nests deeper than ${budget.limits.maxDepth} levels`, span: fallback };
    return undefined;
  }
  if (node === null || node === undefined) return undefined;
  if (yaml().isAlias(node)) {
    budget.targets ??= aliasTargets(doc);
    const target = budget.targets.get(node) as ReturnType<Alias['resolve']>;
    const sp = rangeSpan(node as { range?: [number, number, number] }, fallback);
    if (!target) {
      budget.unknownAliases.push({ kind: 'syntax', message: `unknown anchor '${node.source}' referenced`, span: sp });
      return undefined;
    }
    if (seen.has(target)) return undefined;
    seen.add(target);
    budget.inAlias++;
    const r = convert(target, doc, budget, depth + 1, sp, seen);
    budget.inAlias--;
    seen.delete(target);
    return r;
  }
  if (yaml().isScalar(node)) return convertScalar(node, fallback);
  if (yaml().isMap(node)) return convertMap(node as YAMLMap, doc, budget, depth, fallback, seen);
  if (yaml().isSeq(node)) {
    const seq = node as YAMLSeq;
    const sp = rangeSpan(seq, fallback);
    const items: YNode[] = [];
    for (const item of seq.items) {
      const c = convert(item, doc, budget, depth + 1, sp, seen);
      if (c) items.push(c);
      else if (!budget.exceeded) items.push({ kind: 'scalar', span: span(sp.start, sp.start), value: { type: 'null' }, text: '', style: 'plain' });
    }
    return { kind: 'seq', span: sp, items, flow: !!seq.flow };
  }
  return undefined;
}

function convertMap(map: YAMLMap, doc: Document, budget: Budget, depth: number, fallback: Span, seen: Set<unknown>): YMap {
  const sp = rangeSpan(map, fallback);
  const entries: YEntry[] = [];
  const merged: YEntry[] = [];
  for (const pair of map.items) {
    if (!yaml().isPair(pair)) continue;
    const k = pair.key as YamlNode | null;
    let keyNode: YScalar | undefined;
    let key: string;
    let keySpan: Span;
    if (k && yaml().isScalar(k)) {
      keyNode = convertScalar(k, sp);
      keySpan = keyNode.span;
      key = keyString(keyNode.value);
      if (keyNode.style === 'plain' && keyNode.text === '<<') {
        // go-yaml v2 merge key: the mapping(s) it names supply keys this map does not have.
        const v = convert(pair.value, doc, budget, depth + 1, keySpan, seen);
        const sources = v?.kind === 'map' ? [v] : v?.kind === 'seq' ? v.items.filter((i): i is YMap => i.kind === 'map') : [];
        for (const src of sources) merged.push(...src.entries);
        continue;
      }
    } else if (k) {
      keySpan = rangeSpan(k as { range?: [number, number, number] }, sp);
      key = '[complex key]';
    } else {
      keySpan = span(sp.start, sp.start);
      key = 'null';
    }
    const value = pair.value === null || pair.value === undefined ? undefined : convert(pair.value, doc, budget, depth + 1, keySpan, seen);
    entries.push({ key, keyNode, keySpan, value });
  }
  if (merged.length) {
    const own = new Set(entries.map((e) => e.key));
    for (const e of merged) if (!own.has(e.key)) {
      own.add(e.key);
      entries.push(e);
    }
  }
  return { kind: 'map', span: sp, entries, flow: !!map.flow };
}

function problemFromError(e: { code: string; message: string; pos: [number, number] }, textLength: number): YamlProblem {
  const start = Math.min(e.pos[0], textLength);
  const end = Math.min(Math.max(e.pos[1], start), textLength);
  if (/call stack/i.test(e.message)) return { kind: 'too-complex', message: 'the document nests too deeply to be read', span: span(start, end) };
  return { kind: e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'syntax', message: e.message, span: span(start, end) };
}

/**
 * Parses every document of a YAML stream: plain block YAML through the fast reader (fast.ts),
 * everything else, and everything the fast reader is unsure of, through the `yaml` package.
 */
export function parseYamlStream(text: string, limits: ParseLimits = DEFAULT_LIMITS, run?: AliasBudget): YDocument[] {
  return fastParseStream(text) ?? parseYamlStreamGeneral(text, limits, run);
}

/**
 * Parses every document of a YAML stream with the `yaml` package's Parser and Composer. `run`, if
 * given, is the alias budget this file shares with the other files of one run or workspace.
 */
export function parseYamlStreamGeneral(text: string, limits: ParseLimits = DEFAULT_LIMITS, run?: AliasBudget): YDocument[] {
  const out: YDocument[] = [];
  try {
    const parser = new (yaml().Parser)();
    const composer = new (yaml().Composer)({ schema: 'failsafe', prettyErrors: false, uniqueKeys: true, strict: false });
    const fileBudget: FileBudget = { aliasNodes: 0, run };
    for (const doc of composer.compose(parser.parse(text), true, text.length)) {
      const range = (doc as unknown as { range: [number, number, number] }).range;
      const docSpan = span(range[0], range[2] ?? range[1]);
      const problems: YamlProblem[] = doc.errors.map((e) => problemFromError(e as never, text.length));
      const budget = new Budget(limits, fileBudget);
      let root: YNode | undefined;
      try {
        root = convert(doc.contents, doc as Document, budget, 0, docSpan, new Set());
      } catch (err) {
        problems.push({ kind: 'too-complex', message: `the document could not be read: ${(err as Error).message}`, span: docSpan });
      }
      if (budget.exceeded) problems.push(budget.exceeded);
      problems.push(...budget.unknownAliases);
      const truncated = !!budget.exceeded || problems.some((p) => p.kind === 'too-complex');
      out.push({ span: docSpan, root, problems, truncated });
    }
  } catch (err) {
    // The yaml package recovers from almost everything; a stack overflow on absurd nesting is the exception.
    out.length = 0;
    out.push({ span: span(0, text.length), root: undefined, problems: [{ kind: 'too-complex', message: `the YAML could not be parsed: ${(err as Error).message}`, span: span(0, Math.min(text.length, 1)) }], truncated: true });
  }
  return out;
}
