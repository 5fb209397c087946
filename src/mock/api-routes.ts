/**
 * The main origin: `POST /v1/videos`, `POST /v1/videos/{id}/remix`, `GET /v1/videos/{id}`, `GET|HEAD /v1/videos/{id}/content`,
 * and in profiles whose links are capabilities `GET|HEAD /v1/tasks/{id}/artifacts/video/content`,
 * answered in the dialect of the running profile, with the faults in force for the task.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { artifactErrorReply, newApiError } from './artifact-errors.js';
import { serveContent } from './content-response.js';
import { answerCreate } from './create-routes.js';
import { CAPABILITY_PATH, cdnLink, checkAccess, statusLink } from './direct-links.js';
import type { ActiveFaults } from './fault-rules.js';
import { failFirstReply } from './fault-replies.js';
import { jsonReply } from './profile.js';
import type { Reply } from './profile.js';
import { sendReply } from './reply.js';
import type { RecordedRequest } from './request-log.js';
import { isVariant, variantFilename } from './sample-assets.js';
import type { Variant } from './sample-assets.js';
import type { SimulatorState } from './simulator-state.js';
import { hasContent, taskPayload } from './task-payload.js';
import { finalAtMs, viewTask } from './task-store.js';

type Route =
  | { kind: 'create' }
  | { kind: 'remix'; id: string }
  | { kind: 'status'; id: string }
  | { kind: 'content'; id: string }
  | { kind: 'capability'; id: string };

export async function handleApiRequest(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  record: RecordedRequest,
  signal: AbortSignal,
): Promise<void> {
  const { profile } = state;
  const method = req.method ?? 'GET';
  const route = matchRoute(method, url.pathname, profile.content.head, profile.links === 'capability');
  if (!route) return sendReply(res, profile.routeNotFound(method, url.pathname));
  // The capability URL is its own credential: no key is asked for, whatever is sent.
  if (route.kind === 'capability') {
    record.taskId = route.id;
    return answerCapability(state, route.id, req, res, url, record, signal);
  }
  if (!authorized(req, state.key)) return sendReply(res, profile.unauthorized());
  const creating = route.kind === 'create' || route.kind === 'remix';
  if (state.faults.resolve(route.kind === 'create' ? '' : route.id, creating ? 'create' : route.kind).faults.echoAuthorization) {
    return sendReply(res, echoedAuthorization(req));
  }
  if (route.kind === 'create') return answerCreate(state, req, res, undefined);
  record.taskId = route.id;
  if (route.kind === 'remix') return answerCreate(state, req, res, route.id);
  if (route.kind === 'status') return answerStatus(state, route.id, res);
  return answerContent(state, route.id, req, res, url, record, signal, true);
}

function matchRoute(method: string, path: string, headRouted: boolean, capabilities: boolean): Route | undefined {
  if (path === '/v1/videos' || path === '/v1/videos/') return method === 'POST' ? { kind: 'create' } : undefined;
  const readable = method === 'GET' || (method === 'HEAD' && headRouted);
  const capability = capabilities ? CAPABILITY_PATH.exec(path)?.[1] : undefined;
  if (capability !== undefined) {
    const id = decodeSegment(capability);
    return id !== undefined && readable ? { kind: 'capability', id } : undefined;
  }
  const match = /^\/v1\/videos\/([^/]+)(\/content|\/remix)?$/.exec(path);
  const id = decodeSegment(match?.[1]);
  if (id === undefined) return undefined;
  if (match?.[2] === '/remix') return method === 'POST' ? { kind: 'remix', id } : undefined;
  if (match?.[2] === undefined) return method === 'GET' ? { kind: 'status', id } : undefined;
  return readable ? { kind: 'content', id } : undefined;
}

function decodeSegment(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function authorized(req: IncomingMessage, key: string | undefined): boolean {
  const match = /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? '');
  const given = match?.[1]?.trim();
  return given !== undefined && given !== '' && (key === undefined || given === key);
}

/** The echoAuthorization fault's answer: the received header, quoted back in the message. */
function echoedAuthorization(req: IncomingMessage): Reply {
  const received = req.headers.authorization ?? '';
  return jsonReply(401, { error: { message: `Invalid token: ${received}`, type: 'invalid_request_error', code: 'invalid_api_key' } });
}

function answerStatus(state: SimulatorState, id: string, res: ServerResponse): void {
  const { profile } = state;
  const { faults, commit } = state.faults.resolve(id, 'status');
  commit();
  if (faults.failFirst) return sendReply(res, failFirstReply(faults.failFirst, profile, Date.now()));
  const task = state.tasks.get(id);
  if (!task) return sendReply(res, profile.statusNotFound(id));
  const now = Date.now();
  const view = viewTask(task, now, faults.neverFinish === true);
  const link = statusLink(state, view, now, faults.linkExpiryMs);
  const reply = jsonReply(200, profile.videoObject(view, link), profile.statusHeaders(view, task.generationTimeMs));
  // Cut mid-object, as a proxy that drops the end of a response would.
  if (faults.malformedJson) reply.body = reply.body.slice(0, Math.ceil(reply.body.length / 2));
  sendReply(res, reply);
}

