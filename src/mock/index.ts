/**
 * The local video API simulator: a real server that behaves like the real ones (profiles)
 * and misbehaves on demand (faults). It shares no code with the client on purpose: a bug
 * common to both would hide itself.
 */
export { startMockServer } from './mock-server.js';
export type { MockServer, MockServerOptions } from './mock-server.js';
export type { ArtifactErrorKind, Faults, FailFirstFault } from './faults.js';
export type { Payload } from './payload.js';
export type { ProfileName, TaskPhase, TaskView } from './profile.js';
export { PROFILE_NAMES } from './profile.js';
export type { CutKind, RecordedRequest } from './request-log.js';
export type { Variant } from './sample-assets.js';
export type { TaskKind } from './seeded-id.js';
export { parseSeededId } from './seeded-id.js';
export type { CreateTaskOptions } from './task-store.js';
export type { CreationRecord, ReceivedFile } from './creation-log.js';
export { parseByteSize } from './byte-size.js';
export { ARTIFACT_ERROR_KINDS, REDIRECT_TARGETS } from './faults.js';
export type { RedirectTarget } from './faults.js';
export { MIN_STRUCTURED_SIZE } from './synthetic-mp4.js';
