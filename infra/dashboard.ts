import { Duration, type Stack } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { AlarmStatusWidget, Dashboard, GraphWidget, type IMetric, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { FunctionName } from '../shared/routes';
import type { Monitoring } from './monitoring';
import type { ServiceFunction } from './service-function';

/** Props of {@link serviceDashboard}. */
export interface ServiceDashboardProps {
  readonly stage: HttpStage;
  readonly functions: Readonly<Record<FunctionName, ServiceFunction>>;
  readonly monitoring: Monitoring;
}

const period = Duration.minutes(5);
const graph = (title: string, left: IMetric[], right: IMetric[] = []): IWidget =>
  new GraphWidget({ title, left, right, width: 8, height: 6, period });

/**
 * One CloudWatch dashboard for the service: the API (requests, 4xx, 5xx, latency), each function
 * (invocations, errors, p99 duration, throttles), webhook signature failures, table throttles, and the
 * state of every alarm. Named after stack and region: dashboard names are unique per account, not per region.
 */
export const serviceDashboard = (scope: Stack, id: string, props: ServiceDashboardProps): Dashboard => {
  const { stage, monitoring } = props;
  const functions = Object.entries(props.functions) as [FunctionName, ServiceFunction][];
  const perFunction = (metric: (service: ServiceFunction, label: FunctionName) => IMetric) =>
    functions.map(([name, service]) => metric(service, name));
  const sum = { period, statistic: 'Sum' } as const;

  const dashboard = new Dashboard(scope, id, { dashboardName: `${scope.stackName}-${scope.region}` });
  dashboard.addWidgets(
    graph('API requests', [stage.metricCount({ ...sum, label: 'requests' })]),
    graph(
      'API 4xx / 5xx',
      [stage.metricClientError({ ...sum, label: '4xx' }), stage.metricServerError({ ...sum, label: '5xx' })],
      [monitoring.apiServerErrorRate],
    ),
    graph('API latency', [
      stage.metricLatency({ period, statistic: 'p50', label: 'latency p50' }),
      stage.metricLatency({ period, statistic: 'p99', label: 'latency p99' }),
      stage.metricIntegrationLatency({ period, statistic: 'p99', label: 'integration p99' }),
    ]),
  );
  dashboard.addWidgets(
    graph(
      'Function invocations',
      perFunction(({ function: fn }, label) => fn.metricInvocations({ ...sum, label })),
    ),
    graph(
      'Function errors',
      perFunction(({ function: fn }, label) => fn.metricErrors({ ...sum, label })),
    ),
    graph(
      'Function duration p99',
      perFunction(({ function: fn }, label) => fn.metricDuration({ period, statistic: 'p99', label })),
    ),
  );
  dashboard.addWidgets(
    graph(
      'Function throttles',
      perFunction(({ function: fn }, label) => fn.metricThrottles({ ...sum, label })),
    ),
    graph('Webhook signature failures', [monitoring.signatureFailures]),
    graph('Webhook events poisoned or in another API version', [
      monitoring.poisonedEvents,
      monitoring.apiVersionMismatches,
    ]),
    graph('DynamoDB throttle events', Object.values(monitoring.tableThrottles)),
  );
  dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: monitoring.alarms, width: 24, height: 4 }));
  return dashboard;
};
