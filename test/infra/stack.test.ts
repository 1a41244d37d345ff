import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { grantTableAccess } from '../../infra/service-tables';
import { ConnectOnboardingStack } from '../../infra/stack';
import { dynamoDbActionsOf } from '../../local/table-access';
import { type FunctionSpec, functionSpecs, routeKey, routes, type TableAccess } from '../../shared/routes';
import { type TableName, tableDefinitions } from '../../shared/tables';
import { grantsOf, logicalId, synth } from './synth';

const dynamodb = (actions: readonly string[]) => [...new Set(actions)].map((action) => `dynamodb:${action}`).sort();
/** What each table access grants, from the table the local gateway holds the functions to (local/table-access.ts). */
const actionsFor = Object.fromEntries(
  Object.entries(dynamoDbActionsOf).map(([access, actions]) => [access, dynamodb(actions)]),
) as Record<TableAccess, string[]>;
const secretRead = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
const completeSecretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:connect-onboarding/stripe-AbCdEf';

const pages = {
  successUrl: 'https://platform.example/connected',
  failureUrl: 'https://platform.example/connect-failed',
};
const { stack, template } = synth(pages);
const fnId = (spec: FunctionSpec) => logicalId(stack.functions[spec.name].function);
const roleId = (spec: FunctionSpec) => logicalId(stack.functions[spec.name].function.role as IConstruct);
const tableId = (table: TableName) => logicalId(stack.tables[table]);
const apiEndpoint = () => ({ 'Fn::GetAtt': [logicalId(stack.api), 'ApiEndpoint'] });
const environmentOfIn = (synthesized: ReturnType<typeof synth>, name: FunctionSpec['name']) => {
  const id = logicalId(synthesized.stack.functions[name].function);
  return synthesized.template.findResources('AWS::Lambda::Function')[id]?.Properties.Environment.Variables as Record<
    string,
    unknown
  >;
};
const environmentOf = (spec: FunctionSpec) => environmentOfIn({ stack, template }, spec.name);

