/**
 * netpol-lens: the command-line face of the same core the language server uses.
 *   netpol-lens check <files or folders...> [--format text|json|sarif]
 *   netpol-lens get | describe | traffic | matrix | plan <files or folders...> ...
 * Exit status: 0 no errors (check) / answered (the others), 1 errors found (check),
 * 2 bad usage, unreadable input, or something asked for that the files do not have.
 */
import { buildWorkspace, setLocale, t, withWorkspaceDiagnostics } from '../core';
import { describe } from './describe';
import { UsageError } from './files';
import { FileResult, formatJson, formatSarif, formatText } from './format';
import { get } from './get';
import { matrix } from './matrix';
import { plan } from './plan';
import { traffic } from './traffic';
import { diff } from './diff';
import { test } from './test';
import { analyzeRun, readYamlFiles } from './load';

const VERSION = '0.1.0';
const USAGE = `usage: netpol-lens check <files or folders...> [--format text|json|sarif] [--locale TAG] [--follow-symlinks]
       netpol-lens get <files or folders...> [-n NAMESPACE] [-A]
       netpol-lens describe <files or folders...> [NAME] [-n NAMESPACE]
       netpol-lens traffic <files or folders...> --from REF --to REF --port PORT[/PROTOCOL] [--json]
       netpol-lens traffic <files or folders...> --batch FILE [--json]
       netpol-lens matrix <files or folders...> [--port PORT[/PROTOCOL]] [--format text|json|md]
       netpol-lens matrix <files or folders...> --format dot|mermaid|model [--max-edges N]
       netpol-lens matrix <files or folders...> --format html [--max-edges N] > reachability.html
       netpol-lens plan <files or folders...> [--format text|json|assertions]
       netpol-lens diff OLD NEW [--format text|md|json|sarif]
       netpol-lens diff --base GIT_REF <files or folders...> [--format text|md|json|sarif]
       netpol-lens test <files or folders...> [--format text|json|junit]

  check     report every NetworkPolicy problem the Kubernetes API server would reject,
            and likely mistakes, in *.yaml / *.yml / *.json files (folders are searched recursively)
  get       the table \`kubectl get networkpolicy\` would print for the policies in the files
            (a NAMESPACE column when they span several namespaces, or with -A)
  describe  the text \`kubectl describe networkpolicy [NAME]\` would print (the last argument
            is a policy name when it is not a file or folder)
  traffic   whether a connection is allowed or blocked, and why: which policies isolate each
            end, which rule allowed it or that none did. REF is namespace/pod (a Pod, or a
            workload such as a Deployment for its pods; namespace defaults to "default") or
            ip:ADDRESS; PORT is a number or a container port name; PROTOCOL defaults to TCP.
            --batch FILE reads a JSON array of {"from","to","port","protocol"}
  matrix    which pod reaches which, every pod against every pod, on one port (default 80/TCP);
            --format dot (Graphviz), mermaid (flowchart) or model (the reachability view's JSON):
            one edge per allowed pair with every port it allows, namespaces as clusters,
            ipBlock ranges as nodes; --max-edges N leaves out whole namespaces past N edges; --format html:
            the reachability view (graph, matrix, explanations) as one self-contained page
            that works offline (--max-edges defaults to 10000 there)
  plan      kubectl exec commands that verify the policies in a real cluster, with the
            expected outcome of each (connects / times out) and the reason
  diff      every source -> destination pair whose allowed connections differ between OLD and
            NEW (files or folders), or between the paths at GIT_REF (read with git) and on
            disk: before and after over all ports, added/removed/changed, and which policy
            rules make the difference. Exit status 0 no change, 3 only narrowing, 4 widening
            expected outcome of each (connects / times out) and the reason; one more check per
            assertion in the files. --format assertions writes the checks as assertion lines
  test      check the connectivity assertions written in the files as comments:
            # netpol-lens expect: FROM -> TO:PORT allowed|blocked|partially  [# note]
            exit 0 all hold, 1 one fails, 2 one cannot be checked (or none found)

Pods come from Pod manifests and from workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, Job, CronJob) in the same files; namespaces' labels from Namespace objects.

Folders are searched for *.yaml, *.yml and *.json (JSON only when it holds a Kubernetes object);
only regular files are read, at most 16 MB each; symbolic links that lead outside the files and
folders given are skipped with a warning unless --follow-symlinks (any command) is given.

--locale TAG (any command) sets the language of messages (en, ko); without it, LC_ALL,
LC_MESSAGES or LANG decide, as for other command-line tools. English is the default.

exit status: 0 no errors (check) or answered (a blocked connection is an answer), 1 errors found
(check), 2 bad usage, unreadable input, or an unknown policy, endpoint or port`;


interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  readonly followSymlinks?: boolean;
}

/** Takes `--locale TAG` / `--locale=TAG` out of the arguments; the locale is else LC_ALL, LC_MESSAGES, LANG. */
function takeLocale(argv: readonly string[], env: NodeJS.ProcessEnv): { locale: string | undefined; args: string[] } {
  const args: string[] = [];
  let locale: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--locale') locale = argv[++i] ?? '';
    else if (a.startsWith('--locale=')) locale = a.slice('--locale='.length);
    else args.push(a);
  }
  return { locale: locale ?? (env.LC_ALL || env.LC_MESSAGES || env.LANG || undefined), args };
}

export function run(argv: readonly string[], io: Io, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): number {
  const { locale, args: withFlags } = takeLocale(argv, env);
  setLocale(locale);
  // --follow-symlinks (any command that reads files): follow links outside the files and folders given.
  const args = withFlags.filter((a) => a !== '--follow-symlinks');
  if (args.length !== withFlags.length) io = { ...io, followSymlinks: true };
  const [command, ...rest] = args;
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
    if (command === 'get') return get(rest, io);
    if (command === 'describe') return describe(rest, io, cwd);
    if (command === 'traffic') return traffic(rest, io, cwd);
    if (command === 'matrix') return matrix(rest, io);
    if (command === 'plan') return plan(rest, io);
    if (command === 'diff') return diff(rest, io, cwd, VERSION);
    if (command === 'test') return test(rest, io);
    throw new UsageError(t('unknown command {0}', JSON.stringify(command)));
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
      throw new UsageError(t('unknown option {0}', a));
    } else inputs.push(a);
  }
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(t('--format must be text, json or sarif, not {0}', JSON.stringify(format)));
  if (inputs.length === 0) throw new UsageError(t('check needs at least one file or folder'));
  const { files, unreadable } = readYamlFiles(inputs, io);
  const run = analyzeRun(files, io);
  const loaded = files.map((f, i) => ({ ...f, analysis: run.analyses[i] }));
  const results: FileResult[] = [];
  // Workspace findings (NP4xx) need every file: build the workspace of all of them, then report per file.
  const workspace = buildWorkspace(loaded.map((l) => l.analysis));
  for (const l of loaded) results.push({ file: l.file, text: l.text, diagnostics: withWorkspaceDiagnostics(l.analysis.analysis.diagnostics, workspace, l.file, { text: l.text }) });
  if (format === 'json') io.stdout(formatJson(results));
  else if (format === 'sarif') io.stdout(formatSarif(results, VERSION, cwd));
  else io.stdout(formatText(results));
  if (unreadable || run.ranOut) return 2;
  return results.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}

if (require.main === module) {
  // A reader that stops early (`| head`) closes the pipe: that ends the output, it is not a crash.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  const code = run(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
  process.exitCode = code;
}
