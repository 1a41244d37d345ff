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

  it('keeps a count without dimension until the stored metrics are flushed (the handler middleware does that)', () => {
    const metrics = createMetrics(createLogger('test', () => undefined));

    const whenCounted = emfDuring(() => metrics.count('LoginLinkCreated'));
    const whenFlushed = emfDuring(() => metrics.flush());

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

    expect(emfDuring(() => metrics.flush())).toEqual([]);
    expect(lines).toEqual([]);
  });
});

describe('createMetrics, per invocation', () => {
  const lines = (act: (metrics: ReturnType<typeof createMetrics>) => void, env: Record<string, string> = {}) => {
    const printed: string[] = [];
    act(
      createMetrics(
        createLogger('test', () => undefined),
        env,
        (line) => printed.push(line),
      ),
    );
    return printed.map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it('prints a metric counted twice in one invocation as two values, as EMF takes them', () => {
    expect(
      lines((metrics) => {
        metrics.count('WebhookEventProcessed');
        metrics.count('WebhookEventProcessed');
        metrics.count('LoginLinkCreated');
        metrics.flush();
        metrics.flush();
      }),
    ).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: 'ConnectOnboarding',
              Dimensions: [['service']],
              Metrics: [
                { Name: 'WebhookEventProcessed', Unit: 'Count' },
                { Name: 'LoginLinkCreated', Unit: 'Count' },
              ],
            },
          ],
        },
        service: 'connect-onboarding',
        WebhookEventProcessed: [1, 1],
        LoginLinkCreated: 1,
      },
    ]);
  });

  it('counts ColdStart once per on-demand container, by function name, and never in a provisioned one', () => {
    const onDemand = lines(
      (metrics) => {
        metrics.countColdStart('webhook-fn');
        metrics.countColdStart('webhook-fn');
      },
      { AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' },
    );
    const provisioned = lines((metrics) => metrics.countColdStart('webhook-fn'), {
      AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency',
    });

    expect({ onDemand, provisioned }).toEqual({
      onDemand: [
        {
          _aws: {
            Timestamp: expect.any(Number),
            CloudWatchMetrics: [
              {
                Namespace: 'ConnectOnboarding',
                Dimensions: [['service', 'function_name']],
                Metrics: [{ Name: 'ColdStart', Unit: 'Count' }],
              },
            ],
          },
          service: 'connect-onboarding',
          function_name: 'webhook-fn',
          ColdStart: 1,
        },
      ],
      provisioned: [],
    });
  });

  it('prints nothing when POWERTOOLS_METRICS_DISABLED is true', () => {
    expect(
      lines(
        (metrics) => {
          metrics.count('ConnectStarted', { flow: 'express' });
          metrics.count('LoginLinkCreated');
          metrics.flush();
        },
        { POWERTOOLS_METRICS_DISABLED: 'true' },
      ),
    ).toEqual([]);
  });
});
