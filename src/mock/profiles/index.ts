import type { Profile, ProfileName } from '../profile.js';
import { ezmodelProfile } from './ezmodel.js';
import { idealProfile } from './ideal.js';
import { openaiProfile } from './openai.js';

export const profiles: Record<ProfileName, Profile> = {
  ideal: idealProfile,
  openai: openaiProfile,
  ezmodel: ezmodelProfile,
};
