/**
 * The CDK app (`cdk.json` runs it with tsx). Settings come from CDK context, e.g.
 * `npx cdk deploy -c successUrl=https://platform.example/connected -c secretArn=arn:...`;
 * infra/config.ts lists every name. Account and region come from the CLI's environment.
 */
import { App } from 'aws-cdk-lib';
import { settingsFromContext } from './config';
import { applyNagChecks } from './nag';
import { ConnectOnboardingStack } from './stack';
import { defaultStackName } from './stripe-secret';

const app = new App();
// `-c stackName=ConnectOnboardingStaging` deploys a second, independent copy into the same account and region.
const stackName = String(app.node.tryGetContext('stackName') ?? defaultStackName);
if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName))
  throw new Error(`stackName: '${stackName}' is not a CloudFormation stack name`);
new ConnectOnboardingStack(app, stackName, {
  ...settingsFromContext(app.node),
  description: 'Stripe Connect OAuth onboarding: HTTP API, Lambda functions, DynamoDB tables, Stripe secret',
});
// AwsSolutions checks: an unacknowledged finding fails synth (infra/nag.ts lists the accepted ones).
applyNagChecks(app);
app.synth();
