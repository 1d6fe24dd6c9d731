/**
 * The core's public API. Pure: no editor, no LSP, no file system, no timers, no global state.
 * Text in, plain data out; offsets are UTF-16 indexes into the text.
 */
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
