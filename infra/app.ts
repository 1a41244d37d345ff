/**
 * The CDK app (`cdk.json` runs it with tsx). Settings come from CDK context, e.g.
 * `npx cdk deploy -c successUrl=https://platform.example/connected -c secretArn=arn:...`;
 * infra/config.ts lists every name. Account and region come from the CLI's environment.
 */
import { App } from 'aws-cdk-lib';
import { settingsFromContext } from './config';
import { applyNagChecks } from './nag';
import { ConnectOnboardingStack } from './stack';

const app = new App();
new ConnectOnboardingStack(app, 'ConnectOnboarding', {
  ...settingsFromContext(app.node),
  description: 'Stripe Connect OAuth onboarding: HTTP API, Lambda functions, DynamoDB tables, Stripe secret',
});
// AwsSolutions checks: an unacknowledged finding fails synth (infra/nag.ts lists the accepted ones).
applyNagChecks(app);
app.synth();
