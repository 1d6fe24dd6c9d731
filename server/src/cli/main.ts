/**
 * netpol-lens: the command-line face of the same core the language server uses.
 *   netpol-lens check <files or folders...> [--format text|json|sarif]
 * Exit status: 0 no errors, 1 errors found, 2 bad usage or unreadable input.
 */
import * as fs from 'fs';
import { analyzeText } from '../core';
import { collectYamlFiles, UsageError } from './files';
import { FileResult, formatJson, formatSarif, formatText } from './format';

const VERSION = '0.1.0';
const USAGE = `usage: netpol-lens check <files or folders...> [--format text|json|sarif]

  check   report every NetworkPolicy problem the Kubernetes API server would reject,
          and likely mistakes, in *.yaml / *.yml files (folders are searched recursively)

exit status: 0 no errors, 1 errors found, 2 bad usage or unreadable input`;

/** Files larger than this are reported and skipped, like the language server does. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}

export function run(argv: readonly string[], io: Io, cwd = process.cwd()): number {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE + '\n');
    return command ? 0 : 2;
  }
  if (command === '--version') {
    io.stdout(VERSION + '\n');
    return 0;
  }
  try {
    if (command === 'check') return check(rest, io, cwd);
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`netpol-lens: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
}

function check(args: readonly string[], io: Io, cwd: string): number {
  let format = 'text';
  const inputs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--format' || a === '-f') {
      format = args[++i] ?? '';
    } else if (a.startsWith('--format=')) {
      format = a.slice('--format='.length);
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}`);
    } else inputs.push(a);
  }
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not ${JSON.stringify(format)}`);
  if (inputs.length === 0) throw new UsageError('check needs at least one file or folder');
  const files = collectYamlFiles(inputs);
  const results: FileResult[] = [];
  let unreadable = false;
  for (const file of files) {
    let text: string;
    try {
      const st = fs.statSync(file);
      if (st.size > MAX_FILE_BYTES) {
        io.stderr(`netpol-lens: skipping ${file}: ${st.size} bytes is over the ${MAX_FILE_BYTES}-byte limit\n`);
        unreadable = true;
        continue;
      }
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      io.stderr(`netpol-lens: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      unreadable = true;
      continue;
    }
    results.push({ file, text, diagnostics: analyzeText(text).diagnostics });
  }
  if (format === 'json') io.stdout(formatJson(results));
  else if (format === 'sarif') io.stdout(formatSarif(results, VERSION, cwd));
  else io.stdout(formatText(results));
  if (unreadable) return 2;
  return results.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}

if (require.main === module) {
  const code = run(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
  process.exitCode = code;
}
