import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, type HttpRoute, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { settingEnvironment } from '../shared/config';
import {
  callbackPath,
  type FunctionName,
  type FunctionSpec,
  functionSpecs,
  type Route,
  routes,
  type TableAccess,
  webhookPath,
} from '../shared/routes';
import { type TableName, tableDefinitions } from '../shared/tables';
import { type ApiStage, createApiStage } from './api-stage';
import { type ConnectOnboardingSettings, placeholderUrls, resolveSettings } from './config';
import { serviceDashboard } from './dashboard';
import { Monitoring } from './monitoring';
import { acknowledgeNagFindings } from './nag';
import { ServiceFunction } from './service-function';
import { grantTableAccess, pascalCase, ServiceTables } from './service-tables';
import { stripeSecret } from './stripe-secret';

/** Props of {@link ConnectOnboardingStack}: the service settings (all optional) plus the usual stack props. */
export interface ConnectOnboardingStackProps extends StackProps, ConnectOnboardingSettings {}

/**
 * The whole service: an HTTP API whose routes come from shared/routes.ts, one Lambda function per
 * handler, the DynamoDB tables of shared/tables.ts and the Stripe secret, with each function
 * granted exactly the table and secret access its spec declares.
 */
export class ConnectOnboardingStack extends Stack {
  /** Each handler's function, by name (for tests and further wiring). */
  readonly functions: Readonly<Record<FunctionName, ServiceFunction>>;
  /** The tables of shared/tables.ts, by name. */
  readonly tables: Readonly<Record<TableName, TableV2>>;
  /** The Stripe secret, created or imported. */
  readonly secret: ISecret;
  /** The HTTP API; its one stage (`$default` unless `stageName` says otherwise) serves every route. */
  readonly api: HttpApi;
  /** The stage with its access logs and the custom domain, if any. */
  readonly apiStage: ApiStage;
  /** Each route of shared/routes.ts with the API Gateway route serving it. */
  readonly apiRoutes: readonly { readonly route: Route; readonly httpRoute: HttpRoute }[];
  /** Alarms and the metrics they watch. */
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ConnectOnboardingStackProps = {}) {
    const settings = resolveSettings(props);
    // Stack tags: CloudFormation copies them to every resource (cdk.json sets explicitStackTags).
    super(scope, id, { ...props, tags: settings.tags });
    for (const key of ['successUrl', 'failureUrl'] as const) {
      if (settings[key] === placeholderUrls[key]) {
        Annotations.of(this).addWarningV2(
          `connect-onboarding:${key}`,
          `${key} is a placeholder; set it with -c ${key}=https://...`,
        );
      }
    }

    // Created first and without a default stage: the functions' CALLBACK_URL needs its endpoint,
    // and the explicit stage carries throttling, access logs and the custom domain.
    const api = new HttpApi(this, 'Api', {
      description: 'Stripe Connect onboarding',
      createDefaultStage: false,
    });
    this.api = api;
    const apiStage = createApiStage(this, {
      api,
      stageName: settings.stageName,
      throttleRateLimit: settings.throttleRateLimit,
      throttleBurstLimit: settings.throttleBurstLimit,
      customDomain:
        settings.domainName && settings.certificateArn
          ? { domainName: settings.domainName, certificateArn: settings.certificateArn }
          : undefined,
    });
    this.apiStage = apiStage;
    // On the custom domain when there is one: the state cookie is host-only, so authorize and callback share a host.
    const callbackUrl = settings.callbackUrl ?? `${apiStage.baseUrl}${callbackPath}`;

    const { tables } = new ServiceTables(this, 'Tables', { retainAll: settings.retainData });
    const secret = stripeSecret(this, 'StripeSecret', settings.secretArn);
    this.tables = tables;
    this.secret = secret;

    const noticeBus = settings.eventBusArn
      ? EventBus.fromEventBusArn(this, 'NoticeBus', settings.eventBusArn)
      : undefined;

    const common: Record<string, string> = {
      // Stripe's own hosts in AWS (no STRIPE_API_BASE), and the functions' default Stripe timeout.
      ...settingEnvironment<'stripeApiBase' | 'stripeTimeoutMs'>({
        callbackUrl,
        successUrl: settings.successUrl,
        failureUrl: settings.failureUrl,
        returnToOrigins: settings.returnToOrigins.join(','),
        stateTtlSeconds: String(settings.stateTtlSeconds),
        webhookToleranceSeconds: String(settings.webhookToleranceSeconds),
        livemodeMismatch: settings.livemodeMismatch,
        expressFeesPayer: settings.expressFeesPayer,
        expressLosses: settings.expressLosses,
      }),
      LOG_LEVEL: settings.logLevel,
      // The application metrics (EMF) land beside the stack's own alarm metrics, one namespace per deployment.
      POWERTOOLS_METRICS_NAMESPACE: this.stackName,
    };
    const environmentOf = (spec: FunctionSpec): Record<string, string> => {
      const environment = { ...common };
      for (const table of Object.keys(spec.tables) as TableName[]) {
        environment[tableDefinitions[table].envVar] = tables[table].tableName;
      }
      if (spec.readsSecret) environment.SECRET_ID = secret.secretArn;
      if (spec.publishesNotices && noticeBus) environment.EVENT_BUS_NAME = noticeBus.eventBusArn;
      return environment;
    };

    const functions: Partial<Record<FunctionName, ServiceFunction>> = {};
    for (const spec of Object.values(functionSpecs)) {
      const service = new ServiceFunction(this, pascalCase(spec.name), { spec, environment: environmentOf(spec) });
      // Least privilege: exactly what the spec declares, nothing else.
      for (const [table, access] of Object.entries(spec.tables) as [TableName, TableAccess][]) {
        grantTableAccess(tables[table], service.function, access);
      }
      if (spec.readsSecret) secret.grantRead(service.function);
      if (spec.publishesNotices && noticeBus) noticeBus.grantPutEventsTo(service.function);
      functions[spec.name] = service;
    }
    this.functions = functions as Record<FunctionName, ServiceFunction>;

    // One integration per function, shared by its routes (several functions serve more than one).
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const apiRoutes: { route: Route; httpRoute: HttpRoute }[] = [];
    for (const route of routes) {
      let integration = integrations.get(route.function);
      if (integration === undefined) {
        integration = new HttpLambdaIntegration(
          `${pascalCase(route.function)}Integration`,
          this.functions[route.function].function,
          {
            payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
          },
        );
        integrations.set(route.function, integration);
      }
      const [httpRoute] = api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      if (httpRoute) apiRoutes.push({ route, httpRoute });
    }
    this.apiRoutes = apiRoutes;

    const monitoring = new Monitoring(this, 'Monitoring', {
      stage: apiStage.stage,
      functions: this.functions,
      tables,
      alarmTopicArn: settings.alarmTopicArn,
    });
    this.monitoring = monitoring;
    const dashboard = serviceDashboard(this, 'Dashboard', {
      stage: apiStage.stage,
      functions: this.functions,
      monitoring,
    });
    acknowledgeNagFindings(this);

    new CfnOutput(this, 'ApiUrl', { value: apiStage.baseUrl, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'CallbackUrl', {
      value: callbackUrl,
      description: 'The exact redirect_uri to register at Stripe',
    });
    new CfnOutput(this, 'WebhookUrl', {
      value: `${apiStage.baseUrl}${webhookPath}`,
      description: 'Stripe webhook endpoint URL',
    });
    new CfnOutput(this, 'SecretArn', {
      value: secret.secretArn,
      description: 'Secrets Manager secret with the Stripe credentials',
    });
    new CfnOutput(this, 'DashboardName', {
      value: dashboard.dashboardName,
      description: 'CloudWatch dashboard of the service',
    });
    if (apiStage.domainName) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: apiStage.domainName.regionalDomainName,
        description: `DNS target for ${settings.domainName}: a CNAME, or a Route 53 alias with CustomDomainHostedZoneId`,
      });
      new CfnOutput(this, 'CustomDomainHostedZoneId', {
        value: apiStage.domainName.regionalHostedZoneId,
        description: 'Hosted zone id for a Route 53 alias record',
      });
    }
  }
}
