import type { APIGatewayProxyResultV2 } from 'aws-lambda';

// Placeholder until this route is implemented.
export const handler = async (): Promise<APIGatewayProxyResultV2> => ({
  statusCode: 501,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ error: { type: 'api_error', code: 'not_implemented', message: 'This route is not implemented yet.' } }),
});
