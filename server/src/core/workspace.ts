/**
 * A workspace: every YAML file's analysis plus the inventory, compiled into one World the
 * evaluator reads. Endpoints are named as `namespace/name` (a Pod, or a workload for the pods it
 * creates; without a namespace, "default") or `ip:ADDRESS` (an address outside the cluster, or a
 * pod's known IP).
 */
import { analyzeDocuments, Analysis, AnalysisPurpose, Settings } from './analyze';
import { AliasBudget, DEFAULT_LIMITS, newAliasBudget, parseYamlStream } from './syntax/tree';
import { extractInventory, Inventory, mergeInventories, PodInfo } from './model/inventory';
import { compileOnce, compilePolicies } from './semantics/compile';
import { buildWorld, Endpoint, World } from './semantics/evaluate';
import { parseIPSloppy } from './semantics/cidr';
import { t } from './l10n';

export interface WorkspaceFile {
  /** A path or URI naming the file; it is carried into provenance. */
  readonly file: string;
  readonly text: string;
}

export interface FileAnalysis {
  readonly file: string;
  readonly analysis: Analysis;
  readonly inventory: Inventory;
}

export interface Workspace {
  readonly files: readonly FileAnalysis[];
  readonly world: World;
}

/**
 * Analyses one file. `aliases`, if given, is the alias budget shared with the other files of the
 * run or workspace (the caller's object; this sets its `current` file): past it, NP003.
 * `purpose` `world`: only what decides the World (analyze.ts).
 */
export function analyzeFile(f: WorkspaceFile, settings: Settings = {}, aliases?: AliasBudget, purpose: AnalysisPurpose = 'diagnostics'): FileAnalysis {
  if (aliases) aliases.current = f.file;
  const docs = parseYamlStream(f.text, DEFAULT_LIMITS, aliases);
  return { file: f.file, analysis: analyzeDocuments(f.text, docs, settings, purpose), inventory: extractInventory(docs, f.file) };
}

/**
 * `buildWorkspace` in steps: the policies are compiled (memoised per policy object) `chunk` at a
 * time first, so the build at the end only assembles the World.
 */
export function* buildWorkspaceSteps(files: readonly FileAnalysis[], chunk = 100): Generator<void, Workspace, void> {
  let n = 0;
  for (const f of files) {
    for (const policy of f.analysis.policies) {
      compileOnce(policy, f.file);
      if (++n % chunk === 0) yield;
    }
  }
  return buildWorkspace(files);
}

export function buildWorkspace(files: readonly FileAnalysis[]): Workspace {
  const compiled = compilePolicies(files.flatMap((f) => f.analysis.policies.map((policy) => ({ policy, file: f.file }))));
  const world = buildWorld(mergeInventories(files.map((f) => f.inventory)), compiled);
  return { files, world };
}

/** Analyses every file, all under one alias budget (a fresh one unless given), and builds the World. */
export function loadWorkspace(files: readonly WorkspaceFile[], settings: Settings = {}, aliases: AliasBudget = newAliasBudget(), purpose: AnalysisPurpose = 'diagnostics'): Workspace {
  return buildWorkspace(files.map((f) => analyzeFile(f, settings, aliases, purpose)));
}

export { resolveEndpoint, endpointName, resolvePort } from './semantics/endpoints';
export type { EndpointResult } from './semantics/endpoints';
