/**
 * Priming, as rust-analyzer primes its caches after loading a project: once the workspace is
 * read, the language server explains a few policies nobody asked for yet, one per step between
 * requests, so the first hover a user asks for runs on compiled code and the World's per-peer
 * masks exist. Pure: it computes what a hover would and throws the text away.
 */
import type { World } from '../semantics/evaluate';
import { explainPolicy } from './hoverPolicy';
import { selectedPods } from './hoverText';

/**
 * Past this many pods times policies a hover costs seconds, and priming would spend them
 * unasked (a generated or hostile workspace): it is left to the user's first hover then.
 */
export const PRIME_MAX_WORK = 5_000_000;

/** Explains up to `count` policies that select pods (the first in the World's order), one per step. */
export function* primeHoverSteps(world: World, count = 3): Generator<void, number, void> {
  if (world.pods.length * Math.max(1, world.policies.length) > PRIME_MAX_WORK) return 0;
  let done = 0;
  for (const c of world.policies) {
    if (done >= count) break;
    if (selectedPods(world, c).length === 0) continue;
    explainPolicy(world, c);
    done++;
    yield;
  }
  return done;
}
