/**
 * What the function bundles leave out so a cold start does not pay for it (infra/bundling.ts), checked on
 * real builds with the stack's esbuild options.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../bench/paths';
import { bundlingFor, esbuildOptions } from '../../infra/bundling';
import { pipeline as lazyPipeline } from '../../infra/shims/stream-promises';
import { ReadableStream as StandIn } from '../../infra/shims/stream-web';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** A function bundled as the stack bundles it for `environment`: its code and the files it came from. */
const bundleFunction = async (name: string, environment: Record<string, string> = {}) => {
  const outdir = mkdtempSync(`${projectRoot}/test-output-bundling-`);
  outdirs.push(outdir);
  const { metafile } = await build({
    ...esbuildOptions({ projectRoot, entry: `functions/${name}.ts`, outdir, environment }),
    sourcemap: false,
  });
  // The files that put code into the output (esbuild lists every file it read, shaken out or not).
  const inputs = Object.values((metafile as Metafile).outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => input),
  );
  return { code: readFileSync(`${outdir}/index.mjs`, 'utf8'), inputs };
};

describe('function bundles', () => {
  it('leave the EventBridge client out unless the stack gives the function a notice bus', async () => {
    const [withoutBus, withBus] = [
      await bundleFunction('webhook'),
      await bundleFunction('webhook', { EVENT_BUS_NAME: 'arn:aws:events:eu-west-1:111122223333:event-bus/platform' }),
    ];

    const fromEventBridge = (inputs: string[]) => inputs.filter((input) => input.includes('client-eventbridge'));
    expect(fromEventBridge(withoutBus.inputs)).toEqual([]);
    expect(fromEventBridge(withBus.inputs)).not.toEqual([]);
  });

  it('are built by the stack with the notice bus its environment names, or none', () => {
    expect([
      bundlingFor({ EVENT_BUS_NAME: 'arn:aws:events:eu-west-1:111122223333:event-bus/platform' }).define,
      bundlingFor({ ACCOUNTS_TABLE: 'accounts' }).define,
    ]).toEqual([{}, { 'process.env.EVENT_BUS_NAME': 'undefined' }]);
  });

  it("never import node:stream/web, node:stream/promises or node:timers, which middy's core imports at load", async () => {
    const { code, inputs } = await bundleFunction('webhook');

    expect(inputs.some((input) => input.includes('@middy/core'))).toBe(true);
    expect(code).not.toMatch(/["']node:(stream\/web|stream\/promises|timers)["']/);
  });

  it('carry only the accounts-repo operations their function calls (accountsRepoOf), with the writes those build', async () => {
    // Written only by the OAuth connection's write, and by the created account's (onboarding).
    const connectionWrite = 'REMOVE deauthorizedAt, confirmedAt, flagged';
    const createdAccountWrite = 'onboardingSlot = :slot';
    const [loginLink, callback, onboard] = [
      await bundleFunction('login-link'),
      await bundleFunction('callback'),
      await bundleFunction('onboard'),
    ];

    expect([loginLink.code.includes(connectionWrite), loginLink.code.includes(createdAccountWrite)]).toEqual([
      false,
      false,
    ]);
    expect([callback.code.includes(connectionWrite), callback.code.includes(createdAccountWrite)]).toEqual([
      true,
      false,
    ]);
    expect([onboard.code.includes(connectionWrite), onboard.code.includes(createdAccountWrite)]).toEqual([false, true]);
  });

  it("give middy Node's own timers", async () => {
    const timers = await import('node:timers');
    const shim = await import('../../infra/shims/timers');

    expect([shim.setTimeout === timers.setTimeout, shim.clearTimeout === timers.clearTimeout]).toEqual([true, true]);
  });

  it("answer middy's one use of it, instanceof ReadableStream, as Node's own class does", () => {
    const values: unknown[] = [new globalThis.ReadableStream(), {}, 'text'];

    expect(values.map((value) => value instanceof StandIn)).toEqual([true, false, false]);
  });

  it("run middy's pipeline with Node's own, loaded at the first call", async () => {
    const { Readable, Writable } = await import('node:stream');
    const received: string[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        received.push(chunk.toString());
        done();
      },
    });

    await lazyPipeline(Readable.from(['a', 'b']), sink);

    expect(received).toEqual(['a', 'b']);
  });
});
