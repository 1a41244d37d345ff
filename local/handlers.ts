import type { HttpHandler } from '../shared/http/handler';
import type { FunctionName } from '../shared/routes';

/** The same handler exports the Lambda bundles deploy, loaded on first request. */
export const handlerLoaders: Readonly<Record<FunctionName, () => Promise<{ handler: HttpHandler }>>> = {
  authorize: () => import('../functions/authorize'),
  callback: () => import('../functions/callback'),
  'login-link': () => import('../functions/login-link'),
  accounts: () => import('../functions/accounts'),
  deauthorize: () => import('../functions/deauthorize'),
  webhook: () => import('../functions/webhook'),
  onboard: () => import('../functions/onboard'),
  'onboarding-api': () => import('../functions/onboarding-api'),
};
