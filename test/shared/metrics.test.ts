import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import { createMetrics } from '../../shared/metrics';
import { capturedServiceLines } from '../support/log-guard';

/** EMF lines the metrics printed to stdout while `act` ran (the log guard captures them), parsed. */
const emfDuring = (act: () => void): unknown[] => {
  const before = capturedServiceLines().length;
  act();
  return capturedServiceLines()
    .slice(before)
    .filter((line) => line.startsWith('{"_aws":'))
    .map((line) => JSON.parse(line) as unknown);
};

const emf = (name: string, dimensions: Record<string, string>, namespace = 'ConnectOnboarding') => ({
  _aws: {
    Timestamp: expect.any(Number),
    CloudWatchMetrics: [
      {
        Namespace: namespace,
        Dimensions: [['service', ...Object.keys(dimensions)]],
        Metrics: [{ Name: name, Unit: 'Count' }],
      },
    ],
  },
  service: 'connect-onboarding',
  ...dimensions,
  [name]: 1,
});

describe('createMetrics', () => {
  it('prints a count with its one dimension at once, under the service dimension', () => {
    const metrics = createMetrics(createLogger('test', () => undefined));

    expect(emfDuring(() => metrics.count('ConnectFailed', { reason: 'state_expired' }))).toEqual([
      emf('ConnectFailed', { reason: 'state_expired' }),
    ]);
  });

  it('keeps a count without dimension until the stored metrics are flushed (logMetrics does that)', () => {
    const metrics = createMetrics(createLogger('test', () => undefined));

    const whenCounted = emfDuring(() => metrics.count('LoginLinkCreated'));
    const whenFlushed = emfDuring(() => metrics.powertools.publishStoredMetrics());

    expect({ whenCounted, whenFlushed }).toEqual({ whenCounted: [], whenFlushed: [emf('LoginLinkCreated', {})] });
  });

  it('counts a dimension value that is not a code (an id, a secret) as other, and says so', () => {
    const lines: string[] = [];
    const metrics = createMetrics(createLogger('test', (line) => lines.push(line)));

    const printed = emfDuring(() => metrics.count('WebhookEventIgnored', { reason: 'acct_1Nv0FGQ9RKHgCVdK' }));

    expect(printed).toEqual([emf('WebhookEventIgnored', { reason: 'other' })]);
    expect(JSON.stringify(printed)).not.toContain('acct_');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'metric dimension is not a code; counted as other',
        metric: 'WebhookEventIgnored',
        dimension: 'reason',
      }),
    ]);
  });

  it('takes the namespace from POWERTOOLS_METRICS_NAMESPACE (the stack name in AWS)', () => {
    const metrics = createMetrics(
      createLogger('test', () => undefined),
      { POWERTOOLS_METRICS_NAMESPACE: 'ConnectOnboarding-staging' },
    );

    expect(emfDuring(() => metrics.count('ConnectStarted', { flow: 'standard' }))).toEqual([
      emf('ConnectStarted', { flow: 'standard' }, 'ConnectOnboarding-staging'),
    ]);
  });

  it('does not warn on an invocation that counted nothing (most counts are single metrics)', () => {
    const lines: string[] = [];
    const metrics = createMetrics(createLogger('test', (line) => lines.push(line), 'info'));

    expect(emfDuring(() => metrics.powertools.publishStoredMetrics())).toEqual([]);
    expect(lines).toEqual([]);
  });
});
