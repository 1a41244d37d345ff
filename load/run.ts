/**
 * `npm run load`: a bounded load test on loopback. Concurrent complete OAuth flows through the
 * local stack, then a webhook burst in which every event arrives several times at once. Passes only
 * if every flow completes once, no event is applied twice, every account ends at its newest event's
 * state, and nothing errs. Reports requests, errors and p99 latency. `npm test` runs it at a small size
 * (test/load/run.test.ts); the full size is this command's alone.
 */

import { randomBytes } from 'node:crypto';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import Stripe from 'stripe';
import { localDefaults } from '../local/defaults';
import { startLocalServiceStack } from '../local/stack';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { mintPlatformToken } from '../shared/platform-token';
import { stripeApiVersion } from '../shared/stripe/api-version';
import { percentile, runPool } from './pool';

const flows = Number(process.env.LOAD_FLOWS ?? 60);
const flowConcurrency = Number(process.env.LOAD_FLOW_CONCURRENCY ?? 12);
const events = Number(process.env.LOAD_EVENTS ?? 240);
const copies = Number(process.env.LOAD_COPIES ?? 3);
const eventConcurrency = Number(process.env.LOAD_EVENT_CONCURRENCY ?? 24);

interface Outcome {
  readonly ms: number;
  readonly ok: boolean;
  readonly detail?: string;
}

const timed = async (work: () => Promise<string | undefined>): Promise<Outcome> => {
  const started = performance.now();
  try {
    const problem = await work();
    return { ms: performance.now() - started, ok: problem === undefined, ...(problem ? { detail: problem } : {}) };
  } catch (error) {
    return { ms: performance.now() - started, ok: false, detail: (error as Error).message };
  }
};

