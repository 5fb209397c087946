/** What the request handlers of both origins share for one running simulator. */
import type { CreationLog } from './creation-log.js';
import type { FaultRules } from './fault-rules.js';
import type { LinkSigner } from './link-signer.js';
import type { Profile } from './profile.js';
import type { TaskStore } from './task-store.js';

export interface SimulatorState {
  profile: Profile;
  tasks: TaskStore;
  /** Every create and remix received. */
  creations: CreationLog;
  /** A repeated `Idempotency-Key` gets the task its first create made, as servers that honour it do. */
  honourIdempotencyKey: boolean;
  faults: FaultRules;
  /** Seeds the synthetic bytes. */
  seed: number;
  /** The only Bearer key accepted, or undefined to accept any non-empty key. */
  key: string | undefined;
  /** Whole-transfer limit of `/content` responses, unless a fault sets one. */
  transferLimitMs: number | undefined;
  /** Base URL of the API origin, which capability links point to. */
  baseUrl: string;
  /** Base URL of the redirect target (the second origin), which also plays the CDN. */
  secondOriginUrl: string;
  /** Signs and checks the direct links of both origins. */
  signer: LinkSigner;
}
