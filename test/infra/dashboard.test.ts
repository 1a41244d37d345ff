import { describe, expect, it } from 'vitest';
import { functionNames } from '../../shared/routes';
import { logicalId, synth } from './synth';

const { stack, template } = synth({
  successUrl: 'https://platform.example/connected',
  failureUrl: 'https://platform.example/connect-failed',
});

type Widget = { type: string; properties: { title: string; metrics?: unknown[][]; alarms?: string[] } };

/** The dashboard body as JSON, with each `Ref`/`Fn::GetAtt` written as `<logicalId>`. */
const dashboard = (): { name: unknown; widgets: Widget[] } => {
  const [resource] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const parts = resource?.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return `<${ref.Ref ?? ref['Fn::GetAtt']?.[0]}>`;
    })
    .join('');
  return { name: resource?.Properties.DashboardName, widgets: (JSON.parse(text) as { widgets: Widget[] }).widgets };
};
const widget = (title: string): Widget => {
  const found = dashboard().widgets.find((candidate) => candidate.properties.title === title);
  if (found === undefined) throw new Error(`no widget '${title}'`);
  return found;
};
/** A widget's metrics as `namespace metric dimension=value… stat`, expressions as their text. */
const metricsOf = (title: string): string[] =>
  (widget(title).properties.metrics ?? []).map((row) => {
    const options = row.at(-1) as { stat?: string; expression?: string };
    if (options.expression) return options.expression;
    const [namespace, name, ...dims] = row.slice(0, -1) as string[];
    const pairs = [];
    for (let i = 0; i < dims.length; i += 2) pairs.push(`${dims[i]}=${dims[i + 1]}`);
    return [namespace, name, ...pairs, options.stat].join(' ');
  });

const api = `ApiId=<${logicalId(stack.api)}> Stage=$default`;
const fn = (name: (typeof functionNames)[number]) => `FunctionName=<${logicalId(stack.functions[name].function)}>`;

describe('the dashboard', () => {
  it('is named after the stack and its region', () => {
    expect(dashboard().name).toEqual({ 'Fn::Join': ['', ['ConnectOnboarding-', { Ref: 'AWS::Region' }]] });
  });

  it('shows API requests, 4xx, 5xx, the 5xx rate and latency', () => {
    expect(metricsOf('API requests')).toEqual([`AWS/ApiGateway Count ${api} Sum`]);
    expect(metricsOf('API 4xx / 5xx')).toEqual([
      `AWS/ApiGateway 4xx ${api} Sum`,
      `AWS/ApiGateway 5xx ${api} Sum`,
      'IF(requests > 0, 100 * errors / requests, 0)',
      `AWS/ApiGateway Count ${api} Sum`,
    ]);
    expect(metricsOf('API latency')).toEqual([
      `AWS/ApiGateway Latency ${api} p50`,
      `AWS/ApiGateway Latency ${api} p99`,
      `AWS/ApiGateway IntegrationLatency ${api} p99`,
    ]);
  });

  for (const [title, metric, stat] of [
    ['Function invocations', 'Invocations', 'Sum'],
    ['Function errors', 'Errors', 'Sum'],
    ['Function duration p99', 'Duration', 'p99'],
    ['Function throttles', 'Throttles', 'Sum'],
  ] as const) {
    it(`graphs ${metric} (${stat}) of every function`, () => {
      expect(metricsOf(title)).toEqual(functionNames.map((name) => `AWS/Lambda ${metric} ${fn(name)} ${stat}`));
    });
  }

  it('graphs webhook signature failures, poisoned events, API version mismatches and table throttles', () => {
    expect(metricsOf('Webhook signature failures')).toEqual(['ConnectOnboarding WebhookSignatureFailures Sum']);
    expect(metricsOf('Webhook events poisoned or in another API version')).toEqual([
      'ConnectOnboarding WebhookPoisonedEvents Sum',
      'ConnectOnboarding WebhookApiVersionMismatches Sum',
    ]);
    expect(metricsOf('DynamoDB throttle events')).toEqual(
      (['states', 'accounts', 'events'] as const).flatMap((table) => [
        `${table}Reads + ${table}Writes`,
        `AWS/DynamoDB ReadThrottleEvents TableName=<${logicalId(stack.tables[table])}> Sum`,
        `AWS/DynamoDB WriteThrottleEvents TableName=<${logicalId(stack.tables[table])}> Sum`,
      ]),
    );
  });

  it('shows the state of every alarm', () => {
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).map((id) => `<${id}>`);

    expect(widget('Alarms').properties.alarms?.slice().sort()).toEqual(alarms.sort());
  });
});
