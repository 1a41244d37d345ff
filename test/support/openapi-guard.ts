/**
 * Runs in every test file: every response a test receives from a documented operation, through
 * fetch (and rawRequest, which reports here itself), is checked against docs/openapi.yaml; the
 * file fails if any did not match. So the description cannot drift from what the service answers.
 */
import { afterAll, expect } from 'vitest';
import { documentedOperation, type ObservedResponse, responseProblems } from './openapi';

const problems: string[] = [];
let checking = true;

/** For a test file whose gateway runs fake handlers that answer outside docs/openapi.yaml on purpose. */
export const skipOpenApiChecks = (): void => {
  checking = false;
};

/** Checks one response; the problems fail the test file at its end. */
export const checkAgainstOpenApi = (response: ObservedResponse): void => {
  if (checking) problems.push(...responseProblems(response));
};

const originalFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await originalFetch(input, init);
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  const url = response.url || String(input instanceof Request ? input.url : input);
  // Only our documented operations: the service's own calls to Stripe pass through untouched.
  if (checking && URL.canParse(url) && documentedOperation(method, new URL(url).pathname)) {
    const body = await response.clone().text();
    checkAgainstOpenApi({
      method,
      url,
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body,
    });
  }
  return response;
};

afterAll(() => {
  expect(problems, 'responses that do not match docs/openapi.yaml').toEqual([]);
});