describe('ConnectOnboardingStack', () => {
  for (const route of routes) {
    it(`routes ${routeKey(route)} to the ${route.function} function`, () => {
      // Act
      const [match] = Object.values(
        template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey(route) } }),
      );
      const integrationId = match?.Properties.Target['Fn::Join'][1][1].Ref as string;
      const integration = template.findResources('AWS::ApiGatewayV2::Integration')[integrationId];

      // Assess
      expect(integration?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fnId(functionSpecs[route.function]), 'Arn'] },
      });
    });
  }

  for (const spec of Object.values(functionSpecs)) {
    it(`runs the ${spec.name} handler on Node 24, arm64, ${spec.timeoutSeconds} s, ${spec.memoryMb} MB`, () => {
      expect(template.findResources('AWS::Lambda::Function')[fnId(spec)]?.Properties).toMatchObject({
        Description: spec.description,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: spec.timeoutSeconds,
        MemorySize: spec.memoryMb,
      });
    });

    it(`gives the ${spec.name} function the settings, its own tables and the secret`, () => {
      const tables = Object.keys(spec.tables) as TableName[];
      expect(environmentOf(spec)).toEqual({
        CALLBACK_URL: { 'Fn::Join': ['', [apiEndpoint(), '/connect/callback']] },
        SUCCESS_URL: pages.successUrl,
        FAILURE_URL: pages.failureUrl,
        RETURN_TO_ORIGINS: '',
        STATE_TTL_SECONDS: '600',
        WEBHOOK_TOLERANCE_SECONDS: '300',
        LIVEMODE_MISMATCH: 'ignore',
        EXPRESS_FEES_PAYER: 'application',
        EXPRESS_LOSSES: 'application',
        LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'ConnectOnboarding',
        ...Object.fromEntries(tables.map((table) => [tableDefinitions[table].envVar, { Ref: tableId(table) }])),
        ...(spec.readsSecret ? { SECRET_ID: { Ref: logicalId(stack.secret) } } : {}),
      });
    });

    it(`grants the ${spec.name} function exactly its spec's table and secret access`, () => {
      const expected: Record<string, string[]> = {};
      for (const [table, access] of Object.entries(spec.tables) as [TableName, keyof typeof actionsFor][]) {
        expected[tableId(table)] = actionsFor[access];
        if (tableDefinitions[table].indexes.length > 0) expected[`${tableId(table)}/index/*`] = actionsFor[access];
      }
      if (spec.readsSecret) expected[logicalId(stack.secret)] = secretRead;
      expect(grantsOf(template, roleId(spec))).toEqual(expected);
    });
  }

  it('lets login-link only read the accounts table and its index', () => {
    const grants = grantsOf(template, roleId(functionSpecs['login-link']));
    const accounts = tableId('accounts');

    expect(Object.keys(grants).sort()).toEqual([accounts, `${accounts}/index/*`, logicalId(stack.secret)].sort());
    expect(grants[accounts]).toContain('dynamodb:Query');
    for (const action of [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ]) {
      expect(grants[accounts]).not.toContain(action);
    }
  });

  it('grants for each table access exactly the actions the local gateway allows it, used by a spec or not', () => {
    // The loop above compares only the kinds of access some spec uses today (no function has `write`).
    for (const access of Object.keys(dynamoDbActionsOf) as TableAccess[]) {
      const scope = new Stack(new App(), 'Grants');
      const table = new TableV2(scope, 'Table', { partitionKey: { name: 'id', type: AttributeType.STRING } });
      const role = new Role(scope, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });

      grantTableAccess(table, role, access);

      expect(grantsOf(Template.fromStack(scope), logicalId(role)), access).toEqual({
        [logicalId(table)]: actionsFor[access],
      });
    }
  });

  it('lets authorize only put states and the callback only update them (the consume marks a state used)', () => {
    const states = tableId('states');

    expect(grantsOf(template, roleId(functionSpecs.authorize))[states]).toEqual(['dynamodb:PutItem']);
    expect(grantsOf(template, roleId(functionSpecs.callback))[states]).toEqual(['dynamodb:UpdateItem']);
  });

  it('keeps connected accounts: indexed by platform user, PITR, encrypted, deletion-protected, retained', () => {
    expect(template.findResources('AWS::DynamoDB::GlobalTable')[tableId('accounts')]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'accountId', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byPlatformUser',
            KeySchema: [
              { AttributeName: 'platformUserId', KeyType: 'HASH' },
              { AttributeName: 'connectedAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        SSESpecification: { SSEEnabled: true },
        Replicas: [
          { DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
        ],
      },
    });
  });

  for (const [table, key] of [
    ['states', 'stateHash'],
    ['events', 'eventId'],
  ] as const) {
    it(`creates the ${table} table keyed by ${key} with TTL on ttl, PITR, and deletable`, () => {
      expect(template.findResources('AWS::DynamoDB::GlobalTable')[tableId(table)]).toMatchObject({
        DeletionPolicy: 'Delete',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
          TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
          SSESpecification: { SSEEnabled: true },
          Replicas: [
            {
              DeletionProtectionEnabled: false,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            },
          ],
        },
      });
    });
  }

  it('retains every table when retainData is set', () => {
    const retained = synth({ ...pages, retainData: true });
    for (const table of Object.values(retained.stack.tables)) {
      expect(retained.template.findResources('AWS::DynamoDB::GlobalTable')[logicalId(table)]?.DeletionPolicy).toBe(
        'Retain',
      );
    }
  });

  it('creates the Stripe secret with the JSON fields and a generated platform token key', () => {
    expect(template.findResources('AWS::SecretsManager::Secret')[logicalId(stack.secret)]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        Name: 'connect-onboarding/stripe',
        GenerateSecretString: {
          GenerateStringKey: 'platformTokenSecret',
          SecretStringTemplate: JSON.stringify({
            secretKey: 'sk_REPLACE_ME',
            clientId: 'ca_REPLACE_ME',
            webhookSecrets: 'whsec_REPLACE_ME',
          }),
        },
      },
    });
  });

  it('lets a second stack (staging beside prod) live in the same account and region with its own secret, alarms and metrics', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const staging = new ConnectOnboardingStack(app, 'ConnectOnboardingStaging', pages);
    const stagingTemplate = Template.fromStack(staging);

    expect(
      stagingTemplate.findResources('AWS::SecretsManager::Secret')[logicalId(staging.secret)]?.Properties.Name,
    ).toBe('connectonboardingstaging/stripe');
    const alarmNames = Object.values(stagingTemplate.findResources('AWS::CloudWatch::Alarm')).map((alarm) =>
      String(alarm.Properties.AlarmName),
    );
    expect(alarmNames.length).toBeGreaterThan(0);
    expect(alarmNames.every((name) => name.startsWith('ConnectOnboardingStaging-'))).toBe(true);
    expect(environmentOfIn({ stack: staging, template: stagingTemplate }, 'webhook').POWERTOOLS_METRICS_NAMESPACE).toBe(
      'ConnectOnboardingStaging',
    );
  });

  it('imports the secret given as secretArn instead of creating one', () => {
    const imported = synth({ ...pages, secretArn: completeSecretArn });

    expect(imported.template.findResources('AWS::SecretsManager::Secret')).toEqual({});
    expect(environmentOfIn(imported, 'webhook').SECRET_ID).toBe(completeSecretArn);
    const grants = grantsOf(imported.template, logicalId(imported.stack.functions.webhook.function.role as IConstruct));
    expect(grants[completeSecretArn]).toEqual(secretRead);
    imported.template.hasOutput('SecretArn', { Value: completeSecretArn });
  });

  it('grants a partially given secretArn with the -?????? suffix wildcard', () => {
    const partial = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:connect-onboarding/stripe';
    const imported = synth({ ...pages, secretArn: partial });

    const grants = grantsOf(
      imported.template,
      logicalId(imported.stack.functions.authorize.function.role as IConstruct),
    );
    expect(grants[`${partial}-??????`]).toEqual(secretRead);
  });

  it('outputs the API, callback (redirect_uri), webhook URLs and the secret ARN', () => {
    template.hasOutput('ApiUrl', { Value: apiEndpoint() });
    template.hasOutput('CallbackUrl', { Value: { 'Fn::Join': ['', [apiEndpoint(), '/connect/callback']] } });
    template.hasOutput('WebhookUrl', { Value: { 'Fn::Join': ['', [apiEndpoint(), '/webhooks/stripe']] } });
    template.hasOutput('SecretArn', { Value: { Ref: logicalId(stack.secret) } });
  });

  it('uses an overridden callbackUrl for the functions and the output alike', () => {
    const callbackUrl = 'https://connect.platform.example/connect/callback';
    const custom = synth({ ...pages, callbackUrl });

    custom.template.hasOutput('CallbackUrl', { Value: callbackUrl });
    expect(environmentOfIn(custom, 'callback').CALLBACK_URL).toBe(callbackUrl);
  });

  it('throttles the $default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('warns at synth when the success and failure URLs are placeholders', () => {
    const defaults = synth();
    const annotations = Annotations.fromStack(defaults.stack);

    annotations.hasWarning('/ConnectOnboarding', Match.stringLikeRegexp('successUrl is a placeholder'));
    annotations.hasWarning('/ConnectOnboarding', Match.stringLikeRegexp('failureUrl is a placeholder'));
  });
});
