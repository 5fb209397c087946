/**
 * The redirect target: a storage-like origin on another port, as the signed URLs that some
 * servers redirect `/content` to. It asks for no key (the URL is the credential), supports
 * HEAD and Range, applies the task's body faults, and records every request so tests can see
 * whether a client leaked its Authorization header across origins.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveContent } from './content-response.js';
import type { ContentSupport } from './profile.js';
import { sendReply } from './reply.js';
import type { RecordedRequest } from './request-log.js';
import { isVariant, variantFilename } from './sample-assets.js';
import type { SimulatorState } from './simulator-state.js';
import { hasContent, taskPayload } from './task-payload.js';
import { viewTask } from './task-store.js';

const support: ContentSupport = { head: true, ranges: true, variants: true, disposition: true, headers: {} };

const notFound = { status: 404, contentType: 'text/plain', body: 'Not Found\n' };

export async function handleSecondOrigin(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  record: RecordedRequest,
  signal: AbortSignal,
): Promise<void> {
  const match = /^\/files\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
  const id = match?.[1];
  if (id === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return sendReply(res, notFound);
  record.taskId = id;
  const task = state.tasks.get(id);
  if (!task || !hasContent(task) || viewTask(task, Date.now(), false).phase !== 'completed') return sendReply(res, notFound);
  const asked = url.searchParams.get('variant') ?? 'video';
  const variant = isVariant(asked) ? asked : 'video';
  const { faults, commit } = state.faults.resolve(id, 'content');
  commit();
  delete faults.failFirst;
  delete faults.redirect;
  if (faults.etagChanges) task.version++;
  const payload = taskPayload(task, variant, faults.brokenStructure === true, state.seed);
  await serveContent({ req, res, record, payload, filename: variantFilename(variant), support, faults, signal });
}
