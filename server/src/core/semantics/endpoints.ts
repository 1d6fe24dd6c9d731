/**
 * Naming endpoints the way the CLI and the assertions let people write them: `namespace/name` of a
 * Pod or workload (`name` alone in default), or `ip:ADDRESS`; and ports by number or by the
 * destination's container port name. Pure functions over a World.
 */
import type { PodInfo } from '../model/inventory';
import { Endpoint, World } from './evaluate';
import { parseIPSloppy } from './cidr';
import { t } from '../l10n';

export type EndpointResult = { readonly endpoint: Endpoint } | { readonly error: string };

/** Per World, the first pod (in world order) holding each IP, keyed by its bytes. */
const BY_IP = new WeakMap<World, Map<string, PodInfo>>();
function podWithIp(world: World, bytes: readonly number[]): PodInfo | undefined {
  let m = BY_IP.get(world);
  if (!m) {
    m = new Map();
    for (const p of world.pods) for (const ip of p.ips) if (!m.has(ip.join('.'))) m.set(ip.join('.'), p);
    BY_IP.set(world, m);
  }
  return m.get(bytes.join('.'));
}

/** Resolves `namespace/name` or `ip:ADDRESS`. A name matching several objects prefers a Pod. */
export function resolveEndpoint(world: World, ref: string): EndpointResult {
  if (ref.startsWith('ip:')) {
    const text = ref.slice(3);
    const ip = parseIPSloppy(text);
    if (!ip) return { error: t('{0} is not an IP address', JSON.stringify(text)) };
    const bytes = ip.family === 6 && ip.bytes.slice(0, 12).every((b, i) => b === (i < 10 ? 0 : 0xff)) ? ip.bytes.slice(12) : ip.bytes;
    const pod = podWithIp(world, bytes);
    return pod ? { endpoint: { kind: 'pod', pod } } : { endpoint: { kind: 'ip', bytes, text } };
  }
  const slash = ref.indexOf('/');
  const ns = slash >= 0 ? ref.slice(0, slash) : 'default';
  const name = slash >= 0 ? ref.slice(slash + 1) : ref;
  const matches = world.pods.filter((p) => p.namespace === ns && p.name === name);
  const pod: PodInfo | undefined = matches.find((p) => p.kind === 'Pod') ?? matches[0];
  if (!pod) {
    const known = world.pods.filter((p) => p.name === name).map((p) => `${p.namespace}/${p.name}`);
    return { error: known.length ? t('no Pod or workload {0} in the given files (did you mean {1}?)', `${ns}/${name}`, known.join(', ')) : t('no Pod or workload {0} in the given files', `${ns}/${name}`) };
  }
  return { endpoint: { kind: 'pod', pod } };
}

export function endpointName(e: Endpoint): string {
  return e.kind === 'pod' ? `${e.pod.namespace}/${e.pod.name}` : `ip:${e.text}`;
}

/** Resolves a port given by number or by name (against the destination pod's container ports). */
export function resolvePort(to: Endpoint, port: string, protocol: string | undefined): { port: number; protocol: string } | { error: string } {
  if (/^[0-9]+$/.test(port)) {
    const n = Number(port);
    if (n < 1 || n > 65535) return { error: t('port {0} is out of range 1-65535', port) };
    return { port: n, protocol: protocol ?? 'TCP' };
  }
  if (to.kind !== 'pod') return { error: t('a named port ({0}) needs a pod destination', port) };
  const cp = to.pod.ports.find((p) => p.name === port && (!protocol || p.protocol === protocol));
  if (!cp) return { error: t('{0} has no container port named {1}', `${to.pod.namespace}/${to.pod.name}`, `${port}${protocol ? `/${protocol}` : ''}`) };
  return { port: cp.port, protocol: cp.protocol };
}
