/** `netpol-lens matrix`: which pod reaches which on one port, every pod against every pod. */
import { buildReachabilityModel, computeMatrix, matrixJson, renderDot, renderMatrixMarkdown, renderMatrixText, renderMermaid } from '../core';
import { UsageError } from './files';
import { Io, parseArgs, parsePortSpec, readWorld } from './load';
import { t } from '../core/l10n';
import { matrixHtml } from './html';

const MATRIX_OPTIONS = {
  '--port': { name: 'port', value: true },
  '-p': { name: 'port', value: true },
  '--format': { name: 'format', value: true },
  '-f': { name: 'format', value: true },
  '--max-edges': { name: 'maxEdges', value: true },
} as const;

export function matrix(args: readonly string[], io: Io): number {
  const { positionals, values } = parseArgs(args, MATRIX_OPTIONS);
  const format = values.get('format') ?? 'text';
  // The reachability view as one offline page (graph and matrix over every port; the page chooses the port).
  if (format === 'html') {
    if (values.has('port')) throw new UsageError(t('--port is not for --format html: the page shows every port and lets you choose one'));
    return matrixHtml(positionals, io, values.get('maxEdges'));
  }
  if (!['text', 'json', 'md', ...GRAPH_FORMATS].includes(format)) throw new UsageError(t('--format must be text, json, md, dot, mermaid or model, not {0}', JSON.stringify(format)));
  if (GRAPH_FORMATS.includes(format)) {
    if (values.has('port')) throw new UsageError(t('--port is for the text, json and md formats: dot, mermaid and model show every port'));
    const max = values.get('maxEdges');
    if (max !== undefined && !/^[0-9]+$/.test(max)) throw new UsageError(t('--max-edges must be a number, not {0}', JSON.stringify(max)));
    return graph(positionals, format, max === undefined ? undefined : Number(max), io);
  }
  if (values.has('maxEdges')) {
    throw new UsageError(t('--max-edges is for the dot, mermaid and model formats'));
  }
  const spec = parsePortSpec(values.get('port') ?? '80/TCP');
  if (!/^[0-9]+$/.test(spec.port) || Number(spec.port) < 1 || Number(spec.port) > 65535) {
    throw new UsageError(t('--port must be a port number 1-65535 (with /TCP, /UDP or /SCTP), not {0}', JSON.stringify(values.get('port'))));
  }
  const loaded = readWorld(positionals, io);
  const m = computeMatrix(loaded.world, Number(spec.port), spec.protocol ?? 'TCP');
  if (format === 'json') io.stdout(JSON.stringify(matrixJson(m, loaded.locate)) + '\n');
  else if (format === 'md') io.stdout(renderMatrixMarkdown(m, loaded.locate));
  else io.stdout(renderMatrixText(m, loaded.locate));
  return loaded.unreadable ? 2 : 0;
}

/** Formats over every port: one edge per allowed pair, labelled with its ports (core/ide/reach). */
const GRAPH_FORMATS = ['dot', 'mermaid', 'model'];

function graph(inputs: readonly string[], format: string, maxEdges: number | undefined, io: Io): number {
  const loaded = readWorld(inputs, io);
  const started = performance.now();
  const built = buildReachabilityModel(loaded.world, loaded.locate, maxEdges === undefined ? {} : { maxEdges });
  const model = { ...built, stats: { ...built.stats, ms: Math.round(performance.now() - started) } };
  if (format === 'dot') io.stdout(renderDot(model));
  else if (format === 'mermaid') io.stdout(renderMermaid(model));
  else io.stdout(JSON.stringify(model) + '\n');
  return loaded.unreadable ? 2 : 0;
}
