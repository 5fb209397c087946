/**
 * The direct links of a completed task, in the two shapes deployed servers hand out in
 * `metadata.url`: the newest gateways' capability URL on the gateway itself
 * (`/v1/tasks/{id}/artifacts/video/content?access=<expiry>.<signature>`), and a provider's
 * pre-signed CDN URL (`/files/{id}?expires=<expiry>&sig=<signature>`, on the second origin).
 * Both are valid until the expiry they carry; neither needs an API key.
 */
import { linkExpiry } from './link-signer.js';
import type { LinkCheck } from './link-signer.js';
import type { TaskView } from './profile.js';
import type { Variant } from './sample-assets.js';
import type { SimulatorState } from './simulator-state.js';

/** As OpenAI's download links, about an hour. */
export const DEFAULT_LINK_LIFETIME_MS = 3_600_000;

export const CAPABILITY_PATH = /^\/v1\/tasks\/([^/]+)\/artifacts\/video\/content$/;

/** The link a status call hands out now, in the profile's shape; only completed tasks have one. */
export function statusLink(state: SimulatorState, task: TaskView, now: number, lifetimeMs: number | undefined): string | undefined {
  if (task.phase !== 'completed') return undefined;
  if (state.profile.links === 'capability') return capabilityLink(state, task.id, now, lifetimeMs);
  if (state.profile.links === 'cdn') return cdnLink(state, task.id, now, lifetimeMs, 'video');
  return undefined;
}

function capabilityLink(state: SimulatorState, id: string, now: number, lifetimeMs: number | undefined): string {
  const expiry = linkExpiry(now, lifetimeMs ?? DEFAULT_LINK_LIFETIME_MS);
  const access = `${expiry}.${state.signer.sign(id, expiry)}`;
  return `${state.baseUrl}/v1/tasks/${encodeURIComponent(id)}/artifacts/video/content?access=${access}`;
}

/** Also the target of the `redirectCdn` fault, in every profile (hence the variant). */
export function cdnLink(state: SimulatorState, id: string, now: number, lifetimeMs: number | undefined, variant: Variant): string {
  const expiry = linkExpiry(now, lifetimeMs ?? DEFAULT_LINK_LIFETIME_MS);
  const variantParam = variant === 'video' ? '' : `&variant=${variant}`;
  return `${state.secondOriginUrl}/files/${encodeURIComponent(id)}?expires=${expiry}&sig=${state.signer.sign(id, expiry)}${variantParam}`;
}

/** Checks the `access` parameter of a capability URL; a missing or malformed one is invalid. */
export function checkAccess(state: SimulatorState, id: string, access: string | null, now: number): LinkCheck {
  const [expiry, signature, extra] = (access ?? '').split('.');
  if (expiry === undefined || signature === undefined || extra !== undefined) return 'invalid';
  return state.signer.check(id, expiry, signature, now);
}
