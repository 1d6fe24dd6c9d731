/**
 * Priming, as rust-analyzer primes its caches after loading a project: once the workspace is
 * read, the language server builds every peer's mask (which pods each peer of each policy
 * matches) and explains a few policies nobody asked for yet, in steps between requests, so a hover
 * only looks masks up and the first one a user asks for runs on compiled code. Pure: it computes
 * what a hover would and throws the text away.
 */
import type { World } from '../semantics/evaluate';
import { explainPolicy } from './hoverPolicy';
import { selectedPods } from './hoverText';
import { buildPeerMasksSteps } from '../semantics/reach';

/**
 * Past this many pods times policies a hover costs seconds, and priming would spend them
 * unasked (a generated or hostile workspace): it is left to the user's first hover then.
 */
export const PRIME_MAX_WORK = 5_000_000;

/**
 * Builds every peer's mask (25 policies per step), then explains up to `count` policies that
 * select pods (the first in the World's order), one per step.
 */
export function* primeHoverSteps(world: World, count = 3): Generator<void, number, void> {
  if (world.pods.length === 0 || world.pods.length * Math.max(1, world.policies.length) > PRIME_MAX_WORK) return 0;
  yield* buildPeerMasksSteps(world);
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
