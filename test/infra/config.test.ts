import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { resolveSettings, settingsFromContext } from '../../infra/config';
import { logicalId, synth } from './synth';

const pages = { successUrl: 'https://platform.example/connected', failureUrl: 'https://platform.example/connect-failed' };

describe('settingsFromContext', () => {
  it('parses -c strings into numbers, booleans and an origin list', () => {
    // Prepare: `-c` always passes strings
    const app = new App({
      context: {
        successUrl: 'https://platform.example/connected',
        returnToOrigins: 'https://platform.example, https://app.platform.example',
        stateTtlSeconds: '300',
        retainData: 'true',
        livemodeMismatch: 'ignore',
      },
    });

    // Act
    const settings = settingsFromContext(app.node);

    // Assess
    expect(settings).toMatchObject({
      successUrl: 'https://platform.example/connected',
      returnToOrigins: ['https://platform.example', 'https://app.platform.example'],
      stateTtlSeconds: 300,
      retainData: true,
      livemodeMismatch: 'ignore',
      failureUrl: undefined,
      secretArn: undefined,
    });
  });

  it('reaches the functions through the app', () => {
    const { stack, template } = synth(pages, { returnToOrigins: ['https://platform.example'], webhookToleranceSeconds: '120' });
    const id = logicalId(stack.functions.webhook.function);

    expect(template.findResources('AWS::Lambda::Function')[id]?.Properties.Environment.Variables).toMatchObject({
      RETURN_TO_ORIGINS: 'https://platform.example',
      WEBHOOK_TOLERANCE_SECONDS: '120',
    });
  });
});

describe('resolveSettings', () => {
  it('fills in the documented defaults', () => {
    expect(resolveSettings({})).toMatchObject({
      returnToOrigins: [],
      stateTtlSeconds: 600,
      webhookToleranceSeconds: 300,
      livemodeMismatch: 'ignore',
      retainData: false,
      logLevel: 'INFO',
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
    });
  });

  it('refuses an unknown livemodeMismatch', () => {
    expect(() => resolveSettings({ livemodeMismatch: 'warn' as never })).toThrow(
      "livemodeMismatch must be 'ignore' or 'reject', got 'warn'",
    );
  });

  it('refuses a non-numeric state TTL (a typo in -c stateTtlSeconds=10m)', () => {
    expect(() => resolveSettings({ stateTtlSeconds: Number('10m') })).toThrow('stateTtlSeconds must be a positive integer');
  });

  it('refuses a return_to origin with a path, which could never match', () => {
    expect(() => resolveSettings({ returnToOrigins: ['https://platform.example/app'] })).toThrow(
      "returnToOrigins: 'https://platform.example/app' is not a bare origin",
    );
  });
});

describe('stripeSecret', () => {
  it('refuses a secretArn that is not a Secrets Manager ARN', () => {
    expect(() => synth({ ...pages, secretArn: 'connect-onboarding/stripe' })).toThrow(
      "secretArn: 'connect-onboarding/stripe' is not a Secrets Manager secret ARN",
    );
  });
});
