/**
 * `POST /v1/videos` and `POST /v1/videos/{id}/remix`, in the dialect of the running profile,
 * with the faults that make a create's outcome unknown to the client: no answer after the task
 * was made (a timeout), a reset before the body was read (no task), a slow answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCreateRequest } from './create-request.js';
import type { CreateRequest } from './create-request.js';
import { failFirstReply } from './fault-replies.js';
import { jsonReply } from './profile.js';
import { sendReply } from './reply.js';
import type { SimulatorState } from './simulator-state.js';
import { viewTask } from './task-store.js';

export async function answerCreate(state: SimulatorState, req: IncomingMessage, res: ServerResponse, remixOf: string | undefined): Promise<void> {
  const { profile } = state;
  const { faults, commit } = state.faults.resolve('', 'create');
  commit();
  if (faults.failFirst) return sendReply(res, failFirstReply(faults.failFirst, profile, Date.now()));
  if (faults.createReset) {
    req.socket.resetAndDestroy();
    return;
  }
  const read = await readCreateRequest(req);
  if (!read.ok) return sendReply(res, profile.badRequest(read.problem));
  const { request } = read;
  if (remixOf !== undefined && state.tasks.get(remixOf) === undefined) return sendReply(res, profile.statusNotFound(remixOf));
  const refused = refusal(request);
  if (refused !== undefined) return sendReply(res, profile.badRequest(refused));

  const idempotencyKey = req.headers['idempotency-key'];
  const key = typeof idempotencyKey === 'string' ? idempotencyKey : undefined;
  const earlier = state.honourIdempotencyKey ? state.creations.taskFor(key) : undefined;
  const taskId = earlier ?? makeTask(state, request, remixOf, faults.failGeneration !== undefined);
  state.creations.add({
    route: remixOf === undefined ? 'create' : 'remix',
    taskId,
    remixOf,
    idempotencyKey: key,
    created: earlier === undefined,
    ...request,
  });

  // The task exists from here on, whether or not the client hears of it.
  if (faults.createTimeout) return new Promise((resolve) => res.once('close', resolve));
  if (faults.createLatencyMs !== undefined) await pause(faults.createLatencyMs, res);
  const task = state.tasks.get(taskId);
  if (task === undefined || res.destroyed) return;
  sendReply(res, jsonReply(200, profile.videoObject(viewTask(task, Date.now(), false), undefined)));
}

/** What OpenAI-shaped servers refuse outright, in their words. */
function refusal(request: CreateRequest): string | undefined {
  const prompt = request.fields['prompt'];
  if (typeof prompt !== 'string' || prompt.trim() === '') return "Missing required parameter: 'prompt'.";
  if (request.fields['input_reference'] !== undefined) return "'input_reference' must be a file upload (multipart/form-data), not a string.";
  return undefined;
}

function makeTask(state: SimulatorState, request: CreateRequest, remixOf: string | undefined, fails: boolean): string {
  const { fields } = request;
  const text = (name: string) => (typeof fields[name] === 'string' ? { [name]: fields[name] as string } : {});
  const seconds = typeof fields['seconds'] === 'number' ? { seconds: String(fields['seconds']) } : text('seconds');
  const size = typeof fields['size'] === 'string' ? { resolution: fields['size'] } : {};
  return state.tasks.create({
    ...text('prompt'),
    ...text('model'),
    ...seconds,
    ...size,
    ...(remixOf === undefined ? {} : { remixedFrom: remixOf }),
    ...(fails ? { kind: 'fail' as const } : {}),
  }).id;
}

/** Waits `ms`, or less if the client goes away first. */
function pause(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
