import { finding, type Detector } from '../types';

export const noSpeech: Detector = {
  id: 'no-speech',
  plane: 'vad-endpointing',
  description: 'Nothing the VAD calls speech.',
  detect({ m }) {
    if (m.vad.segments.length > 0 || m.frameCount === 0) return null;
    return finding(
      this,
      'critical',
      m.levels.peakDbfs === null ? 'The file is digital silence from start to end.' : 'The VAD found no speech anywhere in the file.',
      'Check the capture device selection and mute state, the channel the pipeline reads, and whether the VAD floor is set above this speaker\'s level.',
      { peakDbfs: m.levels.peakDbfs, rmsDbfs: m.levels.rmsDbfs },
    );
  },
};
