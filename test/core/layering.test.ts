/**
 * The core's import graph: no cycles between modules, and no lower layer (syntax, model, k8s,
 * semantics, rules) imports the pipeline (analyze.ts) or the workspace layer above it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CORE = path.resolve(__dirname, '../../../server/src/core');

function modules(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        const text = fs.readFileSync(p, 'utf8');
        const deps: string[] = [];
        for (const m of text.matchAll(/^(?:import|export)\b[^;]*?from\s+'(\.[^']+)'/gm)) {
          deps.push(path.relative(CORE, path.resolve(path.dirname(p), m[1])) + '.ts');
        }
        out.set(path.relative(CORE, p), deps);
      }
    }
  };
  walk(CORE);
  return out;
}

test('core modules import each other without cycles', () => {
  const graph = modules();
  assert.ok(graph.size > 50, 'the core was found');
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (m: string, stack: string[]): void => {
    if (state.get(m) === 'done') return;
    if (state.get(m) === 'open') {
      cycles.push([...stack.slice(stack.indexOf(m)), m].join(' -> '));
      return;
    }
    state.set(m, 'open');
    for (const d of graph.get(m) ?? []) if (graph.has(d)) visit(d, [...stack, m]);
    state.set(m, 'done');
  };
  for (const m of graph.keys()) visit(m, []);
  assert.deepEqual(cycles, []);
});

test('lower layers do not import analyze.ts, workspace.ts or workspaceRules.ts', () => {
  const graph = modules();
  const offenders: string[] = [];
  for (const [m, deps] of graph) {
    if (!/^(syntax|model|k8s|semantics|rules)\//.test(m)) continue;
    for (const d of deps) if (d === 'analyze.ts' || d === 'workspace.ts' || d === 'workspaceRules.ts' || d === 'incremental.ts') offenders.push(`${m} -> ${d}`);
  }
  assert.deepEqual(offenders, []);
});
