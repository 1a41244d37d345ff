import { App, Stack, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { applyNagChecks } from '../../infra/nag';
import type { ConnectOnboardingStackProps } from '../../infra/stack';
import { logicalId, synth } from './synth';

const pages = {
  successUrl: 'https://platform.example/connected',
  failureUrl: 'https://platform.example/connect-failed',
};
const everything: ConnectOnboardingStackProps = {
  ...pages,
  alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:connect-onboarding-alarms',
  domainName: 'connect.platform.example',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/platform',
  stageName: 'live',
  retainData: true,
};
const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:connect-onboarding/stripe';
// At module level like stack.test.ts: the first synth loads aws-cdk-lib, slow on a busy machine.
const defaults = synth(pages);

/** `rule (severity) @ path` for each unacknowledged finding, errors and warnings alike. */
const findingsIn = (scope: IConstruct): string[] =>
  new AwsSolutionsChecks(undefined, { verbose: true })
    .validateScope(scope)
    .violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource) => `${violation.ruleName} (${violation.severity}) @ ${resource.constructPath}`,
      ),
    );

/** Every acknowledgment in the tree: construct path → rule id → reason. */
const acknowledgments = (scope: IConstruct): Record<string, Record<string, string>> => {
  const found: Record<string, Record<string, string>> = {};
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      const rules = Object.entries(entry.data as Record<string, string>).map(([id, reason]) => [
        id.replace(/^annotation::/i, ''),
        reason,
      ]);
      found[construct.node.path] = { ...found[construct.node.path], ...Object.fromEntries(rules) };
    }
  }
  return found;
};

describe('AwsSolutions checks (cdk-nag)', () => {
  it('finds nothing unacknowledged with the defaults', () => {
    expect(findingsIn(defaults.stack)).toEqual([]);
  });

  for (const [name, props] of [
    ['alarm topic, custom domain, event bus, named stage and retained data', everything],
    ['an imported secret (complete ARN)', { ...pages, secretArn: `${secretArn}-AbCdEf` }],
    ['an imported secret (partial ARN)', { ...pages, secretArn }],
  ] as const) {
    it(`finds nothing unacknowledged with ${name}`, () => {
      expect(findingsIn(synth(props).stack)).toEqual([]);
    });
  }

  it('lets the app synthesize with the pack registered as in infra/app.ts', () => {
    const { stack } = synth(pages);
    applyNagChecks(stack.node.root);

    expect(() => (stack.node.root as App).synth()).not.toThrow();
  });

  it('accepts exactly the listed findings, each on its own resource with a specific reason', () => {
    const { stack } = defaults;
    const accounts = logicalId(stack.tables.accounts);
    const iam4 =
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
    const iam5 = `AwsSolutions-IAM5[Resource::<${accounts}.Arn>/index/*]`;

    const found = acknowledgments(stack);

    const ids = Object.entries(found)
      .flatMap(([path, rules]) => Object.keys(rules).map((id) => `${id} @ ${path}`))
      .sort();
    const readersOfAccounts = [
      'Callback',
      'LoginLink',
      'Accounts',
      'Deauthorize',
      'Onboard',
      'OnboardingApi',
      'Webhook',
    ];
    const functions = ['Authorize', ...readersOfAccounts];
    expect(ids).toEqual(
      [
        ...stack.apiRoutes.map(({ httpRoute }) => `AwsSolutions-APIG4 @ ${httpRoute.node.path}`),
        ...functions.map((fn) => `${iam4} @ ConnectOnboarding/${fn}/Function/ServiceRole`),
        ...readersOfAccounts.map((fn) => `${iam5} @ ConnectOnboarding/${fn}/Function/ServiceRole/DefaultPolicy`),
        'AwsSolutions-SMG4 @ ConnectOnboarding/StripeSecret/Resource',
      ].sort(),
    );
    for (const rules of Object.values(found)) {
      for (const reason of Object.values(rules)) expect(reason.length).toBeGreaterThan(80);
    }
    expect(
      found[stack.apiRoutes.find(({ route }) => route.function === 'webhook')!.httpRoute.node.path]?.[
        'AwsSolutions-APIG4'
      ],
    ).toMatch(/Stripe-Signature/);
    expect(
      found[stack.apiRoutes.find(({ route }) => route.function === 'callback')!.httpRoute.node.path]?.[
        'AwsSolutions-APIG4'
      ],
    ).toMatch(/state cookie/);
  });

  it('still reports what nobody acknowledged (the check is live)', () => {
    const stack = new Stack(new App(), 'Bare');
    new HttpApi(stack, 'Api').addRoutes({
      path: '/open',
      methods: [HttpMethod.GET],
      integration: new HttpUrlIntegration('Url', 'https://example.com'),
    });

    expect(findingsIn(stack)).toContain('AwsSolutions-APIG4 (error) @ Bare/Api/GET--open/Resource');
  });
});
