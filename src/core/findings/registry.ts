/** Every failure-plane detector, in the order the report lists them. */
import type { Detector } from './types';
import { clipping } from './detectors/clipping';
import { upstreamClipping } from './detectors/upstream-clipping';
import { lowLevel } from './detectors/low-level';
import { lowSnr } from './detectors/low-snr';
import { dcOffset } from './detectors/dc-offset';
import { hum } from './detectors/hum';
import { bandLimited } from './detectors/band-limited';
import { nonstandardRate } from './detectors/nonstandard-rate';
import { deadChannel } from './detectors/dead-channel';
import { phaseInverted } from './detectors/phase-inverted';
import { dualMono } from './detectors/dual-mono';
import { channelImbalance } from './detectors/channel-imbalance';
import { dropouts } from './detectors/dropouts';
import { echo } from './detectors/echo';
import { leadingSpeechCut } from './detectors/leading-speech-cut';
import { trailingSpeechCut } from './detectors/trailing-speech-cut';
import { longLeadingSilence } from './detectors/long-leading-silence';
import { noSpeech } from './detectors/no-speech';

export const DETECTORS: readonly Detector[] = [
  clipping,
  upstreamClipping,
  lowLevel,
  lowSnr,
  dcOffset,
  hum,
  bandLimited,
  nonstandardRate,
  deadChannel,
  phaseInverted,
  dualMono,
  channelImbalance,
  dropouts,
  echo,
  leadingSpeechCut,
  trailingSpeechCut,
  longLeadingSilence,
  noSpeech,
];
