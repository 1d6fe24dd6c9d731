/**
 * The core's public API. Pure: no editor, no LSP, no file system, no timers, no global state.
 * Text in, plain data out; offsets are UTF-16 indexes into the text.
 */
export { t, setLocale, getLocale, normalizeLocale, missingTranslations, clearMissingTranslations } from './l10n';
export { analyzeText, analyzeDocuments } from './analyze';
export type { Analysis, AnalyzedPolicy, Diagnostic, Settings, SeveritySetting } from './analyze';
export { RULES, ruleByCode } from './rules/catalog';
export type { Fix, RuleMeta, Severity, TextEdit } from './rules/rule';
export { LineIndex } from './text';
export type { Position, Span } from './text';
export { parseYamlStream } from './syntax/tree';
export { loadWorkspace, buildWorkspace, analyzeFile, resolveEndpoint, resolvePort, endpointName } from './workspace';
export type { Workspace, WorkspaceFile, FileAnalysis, EndpointResult } from './workspace';
export { evaluate, buildWorld, policiesSelecting, peerMatches, portEntryMatches, namespaceLabels } from './semantics/evaluate';
export type { World, Endpoint, Traffic, Verdict, DirectionVerdict, RuleMatch } from './semantics/evaluate';
export type { CompiledPolicy, CompiledRule, CompiledPeer, CompiledPort, PolicyRef, RejectedPolicy } from './semantics/compile';
export type { PodInfo, NamespaceInfo, Inventory, ContainerPort } from './model/inventory';
export { matchesSelector, formatSelector } from './semantics/selector';
export { parseCidr, formatCidr, addressCount } from './semantics/cidr';
export { getHover } from './ide/hover';
export { listPolicies, sortPolicies, effectivePolicyTypes, renderPolicyTable, describePolicy, describePolicies, findPolicies, describeByPrefix } from './ide/describe';
export type { PolicyEntry } from './ide/describe';
export { explainTraffic, renderTrafficText, computeMatrix, renderMatrixText, renderMatrixMarkdown, matrixJson, sortPods, podTitle, describePeer, describePort } from './ide/matrix';
export type { TrafficExplanation, DirectionExplanation, AllowedBy, PolicyLocation, ReachabilityMatrix } from './ide/matrix';
export { buildPlan, renderPlanText, EXPECT_CONNECTS, EXPECT_TIMES_OUT } from './ide/plan';
export type { VerificationPlan, PlanSection, PlanCheck, CheckKind } from './ide/plan';
export { alignTabs, escapeTerminal, DESCRIBE_TABS, TABLE_TABS } from './ide/tabwriter';
export type { TabOptions } from './ide/tabwriter';
export { lineLocator } from './ide/provenance';
export type { Locate } from './ide/provenance';
export { analyzeIncremental, newChunkCache, documentStarts } from './incremental';
export type { ChunkCache } from './incremental';
export { TEMPLATES, templateById, renderTemplate, renderTemplateSnippet, templateChoicesFromWorld, SEED_STYLE, EXTERNAL_API_COMMENT } from './ide/templates';
export type { TemplateId, TemplateInfo, TemplateChoices, YamlStyle } from './ide/templates';
export { insertDocument, insertTemplate, documentRegions, detectYamlStyle, detectEol, snippetSite } from './ide/insert';
export type { Insertion, DocumentRegion, SnippetSite } from './ide/insert';
export { workspaceDiagnostics, withWorkspaceDiagnostics } from './workspaceRules';
export type { WorkspaceDiagnosticsOptions } from './workspaceRules';
export { parseSuppressions, applySuppressions } from './suppress';
export type { Suppressions } from './suppress';
export { completeAt, yamlString } from './ide/complete';
export type { CompletionEntry, CompletionEntryKind, CompleteOptions } from './ide/complete';
export { diffWorlds, policyDiffSummary, changedPolicies, policySignature, canonicalJson } from './ide/diff';
export type { WorldDiff, PairChange, DiffReason, DiffEndpoint, EndpointChange, ChangeKind, PolicyDiffSummary, PolicyChange, DiffOptions } from './ide/diff';
export { renderDiffText, renderDiffMarkdown, diffJson, diffSarif, diffSummaryLine, policyLensTitle, policyDiffMarkdown, reasonText, fmtConn } from './ide/diffRender';
export type { DiffLocate } from './ide/diffRender';
export { connToJson, formatConn, connOf, connEquals, connIsEmpty } from './semantics/connset';
export type { ConnSet, PortRange } from './semantics/connset';
