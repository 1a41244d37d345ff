import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterPattern, type JsonPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ErrorCode } from '../shared/errors';
import type { FunctionName } from '../shared/routes';
import type { TableName } from '../shared/tables';
import {
  apiVersionMismatchMessage,
  poisonedEventMessage,
  requestRefusedMessage,
} from '../shared/webhooks/log-messages';
import type { ServiceFunction } from './service-function';

/** The `errorCode`s the webhook logs (WARN, message "request refused") when a request is not signed by Stripe. */
export const signatureFailureCodes = [
  'signature_mismatch',
  'missing_signature',
  'timestamp_outside_tolerance',
  'invalid_signature_header',
] as const satisfies readonly ErrorCode[];
export const signatureFailureMetricName = 'WebhookSignatureFailures';
/** Verified events acknowledged without applying (the EMF metric `WebhookEventPoisoned` splits them by reason). */
export const poisonedEventsMetricName = 'WebhookPoisonedEvents';
/** Events in another API version than the service's (the EMF metric `WebhookApiVersionMismatch`, by event type). */
export const apiVersionMismatchesMetricName = 'WebhookApiVersionMismatches';

/** Alarm thresholds, all over {@link alarmPeriod}. docs/operations.md says what each alarm means. */
export const alarmThresholds = {
  /** Percent of API requests answered 5xx (alarm when above). */
  apiServerErrorPercent: 5,
  /** Unhandled function errors: the handlers turn failures into responses, so any is a crash or a timeout. */
  functionErrors: 1,
  functionThrottles: 1,
  /** Stripe retries a refused delivery; a wrong secret after a roll fails every one, a scanner a few. */
  webhookSignatureFailures: 5,
  /** A poisoned event is lost to the platform until someone looks: each one. */
  webhookPoisonedEvents: 1,
  /** Every event of a mismatched endpoint is: the endpoint must be recreated in the pinned version. */
  webhookApiVersionMismatches: 1,
  /** Read + write throttle events: the SDK retries them, but on-demand tables rarely throttle at all. */
  tableThrottleEvents: 1,
} as const;
export const alarmPeriod = Duration.minutes(5);

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  readonly stage: HttpStage;
  readonly functions: Readonly<Record<FunctionName, ServiceFunction>>;
  readonly tables: Readonly<Record<TableName, TableV2>>;
  /** Alarms notify this topic on ALARM and on OK; none when absent. */
  readonly alarmTopicArn?: string;
}

