/**
 * The shell commands of the verification plan: which `kubectl exec` target enters a pod, the
 * destination's address as a shell word, and the client to try a connection with (curl over
 * HTTPS for TCP 443, over HTTP for other TCP ports; nc for UDP; ncat for SCTP; nslookup for DNS).
 */
import type { PodInfo } from '../model/inventory';
import { formatAddress } from '../semantics/cidr';
import type { Endpoint } from '../semantics/evaluate';

export const EXPECT_CONNECTS = 'connects';
export const EXPECT_TIMES_OUT = 'times out (dropped by NetworkPolicy)';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const EXEC_RESOURCE: Partial<Record<PodInfo['kind'], string>> = {
  Pod: '',
  Deployment: 'deploy/',
  StatefulSet: 'statefulset/',
  DaemonSet: 'daemonset/',
  ReplicaSet: 'replicaset/',
  ReplicationController: 'rc/',
  Job: 'job/',
};

/** What `kubectl exec` accepts for a pod of this endpoint; undefined when it accepts nothing (CronJob). */
export function execTarget(p: PodInfo): string | undefined {
  const prefix = EXEC_RESOURCE[p.kind];
  return prefix === undefined ? undefined : `${prefix}${p.name}`;
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The destination's address as a shell word: a known IP, or a lookup of the pod's IP. */
function addressOf(e: Endpoint): string {
  if (e.kind === 'ip') return e.bytes.length === 16 ? `[${formatAddress(e.bytes)}]` : formatAddress(e.bytes);
  const pod = e.pod;
  if (pod.ips.length > 0) return pod.ips[0].length === 16 ? `[${formatAddress(pod.ips[0])}]` : formatAddress(pod.ips[0]);
  if (pod.kind === 'Pod') return `$(kubectl get pod -n ${shellQuote(pod.namespace)} ${shellQuote(pod.name)} -o jsonpath='{.status.podIP}')`;
  const selector = Object.keys(pod.labels)
    .sort(compareText)
    .map((k) => `${k}=${pod.labels[k]}`)
    .join(',');
  if (!selector) return `<IP of a pod of ${pod.kind.toLowerCase()}/${pod.name}>`;
  return `$(kubectl get pod -n ${shellQuote(pod.namespace)} -l ${shellQuote(selector)} -o jsonpath='{.items[0].status.podIP}')`;
}

export function commands(src: PodInfo, dest: Endpoint, port: number, protocol: string, dns: boolean): { command: string; alternative: string } {
  const exec = `kubectl exec -n ${shellQuote(src.namespace)} ${shellQuote(execTarget(src) ?? src.name)} --`;
  const addr = addressOf(dest);
  const bare = addr.startsWith('[') ? addr.slice(1, -1) : addr;
  if (dns) return { command: `${exec} nslookup kubernetes.default.svc.cluster.local`, alternative: `${exec} nc -zuv -w 5 ${bare} ${port}` };
  if (protocol === 'UDP') return { command: `${exec} nc -zuv -w 5 ${bare} ${port}`, alternative: `${exec} sh -c 'echo probe > /dev/udp/${bare}/${port}'` };
  if (protocol === 'SCTP') return { command: `${exec} ncat --sctp -zv -w 5 ${bare} ${port}`, alternative: `${exec} socat -u - SCTP:${bare}:${port}` };
  // TLS on 443: http:// there gets an HTTP answer to a TLS port (or a reset) and reads as a failure.
  // -k: the certificate is not for a bare address; the check is about the connection.
  if (port === 443) return { command: `${exec} curl -sSk -m 5 https://${addr}`, alternative: `${exec} nc -zv -w 5 ${bare} ${port}` };
  return { command: `${exec} curl -sS -m 5 http://${addr}:${port}`, alternative: `${exec} nc -zv -w 5 ${bare} ${port}` };
}

