import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { ApiMapping, DomainName, type HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * One JSON object per request. Deliberately no `$context.requestOverride`/full URL: the query string
 * carries OAuth codes, states and platform tickets, so only the route key and the path are logged.
 * `requestId` is the id the functions log as `requestId`; `integrationRequestId` is the Lambda request id.
 */
export const accessLogFields = {
  requestId: '$context.requestId',
  integrationRequestId: '$context.integration.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  error: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
} as const;

/** Props of {@link createApiStage}. */
export interface ApiStageProps {
  readonly api: HttpApi;
  /** `$default` or a stage name (then a path prefix of the execute-api URL). */
  readonly stageName: string;
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  /** Custom domain and its ACM certificate (same region); both or neither. */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
}

/** What {@link createApiStage} created. */
export interface ApiStage {
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly domainName?: DomainName;
  /** Where clients reach the API, without a trailing slash: the custom domain if any, else execute-api. */
  readonly baseUrl: string;
}

/**
 * The API's one stage: auto-deployed, throttled, with JSON access logs in a log group of its own, and
 * mapped to the custom domain when one is given. Created directly in `scope` with the ids the stack
 * always used: a new logical id would replace the `$default` stage, and CloudFormation cannot create a
 * second `$default` next to the old one.
 */
export const createApiStage = (scope: Construct, props: ApiStageProps): ApiStage => {
  // Same retention as the function logs; access logs are for incident work, not an audit archive.
  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const domain = props.customDomain;
  const domainName = domain
    ? new DomainName(scope, 'ApiDomainName', {
        domainName: domain.domainName,
        certificate: Certificate.fromCertificateArn(scope, 'ApiCertificate', domain.certificateArn),
      })
    : undefined;
  const stage = new HttpStage(scope, 'DefaultStage', {
    httpApi: props.api,
    stageName: props.stageName,
    autoDeploy: true,
    throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
    },
  });
  if (domainName) {
    // At the root of the domain: `https://<domain>/connect/callback`, whatever the stage name.
    new ApiMapping(scope, 'ApiMapping', { api: props.api, domainName, stage });
  }
  const prefix = props.stageName === '$default' ? '' : `/${props.stageName}`;
  return {
    stage,
    accessLogs,
    domainName,
    baseUrl: domain ? `https://${domain.domainName}` : `${props.api.apiEndpoint}${prefix}`,
  };
};
