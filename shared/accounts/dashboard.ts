/**
 * `GET /connect/dashboard`: retired. It took a platform token in the URL (`?ticket=`) and sent any
 * browser that opened the link into that user's Express Dashboard, so a forwarded link dropped
 * someone else into it (where they might enter their bank details). The route stays in the table so
 * that what it answers is deliberate: a 410 page saying what replaced it. A platform's backend calls
 * `POST /accounts/{accountId}/login_links` for its own logged-in user and redirects that user to the
 * link, as Stripe advises for login links (docs/api-accounts.md; the page in docs/stripe-fidelity.md, "Sources of the emulator's endpoints").
 */
import { gone, type ServiceError } from '../errors';

export const dashboardRetired = (): ServiceError =>
  gone(
    'route_retired',
    'Dashboard links are no longer used, because anyone who opened one reached that user\u2019s Express Dashboard. ' +
      'Open the dashboard from the platform instead: its backend calls POST /accounts/{accountId}/login_links for you, signed in, and sends you to the link.',
  );
