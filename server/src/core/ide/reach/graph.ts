/**
 * The reachability model as graph source text: Graphviz DOT and a Mermaid flowchart. Namespaces
 * are clusters/subgraphs, external ranges nodes of their own, one edge per allowed pair labelled
 * with its ports. Every name and label goes through escape.ts, so a crafted pod or namespace name
 * cannot add nodes, edges or attributes.
 */
import type { ReachabilityModel, ReachNode } from '../reachModel';
import { dotString, mermaidLabel } from '../escape';

/** The DOT node name of a node: `ns/name` for pods (the id without its kind), `ip:CIDR` for a range. */
export function dotName(node: ReachNode): string {
  return node.kind === 'external' ? node.id : node.id.replace(/^(?:pod|group):/, '');
}

function tooltip(node: ReachNode): string {
  return node.kind === 'external' ? (node.cidrs ?? []).join(', ') : node.members.join(', ');
}

export function renderDot(model: ReachabilityModel): string {
  const out = ['digraph reachability {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const nodeLine = (n: ReachNode, indent: string) => {
    const attrs = [`label=${dotString(n.label)}`, `tooltip=${dotString(tooltip(n))}`];
    if (n.kind === 'external') attrs.push('shape=ellipse', n.unmatched ? 'style=dashed' : 'style=solid');
    if (n.dns === 'blocked') attrs.push('color=red');
    return `${indent}${dotString(dotName(n))} [${attrs.join(', ')}];`;
  };
  model.namespaces.forEach((ns, i) => {
    out.push(`  subgraph cluster_${i} {`, `    label=${dotString(ns.name)};`);
    for (const id of ns.nodes) {
      const n = byId.get(id);
      if (n) out.push(nodeLine(n, '    '));
    }
    out.push('  }');
  });
  for (const n of model.nodes) if (n.kind === 'external') out.push(nodeLine(n, '  '));
  for (const e of model.edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (a && b) out.push(`  ${dotString(dotName(a))} -> ${dotString(dotName(b))} [label=${dotString(e.label)}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

export function renderMermaid(model: ReachabilityModel): string {
  const out = ['flowchart LR'];
  const ids = new Map<string, string>();
  model.nodes.forEach((n, i) => ids.set(n.id, `n${i}`));
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  model.namespaces.forEach((ns, i) => {
    out.push(`  subgraph s${i}[${mermaidLabel(ns.name)}]`);
    for (const id of ns.nodes) {
      const n = byId.get(id);
      if (n) out.push(`    ${ids.get(id)}[${mermaidLabel(n.label)}]`);
    }
    out.push('  end');
  });
  for (const n of model.nodes) if (n.kind === 'external') out.push(`  ${ids.get(n.id)}([${mermaidLabel(n.label)}])`);
  for (const e of model.edges) {
    const a = ids.get(e.from);
    const b = ids.get(e.to);
    if (a && b) out.push(`  ${a} -->|${mermaidLabel(e.label)}| ${b}`);
  }
  return out.join('\n') + '\n';
}

