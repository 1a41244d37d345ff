/**
 * What `node:stream/promises` resolves to inside the function bundles (infra/bundling.ts, `bundleAliases`).
 *
 * Like `node:stream/web` (./stream-web.ts), @middy/core 6 imports it at the top of its core for the
 * streaming mode this service never turns on, where it calls `pipeline`. This `pipeline` loads Node's
 * own the first time it is called and hands it the same arguments; until then the module (and the
 * `timers/promises` it loads) costs nothing. Asking for another name from it fails the build.
 */
export const pipeline = async (...streams: unknown[]): Promise<void> => {
  const real = await import('node:stream/promises');
  return (real.pipeline as (...args: unknown[]) => Promise<void>)(...streams);
};
