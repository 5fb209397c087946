/**
 * A response written straight on the socket, for the one lie node's ServerResponse refuses to
 * tell: a body longer than its Content-Length.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { writeBody } from './body-writer.js';
import type { BodyOutcome } from './body-writer.js';

export async function writeRawResponse(
  socket: Socket,
  status: number,
  headers: Record<string, string>,
  announcedLength: number,
  chunks: Iterable<Buffer>,
  signal: AbortSignal,
  onBytes: (count: number) => void,
): Promise<BodyOutcome> {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${announcedLength}`, 'Connection: close', '', '');
  socket.write(lines.join('\r\n'));
  const outcome = await writeBody(socket, { chunks }, signal, onBytes);
  socket.destroySoon();
  return outcome;
}
