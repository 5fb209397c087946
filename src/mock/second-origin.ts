/**
 * The second origin: storage on another port that plays the provider's CDN. It is where the
 * `redirect: 'second-origin'` and `redirectCdn` faults send clients, and what `metadata.url`
 * points to in the `ezmodel` profile. As pre-signed object storage does, it asks for no key
 * (the URL is the credential) and refuses a request that brings one; it checks the link's
 * `expires` and `sig` when the link has them, supports HEAD and Range, has no limit on the
 * whole transfer, serves the very bytes and validators of `/content`, and applies the task's
 * body faults but none of the gateway's. It records every request, refused ones included, so
 * tests can see whether a client leaked its Authorization header across origins.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveContent } from './content-response.js';
import type { ActiveFaults } from './fault-rules.js';
import type { ContentSupport, Reply } from './profile.js';
import { sendReply } from './reply.js';
import type { RecordedRequest } from './request-log.js';
import { isVariant, variantFilename } from './sample-assets.js';
import type { SimulatorState } from './simulator-state.js';
import { hasContent, taskPayload } from './task-payload.js';
import { viewTask } from './task-store.js';

const support: ContentSupport = { head: true, ranges: true, variants: true, disposition: true, notModified: false, headers: {} };

function storageError(status: number, code: string, message: string): Reply {
  return {
    status,
    contentType: 'application/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`,
  };
}

const noSuchKey = storageError(404, 'NoSuchKey', 'The specified key does not exist.');
const authorizationNotAllowed = storageError(403, 'AccessDenied', 'Authorization header is not allowed with a signed URL');
const linkExpired = storageError(403, 'AccessDenied', 'Request has expired');
const signatureMismatch = storageError(
  403,
  'SignatureDoesNotMatch',
  'The request signature we calculated does not match the signature you provided.',
);

/**
 * Faults that belong to the gateway in front of the file, not to the file's storage: the CDN
 * is another server, so it has none of them (and honours Range even where the gateway does not).
 */
const gatewayFaults = ['failFirst', 'redirect', 'redirectCdn', 'transferLimitMs', 'contentLagMs', 'artifactError', 'ignoreRange'] as const;

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
  if (id === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return sendReply(res, noSuchKey);
  record.taskId = id;
  // An empty header carries no credential; anything else would be a key sent to a stranger.
  if ((req.headers.authorization ?? '').trim() !== '') return sendReply(res, authorizationNotAllowed);
  // Links without `expires` are the `redirect: 'second-origin'` fault's look-alikes, taken as is.
  const expires = url.searchParams.get('expires');
  if (expires !== null) {
    const check = state.signer.check(id, expires, url.searchParams.get('sig') ?? '', Date.now());
    if (check === 'invalid') return sendReply(res, signatureMismatch);
    if (check === 'expired') return sendReply(res, linkExpired);
  }
  const task = state.tasks.get(id);
  if (!task || !hasContent(task) || viewTask(task, Date.now(), false).phase !== 'completed') return sendReply(res, noSuchKey);
  const asked = url.searchParams.get('variant') ?? 'video';
  const variant = isVariant(asked) ? asked : 'video';
  const resolved = state.faults.resolve(id, 'content');
  resolved.commit();
  const faults: ActiveFaults = { ...resolved.faults };
  for (const name of gatewayFaults) delete faults[name];
  if (faults.etagChanges) task.version++;
  const payload = taskPayload(task, variant, faults.brokenStructure === true, state.seed);
  await serveContent({ req, res, record, payload, filename: variantFilename(variant), support, faults, signal });
}
