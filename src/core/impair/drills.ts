/**
 * Ready-made failure drills: a symptom as a user would report it, a public fixture, the recipe
 * that reproduces the failure, and the answer (which plane, which detector catches it, what to
 * check). The page hides the answer until asked, for interviews.
 */
import type { Recipe } from './types';

export interface Drill {
  id: string;
  title: string;
  /** What the user reported, in their words. */
  symptom: string;
  /** Path under fixtures/. */
  fixture: string;
  recipe: Recipe;
  answer: {
    /** The detector that should catch it (a finding id). */
    detector: string;
    plane: string;
    explanation: string;
  };
}

const LIBRIVOX = 'speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav';
const LIBRIVOX_LONG = 'speech/librivox/sense_and_sensibility_01_austen_64kb-0870.wav';
const PHONE = 'speech/asterisk/please-try-call-later.wav';

export const DRILLS: readonly Drill[] = [
  {
    id: 'first-word-dropped',
    title: 'The first word is missing',
    symptom: '“Since Tuesday\'s client release, transcripts often start one word late: “not an ill disposed…” instead of “he was not…”.”',
    fixture: LIBRIVOX,
    recipe: { seed: 1, steps: [{ id: 'trim', params: { startSec: 0.35 } }] },
    answer: {
      detector: 'leading-speech-cut',
      plane: 'vad-endpointing',
      explanation: 'The audio starts mid-word: whatever starts the recording (endpointer, push-to-talk, a trimmed pre-roll buffer) cut the first word before ASR saw it. The waveform starts at full speech level with no room tone.',
    },
  },
  {
    id: 'one-side-silent',
    title: 'Nothing on one side',
    symptom: '“The agent says the caller is silent on his headset, but the supervisor hears the call fine on speakers.”',
    fixture: LIBRIVOX,
    recipe: { seed: 2, steps: [{ id: 'channels', params: { op: 'kill', channel: 1 } }] },
    answer: {
      detector: 'dead-channel',
      plane: 'channel-layout',
      explanation: 'The right channel is digital silence. Speakers sum both channels; a headset routed to one side, or a pipeline that picks channel 1, gets nothing.',
    },
  },
  {
    id: 'codec-change',
    title: 'Worse after the codec change',
    symptom: '“Word error rate went up 4 points after the media team moved the gateway to a new codec. The files are still 16 kHz.”',
    fixture: LIBRIVOX,
    recipe: { seed: 3, steps: [{ id: 'band-limit', params: { viaRateHz: 8000 } }] },
    answer: {
      detector: 'band-limited',
      plane: 'sample-rate',
      explanation: 'Nothing above 4 kHz: the audio went through an 8 kHz (narrowband) leg and was upsampled back. The header rate is right; the content is telephone band. The spectrogram shows the empty top half.',
    },
  },
  {
    id: 'mono-silent',
    title: 'The mono mix is almost silent',
    symptom: '“Call recordings play fine in stereo, but the mono version we send to ASR is nearly silent and full of errors.”',
    fixture: LIBRIVOX,
    recipe: { seed: 4, steps: [{ id: 'channels', params: { op: 'invert', channel: 1 } }] },
    answer: {
      detector: 'phase-inverted',
      plane: 'channel-layout',
      explanation: 'One channel is polarity-inverted: L + R cancels. Check the capture device\'s wiring or a stereo-to-mono step that subtracts.',
    },
  },
  {
    id: 'missing-syllables',
    title: 'Syllables missing on mobile',
    symptom: '“Users on mobile data get transcripts with random missing syllables; on Wi-Fi it is fine.”',
    fixture: LIBRIVOX_LONG,
    recipe: { seed: 5, steps: [{ id: 'packet-loss', params: { frameMs: 20, lossPercent: 5, conceal: 'zeros' } }] },
    answer: {
      detector: 'dropouts',
      plane: 'packet-loss',
      explanation: '20 ms holes of exact silence with hard edges inside speech: lost packets filled with zeros. Check RTP sequence gaps and whether packet-loss concealment is enabled.',
    },
  },
  {
    id: 'buzz',
    title: 'A buzz on one site',
    symptom: '“Recordings from the Frankfurt office have a low buzz, and the wake word fires less often there.”',
    fixture: LIBRIVOX,
    recipe: { seed: 6, steps: [{ id: 'mains-hum', params: { mainsHz: 50, levelDb: -15 } }] },
    answer: {
      detector: 'hum',
      plane: 'microphone',
      explanation: '50 Hz mains hum and harmonics (a European site): a ground loop or an unbalanced cable. A high-pass at 80–100 Hz removes most of it.',
    },
  },
  {
    id: 'hears-itself',
    title: 'The bot hears itself',
    symptom: '“On the new smart speaker the assistant keeps transcribing a ghostly second copy of the user’s words.”',
    fixture: LIBRIVOX,
    recipe: { seed: 7, steps: [{ id: 'echo', params: { delayMs: 150, decayDb: -6 } }] },
    answer: {
      detector: 'echo',
      plane: 'echo',
      explanation: 'A 150 ms delayed copy at −6 dB: echo the canceller did not remove (or a reflective room). The cepstrum shows a peak at the delay.',
    },
  },
  {
    id: 'loud-callers',
    title: 'Loud callers come out garbled',
    symptom: '“Callers who speak up come out harsh and garbled; quiet callers are fine.”',
    fixture: LIBRIVOX,
    recipe: { seed: 8, steps: [{ id: 'hard-clip', params: { driveDb: 15 } }] },
    answer: {
      detector: 'clipping',
      plane: 'clipping',
      explanation: 'The waveform is flat at full scale: too much gain before the converter or encoder (or an AGC that overshoots).',
    },
  },
  {
    id: 'still-distorted',
    title: 'Still distorted after the gain fix',
    symptom: '“We turned the input gain down 6 dB last week, the peaks no longer hit 0 dBFS, but the audio still sounds distorted.”',
    fixture: LIBRIVOX,
    recipe: { seed: 9, steps: [{ id: 'clip-then-attenuate', params: { driveDb: 15, attenuationDb: 6 } }] },
    answer: {
      detector: 'upstream-clipping',
      plane: 'clipping',
      explanation: 'Flat tops 6 dB below full scale: the audio was clipped earlier on the path (a phone, a gateway) and only turned down afterwards. The fix has to go where the clipping happens.',
    },
  },
  {
    id: 'slow-start',
    title: 'Slow to respond',
    symptom: '“Since the new wake-word model the assistant takes ages to answer, and sometimes times out.”',
    fixture: LIBRIVOX,
    recipe: { seed: 10, steps: [{ id: 'pad-silence', params: { leadingSec: 3, noiseDbfs: -70 } }] },
    answer: {
      detector: 'long-leading-silence',
      plane: 'vad-endpointing',
      explanation: '3 s of room tone before any speech: the recording starts too early (a wrong trigger, a prompt still playing), adding latency and risking endpointer time-outs.',
    },
  },
  {
    id: 'quiet-speaker',
    title: 'Quiet speakers lose words',
    symptom: '“Soft-spoken users say the assistant ignores them; loud users are fine.”',
    fixture: LIBRIVOX,
    recipe: { seed: 11, steps: [{ id: 'gain', params: { gainDb: -30 } }] },
    answer: {
      detector: 'low-level',
      plane: 'microphone',
      explanation: 'Active speech level is about 30 dB under nominal: a far microphone or wrong gain. A VAD with a fixed dBFS gate drops such speakers entirely; a level-relative VAD keeps them.',
    },
  },
  {
    id: 'busy-floor',
    title: 'Errors from the call-centre floor',
    symptom: '“Agents on the open floor get much worse transcripts than agents in the quiet rooms.”',
    fixture: PHONE,
    recipe: { seed: 12, steps: [{ id: 'add-noise', params: { kind: 'babble', snrDb: 5 } }] },
    answer: {
      detector: 'low-snr',
      plane: 'noise',
      explanation: 'Babble at 5 dB SNR: other voices nearly as loud as the agent. Check headset noise cancellation and microphone placement.',
    },
  },
];