/**
 * The service's alarms, and the metrics they watch (the dashboard shows the same ones). The webhook's
 * signature failures are counted by a metric filter on its log lines, so they need no code change and
 * keep working whichever logger writes the JSON.
 */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  /** Custom metrics live under the stack name, so two stacks in one account and region stay apart. */
  readonly namespace: string;
  readonly apiServerErrorRate: MathExpression;
  readonly signatureFailures: Metric;
  readonly poisonedEvents: Metric;
  readonly apiVersionMismatches: Metric;
  readonly tableThrottles: Readonly<Record<TableName, IMetric>>;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.namespace = stackName;
    const action = props.alarmTopicArn
      ? new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn))
      : undefined;
    const alarm = (
      name: string,
      metric: IMetric,
      threshold: number,
      comparison: ComparisonOperator,
      description: string,
    ) => {
      const created = new Alarm(this, name, {
        alarmName: `${stackName}-${name}`,
        alarmDescription: `${description} See docs/operations.md (11. Monitoring).`,
        metric,
        threshold,
        comparisonOperator: comparison,
        evaluationPeriods: 1,
        // No traffic is not an outage of this service.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (action) {
        created.addAlarmAction(action);
        created.addOkAction(action);
      }
      this.alarms.push(created);
    };
    const atLeast = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

    this.apiServerErrorRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: props.stage.metricServerError({ period: alarmPeriod, statistic: 'Sum' }),
        requests: props.stage.metricCount({ period: alarmPeriod, statistic: 'Sum' }),
      },
      period: alarmPeriod,
      label: 'API 5xx rate (%)',
    });
    alarm(
      'api-5xx-rate',
      this.apiServerErrorRate,
      alarmThresholds.apiServerErrorPercent,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      `More than ${alarmThresholds.apiServerErrorPercent}% of API requests answered 5xx in 5 minutes (Stripe, DynamoDB or Secrets Manager failing, or a bug).`,
    );

    for (const [name, service] of Object.entries(props.functions)) {
      const fn = service.function;
      alarm(
        `${name}-errors`,
        fn.metricErrors({ period: alarmPeriod, statistic: 'Sum' }),
        alarmThresholds.functionErrors,
        atLeast,
        `The ${name} function crashed or timed out (errors that never became an HTTP response).`,
      );
      alarm(
        `${name}-throttles`,
        fn.metricThrottles({ period: alarmPeriod, statistic: 'Sum' }),
        alarmThresholds.functionThrottles,
        atLeast,
        `The ${name} function was throttled: account concurrency exhausted; callers got 5xx (Stripe retries webhooks).`,
      );
    }

    /** A count of the webhook's JSON log lines that match `conditions` (zero for every other line). */
    const webhookLogMetric = (id: string, metricName: string, label: string, ...conditions: JsonPattern[]) =>
      new MetricFilter(this, id, {
        logGroup: props.functions.webhook.function.logGroup,
        filterPattern: FilterPattern.all(
          FilterPattern.stringValue('$.service', '=', 'webhook' satisfies FunctionName),
          ...conditions,
        ),
        metricNamespace: this.namespace,
        metricName,
        metricValue: '1',
        // Zero for every other webhook log line: a flat line on the dashboard rather than gaps.
        defaultValue: 0,
      }).metric({ period: alarmPeriod, statistic: 'Sum', label });

    this.signatureFailures = webhookLogMetric(
      'SignatureFailureFilter',
      signatureFailureMetricName,
      'Webhook signature failures',
      FilterPattern.stringValue('$.message', '=', requestRefusedMessage),
      FilterPattern.any(...signatureFailureCodes.map((code) => FilterPattern.stringValue('$.errorCode', '=', code))),
    );
    alarm(
      'webhook-signature-failures',
      this.signatureFailures,
      alarmThresholds.webhookSignatureFailures,
      atLeast,
      `At least ${alarmThresholds.webhookSignatureFailures} webhook requests with a missing or wrong Stripe signature in 5 minutes: a webhook secret rolled at Stripe but not in the secret, or someone probing the endpoint.`,
    );

    this.poisonedEvents = webhookLogMetric(
      'PoisonedEventFilter',
      poisonedEventsMetricName,
      'Webhook events poisoned',
      FilterPattern.stringValue('$.message', '=', poisonedEventMessage),
    );
    alarm(
      'webhook-poisoned-events',
      this.poisonedEvents,
      alarmThresholds.webhookPoisonedEvents,
      atLeast,
      'A verified Stripe event was acknowledged without being applied, because no retry could ever apply it (its log line gives the reason: a malformed object, a created time in the future, or a write the store refuses).',
    );

    this.apiVersionMismatches = webhookLogMetric(
      'ApiVersionMismatchFilter',
      apiVersionMismatchesMetricName,
      'Webhook events in another API version',
      FilterPattern.stringValue('$.message', '=', apiVersionMismatchMessage),
    );
    alarm(
      'webhook-api-version-mismatch',
      this.apiVersionMismatches,
      alarmThresholds.webhookApiVersionMismatches,
      atLeast,
      'Stripe sent events in another API version than the one the service pins: the webhook endpoint was created with another version. Events are still processed (account snapshots re-read at Stripe); recreate the endpoint with the pinned version.',
    );

    const tableThrottles: Partial<Record<TableName, IMetric>> = {};
    for (const [name, table] of Object.entries(props.tables) as [TableName, TableV2][]) {
      const throttles = new MathExpression({
        // Ids unique per table: the dashboard draws all tables' expressions in one graph.
        expression: `${name}Reads + ${name}Writes`,
        usingMetrics: {
          [`${name}Reads`]: table.metric('ReadThrottleEvents', { period: alarmPeriod, statistic: 'Sum' }),
          [`${name}Writes`]: table.metric('WriteThrottleEvents', { period: alarmPeriod, statistic: 'Sum' }),
        },
        period: alarmPeriod,
        label: `${name} throttle events`,
      });
      tableThrottles[name] = throttles;
      alarm(
        `${name}-table-throttles`,
        throttles,
        alarmThresholds.tableThrottleEvents,
        atLeast,
        `DynamoDB throttled requests to the ${name} table (a hot key or a sudden traffic peak); persistent throttling becomes 503s.`,
      );
    }
    this.tableThrottles = tableThrottles as Record<TableName, IMetric>;
  }
}
