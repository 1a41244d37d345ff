import { describe, expect, it } from 'vitest';
import { accessLogFields } from '../../infra/api-stage';
import { logicalId, synth } from './synth';

const pages = {
  successUrl: 'https://platform.example/connected',
  failureUrl: 'https://platform.example/connect-failed',
};
const domain = {
  domainName: 'connect.platform.example',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
};
const { stack, template } = synth(pages);
const callbackUrlOf = (synthesized: ReturnType<typeof synth>) => {
  const id = logicalId(synthesized.stack.functions.callback.function);
  return synthesized.template.findResources('AWS::Lambda::Function')[id]?.Properties.Environment.Variables.CALLBACK_URL;
};
const stageOf = (synthesized: ReturnType<typeof synth>) =>
  Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties;
const endpoint = () => ({ 'Fn::GetAtt': [logicalId(stack.api), 'ApiEndpoint'] });

describe('createApiStage', () => {
  it('writes one JSON access log line per request to its own log group', () => {
    const settings = stageOf({ stack, template }).AccessLogSettings;

    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(stack.apiStage.accessLogs), 'Arn'] });
    expect(JSON.parse(settings.Format)).toEqual({
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
    });
  });

  it('never logs the query string (OAuth codes, states and tickets travel there)', () => {
    const format = stageOf({ stack, template }).AccessLogSettings.Format as string;
    for (const leak of ['querystring', 'requestOverride', 'domainName', 'authorizer', 'requestUrl']) {
      expect(format.toLowerCase()).not.toContain(leak.toLowerCase());
    }
    expect(Object.values(accessLogFields).every((value) => /^\$context\.[A-Za-z.]+$/.test(value))).toBe(true);
  });

  it('keeps access logs and every function log for a month, then drops them', () => {
    const groups = [
      stack.apiStage.accessLogs,
      ...Object.values(stack.functions).map(({ function: fn }) => fn.logGroup),
    ];
    for (const group of groups) {
      expect(template.findResources('AWS::Logs::LogGroup')[logicalId(group)]).toMatchObject({
        DeletionPolicy: 'Delete',
        Properties: { RetentionInDays: 30 },
      });
    }
  });

  it('keeps the logical id of the $default stage (a replacement would fail: two $default stages)', () => {
    expect(logicalId(stack.apiStage.stage)).toBe('DefaultStageEE28A986');
  });

  it('serves a named stage under its path prefix, callback included', () => {
    const named = synth({ ...pages, stageName: 'live' });

    expect(stageOf(named)).toMatchObject({
      StageName: 'live',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    expect(callbackUrlOf(named)).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(named.stack.api), 'ApiEndpoint'] }, '/live/connect/callback']],
    });
    named.template.hasOutput('WebhookUrl', {
      Value: {
        'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(named.stack.api), 'ApiEndpoint'] }, '/live/webhooks/stripe']],
      },
    });
  });

  it('refuses a stage name API Gateway would refuse', () => {
    expect(() => synth({ ...pages, stageName: 'live/v1' })).toThrow(
      "stageName: 'live/v1' may only contain letters, digits, '-' and '_' (or be '$default')",
    );
  });

  it('has no custom domain unless one is given', () => {
    expect(template.findResources('AWS::ApiGatewayV2::DomainName')).toEqual({});
    template.hasOutput('CallbackUrl', { Value: { 'Fn::Join': ['', [endpoint(), '/connect/callback']] } });
  });

  it('maps a custom domain at its root and sends Stripe and browsers there', () => {
    const custom = synth({ ...pages, ...domain, stageName: 'live' });
    const domainId = logicalId(custom.stack.apiStage.domainName!);

    expect(custom.template.findResources('AWS::ApiGatewayV2::DomainName')[domainId]?.Properties).toEqual({
      DomainName: domain.domainName,
      DomainNameConfigurations: [{ CertificateArn: domain.certificateArn, EndpointType: 'REGIONAL' }],
    });
    expect(Object.values(custom.template.findResources('AWS::ApiGatewayV2::ApiMapping'))).toEqual([
      {
        Type: 'AWS::ApiGatewayV2::ApiMapping',
        Properties: { ApiId: { Ref: logicalId(custom.stack.api) }, DomainName: { Ref: domainId }, Stage: 'live' },
        // The stage is named, not referenced: without this the mapping could be created before it.
        DependsOn: [logicalId(custom.stack.apiStage.stage)],
      },
    ]);
    // The state cookie is host-only: authorize and callback must be on the same host.
    expect(callbackUrlOf(custom)).toBe('https://connect.platform.example/connect/callback');
    custom.template.hasOutput('CallbackUrl', { Value: 'https://connect.platform.example/connect/callback' });
    custom.template.hasOutput('WebhookUrl', { Value: 'https://connect.platform.example/webhooks/stripe' });
    custom.template.hasOutput('ApiUrl', { Value: 'https://connect.platform.example' });
    custom.template.hasOutput('CustomDomainTarget', { Value: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] } });
  });

  it('lets an explicit callbackUrl win over the custom domain', () => {
    const custom = synth({ ...pages, ...domain, callbackUrl: 'https://other.platform.example/connect/callback' });

    expect(callbackUrlOf(custom)).toBe('https://other.platform.example/connect/callback');
  });

  it('refuses a domain without its certificate, and a certificate that is not an ACM ARN', () => {
    expect(() => synth({ ...pages, domainName: domain.domainName })).toThrow(
      'domainName and certificateArn go together: set both or neither',
    );
    expect(() =>
      synth({ ...pages, ...domain, certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' }),
    ).toThrow("certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' is not an ACM certificate ARN");
  });
});
