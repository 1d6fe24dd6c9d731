/** Runs a `…Steps` generator to its end: how many times it yielded, and its value. */
export function driveSteps<T>(steps: Generator<void, T, void>): { yields: number; value: T } {
  let yields = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { yields, value: r.value };
    yields++;
  }
}
