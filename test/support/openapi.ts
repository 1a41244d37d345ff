/**
 * docs/openapi.yaml as a checker: finds the operation a request reached and says what is wrong
 * with the response it got (undocumented status, wrong media type, a body its JSON schema refuses,
 * a redirect without Location). Ajv's JSON Schema 2020-12 dialect is the one OpenAPI 3.1 uses.
 */
import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

export const openApiPath = new URL('../../docs/openapi.yaml', import.meta.url);

interface MediaType {
  readonly schema?: unknown;
}
interface ResponseObject {
  readonly $ref?: string;
  readonly headers?: Record<string, unknown>;
  readonly content?: Record<string, MediaType>;
}
interface Operation {
  readonly responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly responses: Record<string, ResponseObject> };
}

export const openApi = parse(readFileSync(openApiPath, 'utf8')) as OpenApiDocument;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openApi, 'openapi');

/** The documented paths, as `{ template, pattern }`: `{name}` matches one path segment. */
const templates = Object.keys(openApi.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The operation's path template and method, when `method path` is a documented operation. */
export const documentedOperation = (method: string, pathname: string): { path: string; method: string } | undefined => {
  const match = templates.find(({ pattern }) => pattern.test(pathname));
  const verb = method.toLowerCase();
  return match && openApi.paths[match.template]?.[verb] ? { path: match.template, method: verb } : undefined;
};

const pointer = (...parts: string[]): string =>
  parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

const validators = new Map<string, ValidateFunction>();
const validatorAt = (jsonPointer: string): ValidateFunction => {
  let validate = validators.get(jsonPointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi#${jsonPointer}` });
    validators.set(jsonPointer, validate);
  }
  return validate;
};

export interface ObservedResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly header: (name: string) => string | undefined;
  readonly body: string;
}

/** What is wrong with a response to a documented operation; [] when it matches, or the request is not ours. */
export const responseProblems = (response: ObservedResponse): string[] => {
  const { pathname } = new URL(response.url);
  const operation = documentedOperation(response.method, pathname);
  if (!operation) return [];
  const where = `${response.method.toUpperCase()} ${pathname} → ${response.status}`;
  const responses = openApi.paths[operation.path]?.[operation.method]?.responses ?? {};
  const declared = responses[String(response.status)];
  if (!declared) return [`${where}: status not documented for ${operation.method.toUpperCase()} ${operation.path}`];
  const [base, description] = declared.$ref
    ? [
        pointer('', 'components', 'responses', declared.$ref.split('/').at(-1) ?? ''),
        openApi.components.responses[declared.$ref.split('/').at(-1) ?? ''],
      ]
    : [pointer('', 'paths', operation.path, operation.method, 'responses', String(response.status)), declared];
  const problems: string[] = [];
  if (description?.headers?.Location !== undefined && !response.header('location'))
    problems.push(`${where}: no Location header`);
  const content = description?.content;
  if (!content) {
    if (response.body !== '') problems.push(`${where}: a body where none is documented`);
    return problems;
  }
  const contentType = (response.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!(contentType in content)) {
    return [...problems, `${where}: content-type '${contentType}', documented: ${Object.keys(content).join(', ')}`];
  }
  if (contentType !== 'application/json') return problems;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return [...problems, `${where}: body is not JSON`];
  }
  const validate = validatorAt(`${base}/${pointer('content', contentType, 'schema')}`);
  if (!validate(body)) {
    problems.push(`${where}: ${ajv.errorsText(validate.errors)} in ${response.body.slice(0, 300)}`);
  }
  return problems;
};
