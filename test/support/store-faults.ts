/** DynamoDB clients that misbehave on purpose, to install with `useDocumentClient` around one request. */
import { createDocumentClient } from '../../shared/clients/dynamodb';

type DocumentClient = ReturnType<typeof createDocumentClient>;

interface SentCommand {
  readonly constructor: { name: string };
  readonly input: { TableName?: string };
}

/** The real client, except that `send` of a command `matches` accepts does `fault` instead. */
const faulty = (
  matches: (command: SentCommand) => boolean,
  fault: (real: DocumentClient, command: never) => Promise<unknown>,
): DocumentClient => {
  const real = createDocumentClient();
  const client = Object.create(real) as DocumentClient;
  client.send = (async (command: SentCommand) =>
    matches(command) ? fault(real, command as never) : real.send(command as never)) as DocumentClient['send'];
  return client;
};

/** The request reaches DynamoDB and its answer is lost, as when the SDK retries after a timeout: it is sent again, and the second answer (usually a refusal by the write's own condition) is what the caller hears. */
const answerLost = async (real: DocumentClient, command: never): Promise<unknown> => {
  await real.send(command);
  return real.send(command);
};

const isUpdate = (command: SentCommand): boolean => command.constructor.name === 'UpdateCommand';
const writes = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand']);

/** Every update's answer is lost ({@link answerLost}). */
export const updateAnswerLost = (): DocumentClient => faulty(isUpdate, answerLost);

/** Every write to the table named `tableName` (a put, an update or a delete) has its answer lost ({@link answerLost}). */
export const writeAnswerLostOn = (tableName: string): DocumentClient =>
  faulty((command) => writes.has(command.constructor.name) && command.input.TableName === tableName, answerLost);

/** The command reaches DynamoDB and no answer comes back, not even to the SDK's retries: the caller hears a timeout. */
const landsUnanswered = async (real: DocumentClient, command: never): Promise<unknown> => {
  await real.send(command);
  throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
};

/** Every update lands unanswered (`landsUnanswered`). */
export const updateLandsUnanswered = (): DocumentClient => faulty(isUpdate, landsUnanswered);

/** Every transaction lands unanswered (`landsUnanswered`). */
export const transactionLandsUnanswered = (): DocumentClient =>
  faulty((command) => command.constructor.name === 'TransactWriteCommand', landsUnanswered);

/** Every update fails before it reaches DynamoDB (a timeout, which the service treats as the store unavailable). */
export const updateTimesOut = (): DocumentClient =>
  faulty(isUpdate, async () => {
    throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
  });

/**
 * The real client, except that the first transaction waits for `meanwhile` before it is sent: whatever
 * another request stores then lands between what the transaction's request read and its write.
 */
export const beforeFirstTransaction = (meanwhile: () => Promise<unknown>): DocumentClient => {
  let waited = false;
  return faulty(
    (command) => command.constructor.name === 'TransactWriteCommand' && !waited,
    async (real, command) => {
      waited = true;
      await meanwhile();
      return real.send(command);
    },
  );
};

/**
 * The real client, except that the first update `matches` accepts waits for `meanwhile` (given the update's
 * key) before it is sent: what happens then happens before that write.
 */
export const beforeFirstUpdate = (
  matches: (input: { TableName?: string; Key?: Record<string, unknown>; ConditionExpression?: string }) => boolean,
  meanwhile: (key: Record<string, unknown>) => Promise<unknown>,
): DocumentClient => {
  let waited = false;
  return faulty(
    (command) => isUpdate(command) && !waited && matches(command.input),
    async (real, command: { input: { Key?: Record<string, unknown> } }) => {
      waited = true;
      await meanwhile(command.input.Key ?? {});
      return real.send(command as never);
    },
  );
};
