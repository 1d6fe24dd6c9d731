/**
 * `netpol-lens traffic`: whether one connection (or a batch of them) is allowed, and why.
 *   --from REF --to REF --port PORT[/PROTOCOL]   REF: namespace/pod (a Pod, or a workload for its
 *                                                pods) or ip:ADDRESS; PORT: a number or a name
 *   --batch FILE    a JSON array of {"from", "to", "port", "protocol"}
 *   --json          JSON instead of text
 * Exit status: 0 answered (allowed or blocked alike), 2 bad usage or an endpoint/port that cannot
 * be resolved (in a batch, such an entry gets {"error"} and the others are still answered).
 */
import * as fs from 'fs';
import * as path from 'path';
import { explainTraffic, renderTrafficText, resolveEndpoint, resolvePort } from '../core';
import type { Locate, TrafficExplanation, World } from '../core';
import { UsageError } from './files';
import { Io, parseArgs, parsePortSpec, PROTOCOLS, readWorld } from './load';
import { t } from '../core/l10n';

const TRAFFIC_OPTIONS = {
  '--from': { name: 'from', value: true },
  '--to': { name: 'to', value: true },
  '--port': { name: 'port', value: true },
  '-p': { name: 'port', value: true },
  '--batch': { name: 'batch', value: true },
  '--json': { name: 'json', value: false },
} as const;

interface Query {
  readonly from: string;
  readonly to: string;
  readonly port: string;
  readonly protocol?: string;
  /** The port as the user wrote it (a number in a batch entry stays a number in the answer). */
  readonly written: string | number;
}

type Answer = TrafficExplanation | { readonly from: unknown; readonly to: unknown; readonly port: unknown; readonly protocol: unknown; readonly error: string };

function answer(world: World, q: Query, locate: Locate): Answer {
  const fail = (error: string): Answer => ({ from: q.from, to: q.to, port: q.written, protocol: q.protocol ?? 'TCP', error });
  const from = resolveEndpoint(world, q.from);
  if ('error' in from) return fail(`from: ${from.error}`);
  const to = resolveEndpoint(world, q.to);
  if ('error' in to) return fail(`to: ${to.error}`);
  const port = resolvePort(to.endpoint, q.port, q.protocol);
  if ('error' in port) return fail(`port: ${port.error}`);
  const named = !/^[0-9]+$/.test(q.port);
  return explainTraffic(world, { from: from.endpoint, to: to.endpoint, port: port.port, protocol: port.protocol }, { locate, ...(named ? { portName: q.port } : {}) });
}

/** Reads one batch entry; a malformed one becomes an error answer. */
function batchQuery(item: unknown, index: number): Query | { error: string; item: Record<string, unknown> } {
  const o = item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
  const bad = (msg: string) => ({ error: `entry ${index}: ${msg}`, item: o ?? {} });
  if (!o) return bad('must be an object {"from", "to", "port", "protocol"}');
  if (typeof o.from !== 'string' || !o.from) return bad('"from" must be a string: namespace/pod or ip:ADDRESS');
  if (typeof o.to !== 'string' || !o.to) return bad('"to" must be a string: namespace/pod or ip:ADDRESS');
  let port: string;
  if (typeof o.port === 'number' && Number.isInteger(o.port)) port = String(o.port);
  else if (typeof o.port === 'string' && o.port) port = o.port;
  else return bad('"port" must be a port number or a port name');
  let protocol: string | undefined;
  if (o.protocol !== undefined && o.protocol !== null) {
    if (typeof o.protocol !== 'string' || !PROTOCOLS.includes(o.protocol.toUpperCase())) return bad('"protocol" must be TCP, UDP or SCTP');
    protocol = o.protocol.toUpperCase();
  }
  return { from: o.from, to: o.to, port, protocol, written: o.port as string | number };
}

export function traffic(args: readonly string[], io: Io, cwd: string): number {
  const { positionals, values, flags } = parseArgs(args, TRAFFIC_OPTIONS);
  const json = flags.has('json');
  const batchFile = values.get('batch');
  let queries: (Query | { error: string; item: Record<string, unknown> })[];
  if (batchFile !== undefined) {
    if (values.has('from') || values.has('to') || values.has('port')) throw new UsageError(t('--batch replaces --from, --to and --port'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(path.resolve(cwd, batchFile), 'utf8'));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new UsageError(t('cannot read the batch {0}: {1}', batchFile, e.code ?? e.message));
    }
    if (!Array.isArray(parsed)) throw new UsageError(t('the batch {0} must be a JSON array of {"from", "to", "port", "protocol"}', batchFile));
    queries = parsed.map(batchQuery);
  } else {
    const from = values.get('from');
    const to = values.get('to');
    const port = values.get('port');
    if (!from || !to || !port) throw new UsageError(t('traffic needs --from REF --to REF --port PORT[/PROTOCOL] (or --batch FILE)'));
    const spec = parsePortSpec(port);
    queries = [{ from, to, port: spec.port, protocol: spec.protocol, written: spec.port }];
  }
  const loaded = readWorld(positionals, io);
  const answers: Answer[] = queries.map((q) =>
    'error' in q ? { from: q.item.from ?? null, to: q.item.to ?? null, port: q.item.port ?? null, protocol: q.item.protocol ?? 'TCP', error: q.error } : answer(loaded.world, q, loaded.locate),
  );
  const failed = answers.some((a) => 'error' in a);
  if (batchFile === undefined) {
    const a = answers[0];
    if ('error' in a) {
      io.stderr(`netpol-lens: ${a.error}\n`);
      return 2;
    }
    io.stdout(json ? JSON.stringify(a, null, 2) + '\n' : renderTrafficText(a));
  } else if (json) {
    io.stdout(JSON.stringify(answers, null, 2) + '\n');
  } else {
    const show = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');
    io.stdout(answers.map((a) => ('error' in a ? `error: ${show(a.from)} -> ${show(a.to)} ${show(a.port)}/${show(a.protocol)}: ${a.error}\n` : renderTrafficText(a))).join('\n'));
  }
  return failed || loaded.unreadable ? 2 : 0;
}