const main = async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.LOG_LEVEL = 'error';
  const prefix = `load-${randomBytes(3).toString('hex')}`;
  const stack = await startLocalServiceStack({
    tableName: (name) => `${prefix}-${name}`,
    // It signs and mints with local/defaults.ts: never a shell's exported credentials.
    baseEnv: {},
  });
  const db = createDocumentClient();
  const requestTimes: number[] = [];
  const request = async (url: string, init: RequestInit = {}) => {
    const started = performance.now();
    const response = await fetch(url, { redirect: 'manual', ...init });
    requestTimes.push(performance.now() - started);
    return response;
  };

  // Phase 1: complete OAuth flows, each in its own "browser".
  const accountIds: string[] = [];
  const flowOutcomes = await runPool(flows, flowConcurrency, (index) =>
    timed(async () => {
      const ticket = await mintPlatformToken(`load_user_${index % 10}`, localDefaults.platformTokenSecret);
      const start = await request(
        `${stack.gatewayUrl}/connect/authorize?type=${index % 2 ? 'express' : 'standard'}&ticket=${ticket}`,
      );
      const cookie = (start.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
      const callback = await stack.emulator.decide(start.headers.get('location') ?? '', 'allow');
      const finished = await request(callback, { headers: { cookie } });
      const accountId = new URL(finished.headers.get('location') ?? 'http://x').searchParams.get('account');
      if (!accountId) return `flow ${index} did not connect (${finished.headers.get('location')})`;
      accountIds.push(accountId);
      return undefined;
    }),
  );

  // Phase 2: a burst of signed account.updated events, each sent `copies` times concurrently.
  const created = Math.floor(Date.now() / 1000);
  const statuses = { processed: 0, duplicate: 0, ignored: 0 } as Record<string, number>;
  const processedCopies = new Array<number>(events).fill(0);
  const ignoredCopies = new Array<number>(events).fill(0);
  const eventOutcomes = await runPool(events * copies, eventConcurrency, (index) =>
    timed(async () => {
      const eventIndex = index % events;
      const accountId = accountIds[eventIndex % accountIds.length] ?? 'acct_missing';
      const payload = JSON.stringify({
        id: `evt_load${prefix.slice(5)}${eventIndex}`,
        object: 'event',
        // As Stripe renders events for an endpoint created with the pinned version: the snapshot is stored as sent.
        // (Without it the service re-reads the account at the emulator, whose state is not the one sent here.)
        api_version: stripeApiVersion,
        type: 'account.updated',
        account: accountId,
        created: created + eventIndex,
        livemode: false,
        data: {
          object: {
            id: accountId,
            object: 'account',
            charges_enabled: eventIndex % 2 === 0,
            payouts_enabled: true,
            details_submitted: true,
            capabilities: {},
            requirements: {},
          },
        },
      });
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: localDefaults.webhookSecret });
      const response = await request(`${stack.gatewayUrl}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
      });
      const body = (await response.json()) as { status?: string };
      if (response.status !== 200) return `event answered ${response.status}`;
      statuses[body.status ?? 'unknown'] = (statuses[body.status ?? 'unknown'] ?? 0) + 1;
      if (body.status === 'processed') processedCopies[eventIndex] = (processedCopies[eventIndex] ?? 0) + 1;
      if (body.status === 'ignored') ignoredCopies[eventIndex] = (ignoredCopies[eventIndex] ?? 0) + 1;
      return undefined;
    }),
  );

  const stored = await db.send(new ScanCommand({ TableName: stack.tables.accounts, Select: 'COUNT' }));
  // Each account ends with its newest event's snapshot (an event for it every `accounts` indexes, newer by index).
  const newestIndex = (slot: number) => slot + accountIds.length * Math.floor((events - 1 - slot) / accountIds.length);
  const wrongStates = [];
  for (const [slot, accountId] of accountIds.slice(0, events).entries()) {
    const item = (
      await db.send(new GetCommand({ TableName: stack.tables.accounts, Key: { accountId }, ConsistentRead: true }))
    ).Item;
    if (item?.chargesEnabled !== (newestIndex(slot) % 2 === 0) || processedCopies[newestIndex(slot)] !== 1)
      wrongStates.push(accountId);
  }
  const processedTwice = processedCopies.filter((count) => count > 1).length;
  // Every event's first copy either applied it or found a newer state: all copies "duplicate" would mean a lost event.
  const neverDecided = processedCopies.filter(
    (count, index) => count === 0 && (ignoredCopies[index] ?? 0) === 0,
  ).length;
  const errors = [...flowOutcomes, ...eventOutcomes].filter((outcome) => !outcome.ok);
  const checks = [
    [
      `every flow completed once (${accountIds.length}/${flows} connected, ${stored.Count} stored)`,
      accountIds.length === flows && stored.Count === flows,
    ],
    [
      `every event applied once or found older, each account's newest applied and kept (${statuses.processed} processed, ${statuses.duplicate} duplicates, ${statuses.ignored} ignored as older; ${processedTwice} applied twice, ${neverDecided} only ever duplicates, ${wrongStates.length} accounts not at their newest state)`,
      processedTwice === 0 && neverDecided === 0 && wrongStates.length === 0,
    ],
    [`0 errors (${errors.length})`, errors.length === 0],
  ] as const;
  process.stdout.write(
    [
      '',
      `load: ${flows} OAuth flows (concurrency ${flowConcurrency}), ${events} events × ${copies} copies (concurrency ${eventConcurrency})`,
      `requests: ${requestTimes.length}, errors: ${errors.length}, p50 ${percentile(requestTimes, 50).toFixed(1)} ms, p99 ${percentile(requestTimes, 99).toFixed(1)} ms`,
      `flow p99 ${percentile(
        flowOutcomes.map((outcome) => outcome.ms),
        99,
      ).toFixed(1)} ms, webhook p99 ${percentile(
        eventOutcomes.map((outcome) => outcome.ms),
        99,
      ).toFixed(1)} ms`,
      ...checks.map(([label, ok]) => `${ok ? 'PASS' : 'FAIL'} ${label}`),
      ...errors.slice(0, 5).map((error) => `  error: ${error.detail}`),
      '',
    ].join('\n'),
  );
  await stack.close();
  process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
};

main().catch((error: unknown) => {
  process.stderr.write(`load failed: ${(error as Error).message}\n`);
  process.exit(1);
});
