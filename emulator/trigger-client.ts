import { request } from 'node:http';
import type { StripeEvent } from './types';

/** Client side of `npm run trigger`: posts to the emulator's control API. */

export interface TriggerArgs {
  type: string;
  account: string;
  url: string;
}

export const DEFAULT_EMULATOR_URL = `http://127.0.0.1:${process.env.STRIPE_EMULATOR_PORT ?? '12111'}`;
export const TRIGGER_USAGE = 'usage: npm run trigger -- <event-type> --account acct_... [--url http://127.0.0.1:12111]';

/** Parses `<event-type> --account acct_... [--url ...]` (also `--account=acct_...`). */
export function parseTriggerArgs(argv: readonly string[], defaultUrl = DEFAULT_EMULATOR_URL): TriggerArgs {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const inline = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (inline?.[1] !== undefined && inline[2] !== undefined) flags[inline[1]] = inline[2];
    else if (arg.startsWith('--')) {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`${arg} needs a value\n${TRIGGER_USAGE}`);
      flags[arg.slice(2)] = value;
      i += 1;
    } else positional.push(arg);
  }
  const type = positional[0];
  const account = flags.account;
  if (!type || !account) throw new Error(TRIGGER_USAGE);
  return { type, account, url: flags.url ?? defaultUrl };
}

export function postTrigger(args: TriggerArgs): Promise<StripeEvent> {
  const body = JSON.stringify({ type: args.type, account: args.account });
  return new Promise((resolve, reject) => {
    const req = request(new URL('/_emulator/trigger', args.url), {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          reject(new Error(`The emulator refused (${res.statusCode ?? 0}): ${text}`));
          return;
        }
        resolve(JSON.parse(text) as StripeEvent);
      });
    });
    req.on('error', (err) => reject(new Error(`Cannot reach the Stripe emulator at ${args.url}: ${err.message}`)));
    req.end(body);
  });
}
