import type { Impairment } from './types';
import { gain } from './gain';
import { hardClip } from './hard-clip';
import { clipThenAttenuate } from './clip-then-attenuate';
import { addNoise } from './add-noise';
import { dcOffset } from './dc-offset';
import { mainsHum } from './mains-hum';
import { bandLimit } from './band-limit';
import { resample } from './resample';
import { wrongRate } from './wrong-rate';
import { lowPass } from './low-pass';
import { channels } from './channels';
import { packetLoss } from './packet-loss';
import { gaps } from './gaps';
import { echo } from './echo';
import { trim } from './trim';
import { padSilence } from './pad-silence';

export const IMPAIRMENTS: readonly Impairment[] = [
  gain,
  hardClip,
  clipThenAttenuate,
  addNoise,
  dcOffset,
  mainsHum,
  bandLimit,
  resample,
  wrongRate,
  lowPass,
  channels,
  packetLoss,
  gaps,
  echo,
  trim,
  padSilence,
];

export const impairmentById = (id: string): Impairment | undefined => IMPAIRMENTS.find((i) => i.id === id);
