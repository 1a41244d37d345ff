/**
 * The docs name exactly the reasons a verified webhook event is answered `ignored` for
 * (shared/webhooks/ignore-reasons.ts): the metrics table of docs/observability.md and the list of
 * poisoned events in docs/webhooks.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ignoreReasons, poisonReasons } from '../../shared/webhooks/ignore-reasons';

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
const codesIn = (text: string) => [...text.matchAll(/`([a-z_]+)`/g)].map(([, code]) => code).sort();
const metricRow = (metric: string) => {
  const row = doc('observability.md')
    .split('\n')
    .find((line) => line.startsWith(`| \`${metric}\``));
  return row?.split('|')[2] ?? '';
};

describe('the reasons a verified webhook event changes nothing, as the docs name them', () => {
  it('WebhookEventIgnored and WebhookEventPoisoned: a reason dimension of each reason, and no other', () => {
    expect(codesIn(metricRow('WebhookEventIgnored'))).toEqual(['reason', ...ignoreReasons].sort());
    expect(codesIn(metricRow('WebhookEventPoisoned'))).toEqual(['reason', ...poisonReasons].sort());
  });

  it('docs/webhooks.md explains every poisoned reason', () => {
    const section = doc('webhooks.md').split('The reasons:')[1]?.trimStart().split('\n\n')[0] ?? '';
    const explained = [...section.matchAll(/^- (.+?):/gm)].flatMap(([, names]) => codesIn(names ?? ''));

    expect(explained.sort()).toEqual([...poisonReasons].sort());
  });
});