/** A bad or expired capability is refused before anything about the task is looked up. */
async function answerCapability(
  state: SimulatorState,
  id: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  record: RecordedRequest,
  signal: AbortSignal,
): Promise<void> {
  const check = checkAccess(state, id, url.searchParams.get('access'), Date.now());
  if (check === 'invalid') return sendReply(res, newApiError(403, 'artifact_request_rejected', 'invalid access token'));
  if (check === 'expired') return sendReply(res, newApiError(403, 'artifact_access_expired', 'access token expired'));
  return answerContent(state, id, req, res, url, record, signal, false);
}

/**
 * `/content`, or the capability URL that serves the same file: the same checks and faults,
 * except that only `/content` redirects (`mayRedirect`).
 */
async function answerContent(
  state: SimulatorState,
  id: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  record: RecordedRequest,
  signal: AbortSignal,
  mayRedirect: boolean,
): Promise<void> {
  const { profile } = state;
  const asked = url.searchParams.get('variant') ?? 'video';
  if (profile.content.variants && !isVariant(asked)) {
    return sendReply(res, profile.badRequest(`Invalid variant '${asked}': use video, thumbnail or spritesheet`));
  }
  const variant: Variant = profile.content.variants && isVariant(asked) ? asked : 'video';
  const { faults, commit } = state.faults.resolve(id, 'content');
  if (faults.failFirst) {
    commit();
    return sendReply(res, failFirstReply(faults.failFirst, profile, Date.now()));
  }
  const task = state.tasks.get(id);
  if (!task) {
    commit();
    return sendReply(res, profile.contentNotFound(id));
  }
  const now = Date.now();
  const view = viewTask(task, now, faults.neverFinish === true);
  if (view.phase !== 'completed' || !hasContent(task)) {
    commit();
    return sendReply(res, view.expired ? profile.contentExpired(view) : profile.contentNotReady(view));
  }
  if (faults.contentLagMs !== undefined && now < finalAtMs(task) + faults.contentLagMs) {
    commit();
    return sendReply(res, profile.contentLagging(view));
  }
  if (faults.artifactError) {
    commit();
    return sendReply(res, artifactErrorReply(faults.artifactError.kind));
  }
  if (mayRedirect && faults.redirect) return redirect(state, res, url, id, variant, faults);
  // `?download=1` is how a client asks such a gateway to proxy after all.
  if (mayRedirect && faults.redirectCdn && url.searchParams.get('download') !== '1') {
    // Not committed: the CDN's response is the one that meets `times`, as with `redirect`.
    const location = cdnLink(state, id, now, faults.linkExpiryMs, variant);
    res.writeHead(307, { Location: location, 'Referrer-Policy': 'no-referrer', 'Content-Length': '0' });
    res.end();
    return;
  }
  commit();
  if (faults.etagChanges) task.version++;
  const payload = taskPayload(task, variant, faults.brokenStructure === true, state.seed);
  const transferLimitMs = faults.transferLimitMs ?? state.transferLimitMs;
  const controller = new AbortController();
  const onClose = () => controller.abort();
  signal.addEventListener('abort', onClose, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (transferLimitMs !== undefined) {
    timer = setTimeout(() => {
      if (res.writableFinished) return;
      record.cut = 'transfer-limit';
      controller.abort();
      res.socket?.destroySoon();
    }, transferLimitMs);
  }
  try {
    await serveContent({
      req,
      res,
      record,
      payload,
      filename: variantFilename(variant),
      support: profile.content,
      faults,
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onClose);
  }
}

function redirect(
  state: SimulatorState,
  res: ServerResponse,
  url: URL,
  id: string,
  variant: Variant,
  faults: ActiveFaults,
): void {
  let location: string;
  if (faults.redirect === 'file-url') {
    location = 'file:///etc/passwd';
  } else if (faults.redirect === 'ftp-url') {
    location = `ftp://127.0.0.1/files/${encodeURIComponent(id)}`;
  } else if (faults.redirect === 'javascript-url') {
    location = 'javascript:alert(document.cookie)';
  } else if (faults.redirect === 'loop') {
    const hop = Number(url.searchParams.get('hop') ?? '0') + 1;
    location = `${url.pathname}?hop=${hop}`;
  } else {
    // A signed-URL look-alike: the client must follow it without the Bearer key.
    location = `${state.secondOriginUrl}/files/${encodeURIComponent(id)}?variant=${variant}&sig=simulated`;
  }
  res.writeHead(302, { Location: location, 'Content-Length': '0' });
  res.end();
}
