/** `netpol-lens matrix`: which pod reaches which on one port, every pod against every pod. */
import { computeMatrix, matrixJson, renderMatrixMarkdown, renderMatrixText } from '../core';
import { UsageError } from './files';
import { Io, parseArgs, parsePortSpec, readInputs } from './load';
import { t } from '../core/l10n';

const MATRIX_OPTIONS = {
  '--port': { name: 'port', value: true },
  '-p': { name: 'port', value: true },
  '--format': { name: 'format', value: true },
  '-f': { name: 'format', value: true },
} as const;

export function matrix(args: readonly string[], io: Io): number {
  const { positionals, values } = parseArgs(args, MATRIX_OPTIONS);
  const format = values.get('format') ?? 'text';
  if (!['text', 'json', 'md'].includes(format)) throw new UsageError(t('--format must be text, json or md, not {0}', JSON.stringify(format)));
  const spec = parsePortSpec(values.get('port') ?? '80/TCP');
  if (!/^[0-9]+$/.test(spec.port) || Number(spec.port) < 1 || Number(spec.port) > 65535) {
    throw new UsageError(t('--port must be a port number 1-65535 (with /TCP, /UDP or /SCTP), not {0}', JSON.stringify(values.get('port'))));
  }
  const loaded = readInputs(positionals, io);
  const m = computeMatrix(loaded.workspace.world, Number(spec.port), spec.protocol ?? 'TCP');
  if (format === 'json') io.stdout(JSON.stringify(matrixJson(m, loaded.locate)) + '\n');
  else if (format === 'md') io.stdout(renderMatrixMarkdown(m, loaded.locate));
  else io.stdout(renderMatrixText(m, loaded.locate));
  return loaded.unreadable ? 2 : 0;
}
