/** DynamoDB clients that misbehave on purpose, to install with `useDocumentClient` around one request. */
import { createDocumentClient } from '../../shared/clients/dynamodb';

type DocumentClient = ReturnType<typeof createDocumentClient>;

/** The real client, except that `send` of an `UpdateCommand` does `update` instead. */
const onUpdate = (update: (real: DocumentClient, command: never) => Promise<unknown>): DocumentClient => {
  const real = createDocumentClient();
  const faulty = Object.create(real) as DocumentClient;
  faulty.send = (async (command: { constructor: { name: string } }) =>
    command.constructor.name === 'UpdateCommand'
      ? update(real, command as never)
      : real.send(command as never)) as DocumentClient['send'];
  return faulty;
};

/**
 * Every update reaches DynamoDB and its answer is lost, as when the SDK retries after a timeout: the request is sent
 * again, and the second answer (usually a refusal by the write's own condition) is what the caller hears.
 */
export const updateAnswerLost = (): DocumentClient =>
  onUpdate(async (real, command) => {
    await real.send(command);
    return real.send(command);
  });

/** Every update fails before it reaches DynamoDB (a timeout, which the service treats as the store unavailable). */
export const updateTimesOut = (): DocumentClient =>
  onUpdate(async () => {
    throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
  });
