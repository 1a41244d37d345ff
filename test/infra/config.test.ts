import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { resolveSettings, settingsFromContext } from '../../infra/config';
import { logicalId, synth } from './synth';

const pages = {
  successUrl: 'https://platform.example/connected',
  failureUrl: 'https://platform.example/connect-failed',
};

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

  it('reads the settings docs/operations.md §7 lists, one row each, and docs/configuration.md names', () => {
    const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
    const names = Object.keys(settingsFromContext(new App().node)).sort();
    const section = /^## 7\. .*$([\s\S]*?)^## /m.exec(doc('operations.md'))?.[1] ?? '';
    const rows = [...section.matchAll(/^\| `(\w+)` *\|/gm)].map(([, name]) => name);

    expect(rows.sort()).toEqual(names);
    expect(names.filter((name) => !doc('configuration.md').includes(`\`${name}\``))).toEqual([]);
  });

  it('reaches the functions through the app', () => {
    const { stack, template } = synth(pages, {
      returnToOrigins: ['https://platform.example'],
      webhookToleranceSeconds: '120',
      expressLosses: 'stripe',
    });
    const variables = (name: 'webhook' | 'onboard') =>
      template.findResources('AWS::Lambda::Function')[logicalId(stack.functions[name].function)]?.Properties.Environment
        .Variables;

    expect(variables('webhook')).toMatchObject({
      RETURN_TO_ORIGINS: 'https://platform.example',
      WEBHOOK_TOLERANCE_SECONDS: '120',
    });
    expect(variables('onboard')).toMatchObject({ EXPRESS_FEES_PAYER: 'application', EXPRESS_LOSSES: 'stripe' });
  });
});

describe('settingsFromContext for the endpoint, alarms and tags', () => {
  it('reads the stage, domain, certificate, alarm topic and key=value tags', () => {
    const app = new App({
      context: {
        stageName: 'live',
        domainName: 'connect.platform.example',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
        alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
        tags: 'team=payments, costCenter=42',
      },
    });

    expect(settingsFromContext(app.node)).toMatchObject({
      stageName: 'live',
      domainName: 'connect.platform.example',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
      tags: { team: 'payments', costCenter: '42' },
    });
  });

  it('takes tags as an object from cdk.json', () => {
    const app = new App({ context: { tags: { team: 'payments' } } });
    expect(settingsFromContext(app.node).tags).toEqual({ team: 'payments' });
  });

  it('refuses a tag that is not key=value', () => {
    const app = new App({ context: { tags: 'team' } });
    expect(() => settingsFromContext(app.node)).toThrow("tags: 'team' is not key=value");
  });
});

describe('stack tags', () => {
  const tagsOf = (synthesized: ReturnType<typeof synth>) =>
    (synthesized.stack.node.root as App).synth().getStackByName(synthesized.stack.stackName).tags;

  it('tags the stack (and so, through CloudFormation, every resource) service=connect-onboarding', () => {
    expect(tagsOf(synth(pages))).toEqual({ service: 'connect-onboarding' });
  });

  it('adds the tags given as props or -c tags=..., keeping service', () => {
    expect(tagsOf(synth({ ...pages, tags: { team: 'payments', service: 'other' } }, { tags: 'ignored=yes' }))).toEqual({
      team: 'payments',
      service: 'connect-onboarding',
    });
    expect(tagsOf(synth(pages, { tags: 'team=payments' }))).toEqual({
      team: 'payments',
      service: 'connect-onboarding',
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
      expressFeesPayer: 'application',
      expressLosses: 'application',
      retainData: false,
      logLevel: 'INFO',
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
      stageName: '$default',
      tags: { service: 'connect-onboarding' },
    });
  });

  it('refuses an Express controller Stripe would refuse, at synth rather than at the first onboarding', () => {
    expect(() => resolveSettings({ expressFeesPayer: 'account' })).toThrow(
      'expressLosses cannot be "application" here: the platform can carry the losses of an Express account only when it also pays its fees (fees payer application)',
    );
    expect(() => resolveSettings({ expressLosses: 'platform' as never })).toThrow(
      `expressLosses must be "application" or "stripe", got 'platform'`,
    );
    expect(resolveSettings({ expressFeesPayer: 'account', expressLosses: 'stripe' })).toMatchObject({
      expressFeesPayer: 'account',
      expressLosses: 'stripe',
    });
  });

  it('refuses an unknown livemodeMismatch', () => {
    expect(() => resolveSettings({ livemodeMismatch: 'warn' as never })).toThrow(
      `livemodeMismatch must be "ignore" or "reject", got 'warn'`,
    );
  });

  it('refuses a non-numeric state TTL (a typo in -c stateTtlSeconds=10m)', () => {
    expect(() => resolveSettings({ stateTtlSeconds: Number('10m') })).toThrow(
      'stateTtlSeconds must be a positive integer',
    );
  });

  it('takes return_to entries that are origins or origins with a path (the landing pages), as the functions compare them', () => {
    const entries = [
      'https://platform.example',
      'https://app.platform.example/connect/',
      'https://app.platform.example/done',
    ];
    expect(resolveSettings({ returnToOrigins: entries }).returnToOrigins).toEqual(entries);
  });

  it.each([
    ['https://platform.example/app?tab=1', 'a query'],
    ['https://platform.example/app#top', 'a fragment'],
    ['https://user@platform.example/app', 'credentials'],
    ['ftp://platform.example', 'another scheme'],
    ['HTTPS://platform.example', 'an upper-case scheme, which the URL parser writes in lower case'],
    ['https://platform.example:443', 'the default port, which the URL parser leaves out'],
    ['https://platform.example/a%2Fb/', 'a path no return_to can match (an encoded /)'],
    ['https://platform.example/connect;v=1/', 'a path no return_to can match (a ;)'],
    ['https://platform.example/a,b/', 'a comma, which splits it in two in RETURN_TO_ORIGINS'],
  ])("refuses the return_to entry '%s' (%s)", (entry) => {
    expect(() => resolveSettings({ returnToOrigins: [entry] })).toThrow(
      `returnToOrigins: '${entry}' is not an origin such as https://app.example.com, nor one with a path`,
    );
  });
});

