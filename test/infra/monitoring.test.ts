import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { signatureFailureCodes } from '../../infra/monitoring';
import { functionNames } from '../../shared/routes';
import { apiVersionMismatchMessage, poisonedEventMessage } from '../../shared/webhooks/log-messages';
import { logicalId, synth } from './synth';

const pages = {
  successUrl: 'https://platform.example/connected',
  failureUrl: 'https://platform.example/connect-failed',
};
const topicArn = 'arn:aws:sns:eu-west-1:123456789012:connect-onboarding-alarms';
const withTopic = synth({ ...pages, alarmTopicArn: topicArn });
const { stack, template } = withTopic;
const fnId = (name: (typeof functionNames)[number]) => logicalId(stack.functions[name].function);

const alarmNamed = (from: Template, name: string) => {
  const [alarm] = Object.values(
    from.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: `ConnectOnboarding-${name}` } }),
  );
  if (alarm === undefined) throw new Error(`no alarm ConnectOnboarding-${name}`);
  return alarm.Properties as Record<string, unknown>;
};
const notifies = {
  AlarmActions: [topicArn],
  OKActions: [topicArn],
  EvaluationPeriods: 1,
  TreatMissingData: 'notBreaching',
};
const stage = { ApiId: { Ref: logicalId(stack.api) }, Stage: '$default' };
const dimensions = (values: Record<string, unknown>) =>
  Object.entries(values).map(([Name, Value]) => ({ Name, Value }));

describe('Monitoring', () => {
  it('alarms when more than 5% of API requests answer 5xx over 5 minutes', () => {
    expect(alarmNamed(template, 'api-5xx-rate')).toMatchObject({
      ...notifies,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: [
        { Id: 'expr_1', Expression: 'IF(requests > 0, 100 * errors / requests, 0)', ReturnData: true },
        {
          Id: 'errors',
          ReturnData: false,
          MetricStat: {
            Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: dimensions(stage) },
            Period: 300,
            Stat: 'Sum',
          },
        },
        {
          Id: 'requests',
          ReturnData: false,
          MetricStat: {
            Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: dimensions(stage) },
            Period: 300,
            Stat: 'Sum',
          },
        },
      ],
    });
  });

  for (const name of functionNames) {
    for (const metric of ['Errors', 'Throttles']) {
      it(`alarms on any ${metric.toLowerCase()} of the ${name} function in 5 minutes`, () => {
        expect(alarmNamed(template, `${name}-${metric.toLowerCase()}`)).toMatchObject({
          ...notifies,
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: dimensions({ FunctionName: { Ref: fnId(name) } }),
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      });
    }
  }

  /** A metric filter on the webhook's log group counting the lines `pattern` matches. */
  const webhookLogFilter = (pattern: string, metricName: string) => ({
    LogGroupName: { Ref: logicalId(stack.functions.webhook.function.logGroup) },
    FilterPattern: pattern,
    MetricTransformations: [
      { MetricNamespace: 'ConnectOnboarding', MetricName: metricName, MetricValue: '1', DefaultValue: 0 },
    ],
  });

  it("counts the webhook's signature refusals, poisoned events and API version mismatches from its JSON log lines", () => {
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    expect(filters.map((filter) => filter.Properties)).toEqual([
      webhookLogFilter(
        '{ ($.service = "webhook") && ($.message = "request refused") && (' +
          signatureFailureCodes.map((code) => `($.errorCode = "${code}")`).join(' || ') +
          ') }',
        'WebhookSignatureFailures',
      ),
      webhookLogFilter(
        `{ ($.service = "webhook") && ($.message = "${poisonedEventMessage}") }`,
        'WebhookPoisonedEvents',
      ),
      webhookLogFilter(
        `{ ($.service = "webhook") && ($.message = "${apiVersionMismatchMessage}") }`,
        'WebhookApiVersionMismatches',
      ),
    ]);
    expect(signatureFailureCodes).toEqual([
      'signature_mismatch',
      'missing_signature',
      'timestamp_outside_tolerance',
      'invalid_signature_header',
    ]);
  });

  it('alarms on 5 or more webhook signature failures in 5 minutes', () => {
    expect(alarmNamed(template, 'webhook-signature-failures')).toMatchObject({
      ...notifies,
      Metrics: [
        {
          MetricStat: {
            Metric: { Namespace: 'ConnectOnboarding', MetricName: 'WebhookSignatureFailures' },
            Period: 300,
            Stat: 'Sum',
          },
        },
      ],
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  for (const [alarm, metricName, what] of [
    ['webhook-poisoned-events', 'WebhookPoisonedEvents', 'verified event acknowledged without being applied'],
    ['webhook-api-version-mismatch', 'WebhookApiVersionMismatches', 'event in another API version than the pinned one'],
  ] as const) {
    it(`alarms on any ${what} in 5 minutes`, () => {
      expect(alarmNamed(template, alarm)).toMatchObject({
        ...notifies,
        Metrics: [
          {
            MetricStat: {
              Metric: { Namespace: 'ConnectOnboarding', MetricName: metricName },
              Period: 300,
              Stat: 'Sum',
            },
          },
        ],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });
  }

  for (const table of ['states', 'accounts', 'events'] as const) {
    it(`alarms on any throttled read or write of the ${table} table`, () => {
      const tableDimension = dimensions({ TableName: { Ref: logicalId(stack.tables[table]) } });
      expect(alarmNamed(template, `${table}-table-throttles`)).toMatchObject({
        ...notifies,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Metrics: [
          { Expression: `${table}Reads + ${table}Writes` },
          {
            Id: `${table}Reads`,
            MetricStat: {
              Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'ReadThrottleEvents', Dimensions: tableDimension },
              Period: 300,
              Stat: 'Sum',
            },
          },
          {
            Id: `${table}Writes`,
            MetricStat: {
              Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'WriteThrottleEvents', Dimensions: tableDimension },
              Period: 300,
              Stat: 'Sum',
            },
          },
        ],
      });
    });
  }

  it('creates the alarms without actions when no alarmTopicArn is given', () => {
    const alarms = Object.values(synth(pages).template.findResources('AWS::CloudWatch::Alarm'));

    expect(alarms.map((alarm) => alarm.Properties.AlarmName as string).sort()).toEqual(
      Object.values(template.findResources('AWS::CloudWatch::Alarm'))
        .map((alarm) => alarm.Properties.AlarmName as string)
        .sort(),
    );
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toBeUndefined();
      expect(alarm.Properties.OKActions).toBeUndefined();
    }
  });

  it('points every alarm at the section of docs/operations.md that says what it means, by its heading there', () => {
    const headings = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('## '))
      .map((line) => line.slice(3));
    const descriptions = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties.AlarmDescription as string,
    );

    expect(descriptions.length).toBeGreaterThan(0);
    for (const description of descriptions) {
      const [, section] = /See docs\/operations\.md \((.+)\)\.$/.exec(description) ?? [];
      expect({ description, section: headings.includes(section ?? '') ? 'found' : section }).toEqual({
        description,
        section: 'found',
      });
    }
  });

  it('refuses an alarmTopicArn that is not an SNS topic ARN', () => {
    expect(() => synth({ ...pages, alarmTopicArn: 'connect-onboarding-alarms' })).toThrow(
      "alarmTopicArn: 'connect-onboarding-alarms' is not an SNS topic ARN",
    );
  });
});
