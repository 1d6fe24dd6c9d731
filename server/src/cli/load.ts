/** Reads the YAML files named on the command line into a workspace, as the reachability commands need. */
import * as fs from 'fs';
import * as path from 'path';
import { lineLocator, loadWorkspace } from '../core';
import type { Locate, Workspace, WorkspaceFile } from '../core';
import { collectYamlFiles, UsageError } from './files';
import { t } from '../core/l10n';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}

/** Files larger than this are reported and skipped, like the language server does. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface Loaded {
  readonly workspace: Workspace;
  readonly files: readonly WorkspaceFile[];
  readonly locate: Locate;
  /** Whether some input could not be read (reported on stderr; exit status 2). */
  readonly unreadable: boolean;
}

/**
 * Reads the YAML files named on the command line (folders recursively; a file named twice, as a
 * folder and a file in it, is read once). Unreadable or oversized files are reported on stderr.
 */
export function readYamlFiles(inputs: readonly string[], io: Io): { readonly files: WorkspaceFile[]; readonly unreadable: boolean } {
  const files: WorkspaceFile[] = [];
  let unreadable = false;
  const unique = [...new Map(collectYamlFiles(inputs).map((f) => [path.resolve(f), f])).values()];
  for (const file of unique) {
    try {
      const st = fs.statSync(file);
      if (st.size > MAX_FILE_BYTES) {
        io.stderr(`netpol-lens: ${t('skipping {0}: {1} bytes is over the {2}-byte limit', file, st.size, MAX_FILE_BYTES)}\n`);
        unreadable = true;
        continue;
      }
      files.push({ file, text: fs.readFileSync(file, 'utf8') });
    } catch (err) {
      io.stderr(`netpol-lens: ${t('cannot read {0}: {1}', file, (err as NodeJS.ErrnoException).code ?? (err as Error).message)}\n`);
      unreadable = true;
    }
  }
  return { files, unreadable };
}

export function readInputs(inputs: readonly string[], io: Io): Loaded {
  if (inputs.length === 0) throw new UsageError(t('no files or folders given'));
  const { files, unreadable } = readYamlFiles(inputs, io);
  return { workspace: loadWorkspace(files), files, locate: lineLocator(files), unreadable };
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
}

/**
 * Parses `--name value`, `--name=value` and flags. `spec` maps every accepted spelling (with its
 * dashes) to the canonical option name and whether it takes a value.
 */
export function parseArgs(args: readonly string[], spec: Readonly<Record<string, { readonly name: string; readonly value: boolean }>>): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const opt = spec[key];
    if (!opt) throw new UsageError(t('unknown option {0}', key));
    if (opt.value) {
      const v = key !== a ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(t('{0} needs a value', key));
      values.set(opt.name, v);
    } else {
      if (key !== a) throw new UsageError(t('{0} takes no value', key));
      flags.add(opt.name);
    }
  }
  return { positionals, values, flags };
}

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** `8080`, `8080/TCP`, `http`, `53/udp`: the port as written and the protocol (upper-cased) if given. */
export function parsePortSpec(text: string): { port: string; protocol?: string } {
  const slash = text.lastIndexOf('/');
  const port = slash >= 0 ? text.slice(0, slash) : text;
  const protocol = slash >= 0 ? text.slice(slash + 1).toUpperCase() : undefined;
  if (!port) throw new UsageError(t('--port needs a port number or name, not {0}', JSON.stringify(text)));
  if (protocol !== undefined && !PROTOCOLS.includes(protocol)) throw new UsageError(t('protocol must be TCP, UDP or SCTP, not {0}', JSON.stringify(text.slice(slash + 1))));
  return { port, protocol };
}
