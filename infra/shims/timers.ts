/**
 * What `node:timers` resolves to inside the function bundles (infra/bundling.ts, `bundleAliases`).
 *
 * @middy/core 6 imports `setTimeout` from it (for its early-timeout guard). An ECMAScript-module import
 * of Node's `timers` reads every export of the module, `promises` included, which loads
 * `timers/promises` at every cold start. Node's global timers are the same functions.
 */
export const { setTimeout, clearTimeout } = globalThis;
