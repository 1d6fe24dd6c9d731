/**
 * The shape every diagnostic rule has: catalog metadata plus a check that reads one policy
 * document (or one YAML document) and reports findings through the context. Workspace rules
 * (NP4xx) read one file's policies and inventory against the whole workspace instead.
 */
import type { Span } from '../text';
import type { AnalyzedPolicy, PolicyDocument } from '../model/analyzed';
import type { CompiledPolicy } from '../semantics/compile';
import type { World } from '../semantics/evaluate';
import type { Inventory, PodInfo } from '../model/inventory';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface RuleMeta {
  /** Stable code, never reused: NP0xx YAML, NP1xx structure, NP2xx API server validation, NP3xx likely mistakes, NP4xx workspace findings. */
  readonly code: string;
  /** Stable slug; also the rule's file name and the docs page's suffix. */
  readonly slug: string;
  readonly severity: Severity;
  /** One line: what the rule reports. */
  readonly title: string;
  /** Whether some findings carry a fix. */
  readonly fixable: boolean;
  /** Where it comes from: the API server function or the pitfall it mirrors. */
  readonly source: string;
}

export interface Finding {
  readonly span: Span;
  readonly message: string;
  /** The Kubernetes field path the API server reports, where there is one. */
  readonly path?: string;
  readonly fix?: Fix;
  /** Other fixes for the same finding, offered after `fix` (the preferred one). */
  readonly moreFixes?: readonly Fix[];
  /** This finding's severity when it differs from the rule's (NP401 is info without workloads). */
  readonly severity?: Severity;
  /** Other places that explain it (the policies deciding a failed assertion): file and span there. */
  readonly related?: readonly RelatedLocation[];
}

export interface RelatedLocation {
  readonly file: string;
  readonly span: Span;
  readonly message: string;
}

export type { PolicyDocument } from '../model/analyzed';

export interface RuleContext {
  readonly doc: PolicyDocument;
  readonly text: string;
  report(finding: Finding): void;
}

/** One policy of the file a workspace rule looks at. */
export interface FilePolicy {
  readonly analyzed: AnalyzedPolicy;
  /** The policy as the workspace's World holds it; undefined when the API server would reject it. */
  readonly compiled: CompiledPolicy | undefined;
}

/** Lookups over the World, built once per file's workspace pass so rules stay near-linear. */
export interface WorkspaceLookups {
  policiesIn(namespace: string): readonly CompiledPolicy[];
  podsIn(namespace: string): readonly PodInfo[];
  /** Whether some policy of the pod's namespace selects it and isolates that direction. */
  isolated(pod: PodInfo, direction: 'ingress' | 'egress'): boolean;
}

export interface WorkspaceRuleContext {
  readonly world: World;
  readonly lookups: WorkspaceLookups;
  /** The file whose findings are wanted (its policies and inventory are below). */
  readonly file: string;
  /** The file's text, when the caller has it: needed for quick fixes and the head of long spans. */
  readonly text: string | undefined;
  readonly policies: readonly FilePolicy[];
  readonly inventory: Inventory;
  /** Spans are offsets into the file (add a policy's `base` to its own spans). */
  report(finding: Finding): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  /**
   * 'yaml' rules run once per YAML document holding a policy; 'policy' rules once per policy
   * object (both from analyze.ts, through check); 'workspace' rules once per file against the
   * whole workspace (from workspaceRules.ts, through checkWorkspace; their check does nothing).
   */
  readonly scope: 'yaml' | 'policy' | 'workspace';
  check(ctx: RuleContext): void;
  checkWorkspace?(ctx: WorkspaceRuleContext): void;
}
