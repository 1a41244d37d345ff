/**
 * Entry of the bundle the stack-frames test builds with the functions' own esbuild options: it logs
 * two failures the way a failing request does, through the service's logger, then one refusal.
 */
import { tableName } from '../../../shared/config';
import { createLogger } from '../../../shared/logger';

const logger = createLogger('stack-frames-test');

/** Fails in this file: the frame the test expects first. */
const failInThisFile = (): never => {
  throw new Error('failed for sk_test_123abc');
};

const logFailure = (error: unknown): void => {
  logger.error('request failed', { error });
  logger.warn('request refused', { error });
};

try {
  tableName('accounts', {});
} catch (error) {
  logFailure(error);
}
try {
  failInThisFile();
} catch (error) {
  logFailure(error);
}