describe('resolveSettings refuses at synth what would fail every live flow', () => {
  it.each([
    [{ successUrl: 'platform.example/done' }, "successUrl: 'platform.example/done' is not an absolute http(s) URL"],
    [{ failureUrl: 'javascript:alert(1)' }, "failureUrl: 'javascript:alert(1)' is not an absolute http(s) URL"],
    [{ callbackUrl: 'connect/callback' }, "callbackUrl: 'connect/callback' is not an absolute http(s) URL"],
    [
      { callbackUrl: 'http://connect.platform.example/connect/callback' },
      "callbackUrl: 'http://connect.platform.example/connect/callback' must be an https URL",
    ],
    [
      { returnToOrigins: ['not a url'] },
      "returnToOrigins: 'not a url' is not an origin such as https://app.example.com, nor one with a path such as https://app.example.com/connect/ (no query, fragment, credentials or comma, a path a return_to can match, and written as the URL parser writes it: lower-case scheme and host, no default port)",
    ],
    [{ stateTtlSeconds: 86_400 }, 'stateTtlSeconds must be at most 3600'],
    [{ webhookToleranceSeconds: 0 }, 'webhookToleranceSeconds must be a positive integer'],
    [{ throttleRateLimit: -1 }, 'throttleRateLimit must be a positive integer'],
    [{ throttleBurstLimit: 2.5 }, 'throttleBurstLimit must be a positive integer'],
    [{ expressFeesPayer: 'platform' as never }, `expressFeesPayer must be "application" or "account", got 'platform'`],
    [
      { logLevel: 'verbose' },
      "logLevel must be one of DEBUG, INFO, WARN (ERROR would hide the WARN lines the webhook signature alarm counts), got 'verbose'",
    ],
    [{ logLevel: 'ERROR' }, 'logLevel must be one of DEBUG, INFO, WARN'],
  ])('%j', (props, message) => {
    expect(() => resolveSettings(props)).toThrow(message);
  });

  it('accepts a log level in any case', () => {
    expect(resolveSettings({ logLevel: 'warn' }).logLevel).toBe('warn');
  });

  it('refuses a -c boolean that is neither true nor false, naming the setting', () => {
    const app = new App({ context: { retainData: 'yes' } });
    expect(() => settingsFromContext(app.node)).toThrow("retainData must be true or false, got 'yes'");
  });
});

describe('stripeSecret', () => {
  it('refuses a secretArn that is not a Secrets Manager ARN', () => {
    expect(() => synth({ ...pages, secretArn: 'connect-onboarding/stripe' })).toThrow(
      "secretArn: 'connect-onboarding/stripe' is not a Secrets Manager secret ARN",
    );
  });
});
