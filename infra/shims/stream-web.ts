/**
 * What `node:stream/web` resolves to inside the function bundles (infra/bundling.ts, `bundleAliases`).
 *
 * Its one importer is @middy/core 6, which imports `ReadableStream` at the top of its core for a
 * streaming mode this service never turns on, and uses it only as `body instanceof ReadableStream`.
 * Loading the real module loads Node's whole web-streams implementation: about 4 ms of CPU at every
 * cold start (docs/performance.md). This object answers `instanceof` with Node's own `ReadableStream`,
 * which Node loads the first time the global is read; nothing else imports the module, and a bundle
 * that asked for another name from it would fail to build instead of misbehaving.
 */
export const ReadableStream = {
  [Symbol.hasInstance]: (value: unknown): boolean => value instanceof globalThis.ReadableStream,
};
