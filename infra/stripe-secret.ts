import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { secretPlaceholder } from '../shared/secrets';

/** Name of the secret the stack creates when none is imported. */
export const stripeSecretName = 'connect-onboarding/stripe';
export const defaultStackName = 'ConnectOnboarding';

/** The default stack keeps the documented name; another stack (staging beside prod) gets its own secret. */
export const stripeSecretNameFor = (stackName: string): string =>
  stackName === defaultStackName ? stripeSecretName : `${stackName.toLowerCase()}/stripe`;

/** A complete secret ARN ends in the 6-character suffix Secrets Manager appends to the name. */
const completeArn = /^arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/;
const partialArn = /^arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:.+$/;

/**
 * The Secrets Manager secret holding the Stripe credentials (docs/configuration.md: one JSON object with
 * `secretKey`, `clientId`, `webhookSecrets`, `platformTokenSecret`, and while that is rolled
 * `previousPlatformTokenSecret`). Imports `secretArn` when given;
 * otherwise creates the secret with placeholders for the Stripe values, to be filled in after the
 * first deploy, and a generated `platformTokenSecret`.
 */
export const stripeSecret = (scope: Construct, id: string, secretArn?: string): ISecret => {
  if (secretArn !== undefined) {
    // A partial ARN makes grants use a `-??????` wildcard; a complete one names the secret exactly.
    if (Token.isUnresolved(secretArn) || completeArn.test(secretArn)) {
      return Secret.fromSecretCompleteArn(scope, id, secretArn);
    }
    if (partialArn.test(secretArn)) return Secret.fromSecretPartialArn(scope, id, secretArn);
    throw new Error(`secretArn: '${secretArn}' is not a Secrets Manager secret ARN`);
  }
  return new Secret(scope, id, {
    secretName: stripeSecretNameFor(Stack.of(scope).stackName),
    description:
      'Stripe Connect onboarding: JSON {"secretKey": "sk_...", "clientId": "ca_...", ' +
      '"webhookSecrets": "whsec_...[,whsec_...]", "platformTokenSecret": "<HS256 key shared with the platform backend>"' +
      ', while that is rolled "previousPlatformTokenSecret": "<the key it replaces>"}',
    generateSecretString: {
      // Placeholders keep the JSON shape the functions parse; Stripe rejects them until real values are set.
      secretStringTemplate: JSON.stringify({
        secretKey: `sk_${secretPlaceholder}`,
        clientId: `ca_${secretPlaceholder}`,
        webhookSecrets: `whsec_${secretPlaceholder}`,
      }),
      generateStringKey: 'platformTokenSecret',
      passwordLength: 64,
      excludePunctuation: true,
    },
    // Operators type the Stripe values in by hand and share the token key with the platform:
    // keep it through `cdk destroy`, then redeploy with `-c secretArn=...` to reuse it.
    removalPolicy: RemovalPolicy.RETAIN,
  });
};
