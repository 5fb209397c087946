import type { Profile, ProfileName } from '../profile.js';
import { ezmodelProfile } from './ezmodel.js';
import { idealProfile } from './ideal.js';
import { newapiProfile } from './newapi.js';
import { openaiProfile } from './openai.js';

export const profiles: Record<ProfileName, Profile> = {
  ideal: idealProfile,
  openai: openaiProfile,
  ezmodel: ezmodelProfile,
  newapi: newapiProfile,
};
