/**
 * Reads the body of a create or remix: JSON, or multipart/form-data with file parts (how an
 * `input_reference` image is uploaded). Multipart is parsed by the platform's own form-data
 * reader (the web `Response`), not by any code the client shares.
 */
import type { IncomingMessage } from 'node:http';
import type { ReceivedFile } from './creation-log.js';

/** A prompt, a few fields and a reference image; anything larger is not a real client. */
const MAX_CREATE_BODY = 16 * 1024 * 1024;

export interface CreateRequest {
  encoding: 'json' | 'multipart';
  fields: Record<string, unknown>;
  files: ReceivedFile[];
}

export type CreateRequestRead = { ok: true; request: CreateRequest } | { ok: false; problem: string };

export async function readCreateRequest(req: IncomingMessage): Promise<CreateRequestRead> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    length += part.length;
    if (length > MAX_CREATE_BODY) return { ok: false, problem: 'Request body too large' };
    parts.push(part);
  }
  const body = Buffer.concat(parts);
  const type = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(type)) return readMultipart(body, type);
  if (body.toString('utf8').trim() === '') return { ok: true, request: { encoding: 'json', fields: {}, files: [] } };
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, problem: 'The request body must be a JSON object' };
    return { ok: true, request: { encoding: 'json', fields: parsed as Record<string, unknown>, files: [] } };
  } catch {
    return { ok: false, problem: 'The request body is not valid JSON' };
  }
}

async function readMultipart(body: Buffer, type: string): Promise<CreateRequestRead> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': type } }).formData();
  } catch {
    return { ok: false, problem: 'The multipart body could not be parsed' };
  }
  const fields: Record<string, unknown> = {};
  const files: ReceivedFile[] = [];
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      fields[name] = value;
    } else {
      files.push({ field: name, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { ok: true, request: { encoding: 'multipart', fields, files } };
}
