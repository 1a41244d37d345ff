/**
 * cdk-nag's AwsSolutions checks, and the findings we accept with the reason for each. The pack runs as a
 * CDK policy-validation plugin: an unacknowledged finding (error or warning) fails `cdk synth`, so it
 * never reaches a deploy. Every acknowledgment is attached to the one resource it is about, and for
 * findings with details (IAM4, IAM5) to that exact detail.
 */
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { callbackPath, type FunctionName, functionSpecs, type Route } from '../shared/routes';
import { type TableName, tableDefinitions } from '../shared/tables';
import type { ServiceFunction } from './service-function';

/** Registers the AwsSolutions pack on the app (infra/app.ts; test/infra/nag.test.ts runs it directly). */
export const applyNagChecks = (scope: IConstruct): AwsSolutionsChecks => {
  const checks = new AwsSolutionsChecks(scope, { verbose: true });
  Validations.of(scope).addPlugins(checks);
  return checks;
};

const tokensInFunction =
  "API Gateway JWT authorizers need an OIDC issuer with asymmetric keys; platform tokens are HS256 with a secret shared with the platform backend, so the function verifies them itself (signature, exp at most 15 min ahead, aud) with the secret it loads anyway, and only ever answers for the token user's accounts.";

/** Why a route has no API Gateway authorizer: what authenticates its caller instead. */
const whyNoAuthorizer = (route: Route): string => {
  if (route.path === callbackPath) {
    return 'Stripe redirects the browser here with no credential an authorizer could check; the request is authenticated by the single-use OAuth state, which must match the __Host- state cookie set by /connect/authorize, before the code is exchanged.';
  }
  if (route.caller === 'stripe') {
    return 'Stripe sends no credential an authorizer could check; authenticity is the HMAC Stripe-Signature over the raw body, verified in the function (constant-time, timestamp tolerance) against the webhook secrets, and unsigned requests are refused with 400.';
  }
  if (route.caller === 'browser')
    return `The browser carries a platform token as the ticket query parameter, or (onboarding's refresh and return pages) a resume value signed by this service and bound to the browser's __Host- cookie; a retired route answers 410 to everyone. ${tokensInFunction}`;
  return `The platform backend sends a platform token as Authorization: Bearer. ${tokensInFunction}`;
};

const logicalIdOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

/** What of the stack ({@link acknowledgeNagFindings}'s caller) has findings to acknowledge. */
export interface NagReviewed {
  readonly apiRoutes: readonly { readonly route: Route; readonly httpRoute: HttpRoute }[];
  readonly functions: Readonly<Record<FunctionName, ServiceFunction>>;
  readonly tables: Readonly<Record<TableName, TableV2>>;
  readonly secret: ISecret;
}

/** Attaches every accepted finding to its resource; called once by the stack. */
export const acknowledgeNagFindings = (stack: NagReviewed): void => {
  for (const { route, httpRoute } of stack.apiRoutes) {
    Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: whyNoAuthorizer(route) });
  }

  for (const spec of Object.values(functionSpecs)) {
    const role = stack.functions[spec.name].function.role;
    if (role === undefined) continue;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "Lambda's own managed policy for logging: logs:CreateLogGroup, CreateLogStream and PutLogEvents, nothing else. Each function writes to its own log group with a retention (infra/service-function.ts).",
    });
    const policy = role.node.tryFindChild('DefaultPolicy');
    for (const table of Object.keys(spec.tables) as TableName[]) {
      if (policy === undefined || tableDefinitions[table].indexes.length === 0) continue;
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(stack.tables[table])}.Arn>/index/*]`,
        reason: `CDK's table grants add <table>/index/* so the function can Query the ${table} table's indexes (${tableDefinitions[table].indexes.map((index) => index.name).join(', ')}); the wildcard stays inside this one table and carries the same actions as the table grant.`,
      });
    }
  }

  const secret = stack.secret.node.defaultChild;
  if (secret !== undefined) {
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The Stripe secret key and webhook secrets are rolled in the Stripe dashboard, not by a rotation Lambda; docs/operations.md describes the roll (two webhook secrets overlap). The platform token key is shared with the platform backend and rolled together with it.',
    });
  }
};
