import type { ServerResponse } from 'node:http';
import type { Reply } from './profile.js';

/** Sends a complete small answer (errors, video objects). */
export function sendReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    'Content-Length': String(Buffer.byteLength(reply.body)),
    ...reply.headers,
  });
  res.end(reply.body);
}
