/**
 * The peer a team would otherwise pick: one Express app behind serverless-http, one Lambda function
 * for every route. Its routes do the floors' work (bench/floors/*: the same DynamoDB and Stripe calls
 * as ours, no code of ours); the bench measures its bundle's cold start for the cost comparison.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import express from 'express';
import serverless from 'serverless-http';
import { type FunctionName, routes } from '../../shared/routes';
import { handler as accounts } from '../floors/accounts';
import { handler as authorize } from '../floors/authorize';
import { handler as callback } from '../floors/callback';
import { handler as deauthorize } from '../floors/deauthorize';
import { handler as loginLink } from '../floors/login-link';
import { handler as onboard } from '../floors/onboard';
import { handler as onboardingApi } from '../floors/onboarding-api';
import { handler as webhook } from '../floors/webhook';

type FloorResult = { statusCode: number; headers: Record<string, string>; body: string };
const work: Record<FunctionName, (event: APIGatewayProxyEventV2) => Promise<FloorResult>> = {
  authorize,
  callback,
  'login-link': loginLink,
  accounts,
  deauthorize,
  onboard,
  'onboarding-api': onboardingApi,
  webhook,
};

const app = express();
// Raw text: a webhook's signature is over the exact bytes.
app.use(express.text({ type: '*/*' }));
for (const route of routes) {
  const method = route.method === 'GET' ? 'get' : 'post';
  app[method](route.path.replace(/\{(\w+)\}/g, ':$1'), async (request, response, next) => {
    try {
      const event = {
        pathParameters: request.params,
        rawQueryString: request.originalUrl.split('?')[1] ?? '',
        body: typeof request.body === 'string' ? request.body : undefined,
      } as unknown as APIGatewayProxyEventV2;
      const result = await work[route.function](event);
      response.status(result.statusCode).set(result.headers).send(result.body);
    } catch (error) {
      next(error);
    }
  });
}

export const handler = serverless(app);
