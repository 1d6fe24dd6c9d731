/**
 * The reachability model: the plain JSON the language server computes for the reachability view
 * (webview), and the CLI for `matrix --format dot|mermaid|html`. The webview only draws this; it
 * computes no verdict of its own.
 *
 * Requests (server/src/lsp):
 *   `netpolLens/reachability`  params ReachabilityParams  → ReachabilityWire (version 2: the
 *                              ReachabilityModel with packed edges; `decodeReachability` in
 *                              ide/reach/wire.ts gives the object form back)
 *   `netpolLens/explainEdge`   params ExplainEdgeParams   → EdgeExplanation
 */
import type { Protocol } from '../semantics/connset';

/** Where something is written: a file (a URI in the editor, a path on the command line) and a 1-based line. */
export interface SourceLink {
  readonly file: string;
  readonly line: number;
  /** Column (1-based) where known. */
  readonly column?: number;
}

export interface PolicyLink extends SourceLink {
  /** `namespace/name` of the policy. */
  readonly policy: string;
}

export interface ReachNode {
  /** Stable across edits while the thing it stands for exists: `pod:ns/name`, `group:ns/first-member`, `ip:CIDR`. */
  readonly id: string;
  readonly kind: 'pods' | 'external';
  /** Pods' namespace; undefined for an external range. */
  readonly namespace?: string;
  /** Short label: `backend`, `backend (Deployment)`, `web +2` for a group; the range for an external node. */
  readonly label: string;
  /** `ns/name` of every pod or workload the node stands for (several when indistinguishable). */
  readonly members: readonly string[];
  /** Where each member is written (same order as members); external nodes: none. */
  readonly sources: readonly SourceLink[];
  /** Isolated for ingress / egress, and by which policies. */
  readonly isolation: { readonly ingress: readonly PolicyLink[]; readonly egress: readonly PolicyLink[] };
  /** External nodes: the CIDRs of the range; whether no ipBlock names it (the rest of the address space). */
  readonly cidrs?: readonly string[];
  readonly unmatched?: boolean;
  /** Pods isolated for egress: whether DNS (UDP 53 to kube-dns) is still allowed; undefined when egress is not isolated. */
  readonly dns?: 'allowed' | 'blocked' | 'unknown';
  /** kube-dns itself (a pod of kube-system labelled k8s-app=kube-dns). */
  readonly isDns?: boolean;
}

export interface PortSpan {
  readonly protocol: Protocol;
  /** Inclusive ranges; `[[1, 65535]]` every port. */
  readonly ports: readonly (readonly [number, number])[];
}

export interface ReachEdge {
  /** `from->to` of node ids. */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** What is allowed from `from` to `to` (never empty: no edge when nothing is). */
  readonly allowed: readonly PortSpan[];
  /** Text of `allowed`: `TCP 80,8080-8090; UDP 53` or the localized "all ports". */
  readonly label: string;
  /** Every port of every protocol. */
  readonly all: boolean;
}

export interface ReachNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Ids of the namespace's nodes. */
  readonly nodes: readonly string[];
}

export interface ReachabilityModel {
  readonly namespaces: readonly ReachNamespace[];
  readonly nodes: readonly ReachNode[];
  readonly edges: readonly ReachEdge[];
  /** Policies the API server would reject (not applied), with where they are. */
  readonly notApplied: readonly (PolicyLink & { readonly reason: string })[];
  readonly caveats: readonly string[];
  readonly stats: { readonly pods: number; readonly policies: number; readonly nodes: number; readonly edges: number; readonly ms: number };
  /** The UI strings the view needs, in the server's locale (the webview has no translation of its own). */
  readonly strings: Readonly<Record<string, string>>;
  /**
   * Namespaces asked for but left out whole (no node, no edge) because the edges would pass
   * `ReachabilityParams.maxEdges`; absent when nothing was left out. A caveat says so too.
   */
  readonly omittedNamespaces?: readonly string[];
  /**
   * Every namespace of the workspace with pods or workloads (in name order), whether shown, left
   * out, or not asked for: what the view's namespace picker offers.
   */
  readonly allNamespaces?: readonly string[];
}

/** The version of the wire form below (`netpolLens/reachability` answered the object form, without `version`, before it). */
export const REACH_WIRE_VERSION = 2;

/** A distinct set of allowed connections, as edges carry it. */
export type ReachConn = Pick<ReachEdge, 'allowed' | 'label' | 'all'>;

/**
 * The model as it travels (the LSP answer, the webview message, the HTML page's data block): as
 * ReachabilityModel, but each edge is three numbers in `edges`, `[fromNode, toNode, conn, …]`:
 * indexes into `nodes` and `conns`. The edge's id is `nodes[from].id + '->' + nodes[to].id`.
 * Edges keep the model's order.
 */
export interface ReachabilityWire extends Omit<ReachabilityModel, 'edges'> {
  readonly version: typeof REACH_WIRE_VERSION;
  readonly conns: readonly ReachConn[];
  readonly edges: readonly number[];
}

export interface ReachabilityParams {
  /** Include nodes and edges of these namespaces only (all when absent). */
  readonly namespaces?: readonly string[];
  /**
   * At most about this many edges: whole namespaces (in name order) are left out once the next
   * would pass it (listed in `omittedNamespaces`); the first namespace is always kept. Absent: no limit.
   */
  readonly maxEdges?: number;
}

export interface ExplainEdgeParams {
  /** Node ids (for a group, its first member is explained and the others named). */
  readonly from: string;
  readonly to: string;
  /** A port and protocol to explain; absent: the first allowed port of the edge, else 80/TCP. */
  readonly port?: number;
  readonly protocol?: Protocol;
}

export interface EdgeExplanation {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  /** What every port of the pair allows (as in ReachEdge.label; the localized "none" when nothing). */
  readonly connections: string;
  /** The `netpol-lens traffic` explanation, as text lines. */
  readonly lines: readonly string[];
  /** The policies and rules the explanation cites, to open in the editor. */
  readonly links: readonly (PolicyLink & { readonly label: string })[];
}
