import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askForWebhookSecret, stripeListenCommand, stripeModeFrom } from '../../local/stripe-mode';

const keys = { STRIPE_SECRET_KEY: 'sk_test_51abc', STRIPE_CLIENT_ID: 'ca_abc' };

describe('npm start --stripe', () => {
  it('uses the emulator unless asked, whatever keys are set', () => {
    expect(stripeModeFrom([], keys)).toEqual({ stripe: 'emulator' });
    expect(stripeModeFrom(['--in-memory', '--stripe=emulator'], {})).toEqual({ stripe: 'emulator' });
  });

  it('takes real Stripe in test mode with the developer keys', () => {
    expect(stripeModeFrom(['--stripe=test'], { ...keys, STRIPE_WEBHOOK_SECRETS: 'whsec_cli' })).toEqual({
      stripe: 'test',
      secretKey: 'sk_test_51abc',
      clientId: 'ca_abc',
      webhookSecrets: 'whsec_cli',
    });
    expect(stripeModeFrom(['--stripe=test'], { ...keys, STRIPE_SECRET_KEY: 'rk_test_x' })).toMatchObject({
      secretKey: 'rk_test_x',
      webhookSecrets: undefined,
    });
  });

  it('takes real Stripe without a client ID, for a platform that onboards only through Account Links', () => {
    expect(stripeModeFrom(['--stripe=test'], { STRIPE_SECRET_KEY: 'sk_test_51abc' })).toEqual({
      stripe: 'test',
      secretKey: 'sk_test_51abc',
      clientId: undefined,
      webhookSecrets: undefined,
    });
    expect(
      stripeModeFrom(['--stripe=test'], { STRIPE_SECRET_KEY: 'sk_test_51abc', STRIPE_CLIENT_ID: ' ' }),
    ).toMatchObject({ clientId: undefined });
  });

  it('refuses live keys, missing keys and values that are not what they claim', () => {
    const refusal = (env: Record<string, string>, argv = ['--stripe=test']) => {
      try {
        stripeModeFrom(argv, env);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ ...keys, STRIPE_SECRET_KEY: 'sk_live_abc' })).toBe(
      'STRIPE_SECRET_KEY is a live-mode key: --stripe=test never runs with live keys on a laptop; use your test-mode key from https://dashboard.stripe.com/test/apikeys',
    );
    expect(refusal({ ...keys, STRIPE_SECRET_KEY: 'rk_live_abc' })).toMatch(/^STRIPE_SECRET_KEY is a live-mode key/);
    expect(refusal({ STRIPE_CLIENT_ID: 'ca_abc' })).toBe(
      '--stripe=test needs STRIPE_SECRET_KEY=sk_test_…: your test-mode key from https://dashboard.stripe.com/test/apikeys',
    );
    expect(refusal({ ...keys, STRIPE_SECRET_KEY: 'pk_test_abc' })).toMatch(
      /^STRIPE_SECRET_KEY is not a test-mode secret key/,
    );
    expect(refusal({ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_CLIENT_ID: 'acct_abc' })).toMatch(
      /^STRIPE_CLIENT_ID is not a client id \(ca_…\)/,
    );
    expect(refusal({ ...keys, STRIPE_WEBHOOK_SECRETS: 'secret' })).toBe(
      'STRIPE_WEBHOOK_SECRETS is not a whsec_… secret (the one `stripe listen` prints)',
    );
    expect(refusal(keys, ['--stripe=live'])).toBe('--stripe takes one of --stripe=emulator, --stripe=test');
    expect(refusal(keys, ['--stripe'])).toBe('--stripe takes one of --stripe=emulator, --stripe=test');
  });

  it('prints the Stripe CLI line that forwards the handled events to the gateway', () => {
    expect(stripeListenCommand('http://localhost:3000')).toBe(
      'stripe listen --events account.updated,capability.updated,account.application.authorized,account.application.deauthorized --forward-to http://localhost:3000/webhooks/stripe',
    );
  });

  it('asks for the stripe listen secret on a terminal until it gets one', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    const shown: string[] = [];
    // Answer each prompt once it is shown, as a person would.
    const answers = ['nope', '  whsec_from_cli  '];
    output.on('data', (chunk: Buffer) => {
      shown.push(chunk.toString());
      if (chunk.toString().includes('Paste the webhook signing secret')) input.write(`${answers.shift()}\n`);
    });
    const answer = askForWebhookSecret(input, output, 'stripe listen …');

    await expect(answer).resolves.toBe('whsec_from_cli');
    expect(shown.join('')).toContain('That is not a whsec_… secret.');
  });

  it('says what to set when there is no terminal to ask', async () => {
    await expect(askForWebhookSecret(new PassThrough(), new PassThrough(), 'stripe listen …')).rejects.toThrow(
      'set STRIPE_WEBHOOK_SECRETS to the whsec_… that `stripe listen …` prints, then run npm start again',
    );
  });
});
