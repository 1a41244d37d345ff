import type { IncomingMessage } from 'node:http';

/** The whole request body, or undefined once it grows past `maxBytes` (the rest is not buffered). */
export const readBodyUpTo = async (request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};
