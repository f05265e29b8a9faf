import type { FileReport } from '../../client/analysis-client';
import { fmtBytes, fmtHz, fmtPercent, fmtRate, fmtSec } from '../format';

const CODEC_NAMES: Record<string, string> = {
  'pcm-s16': 'PCM 16-bit',
  'pcm-s24': 'PCM 24-bit',
  'pcm-s32': 'PCM 32-bit',
  'pcm-f32': 'PCM float 32',
  'pcm-f64': 'PCM float 64',
  'pcm-u8': 'PCM 8-bit',
  alaw: 'G.711 A-law',
  ulaw: 'G.711 µ-law',
  flac: 'FLAC',
  mp3: 'MP3',
  vorbis: 'Vorbis',
  opus: 'Opus',
  aac: 'AAC',
};

export const codecName = (codec: string): string => CODEC_NAMES[codec] ?? codec;

const LAYOUT_NAMES: Record<string, string> = {
  mono: 'mono',
  stereo: 'stereo',
  'dual-mono': 'dual mono (identical channels)',
  'phase-inverted': 'phase-inverted pair',
  'dead-channel': 'one channel dead',
  multichannel: 'multichannel',
};

export const layoutName = (kind: string): string => LAYOUT_NAMES[kind] ?? kind;

/** Declared vs decoded rate vs the bandwidth actually used, and the rest of the format. */
export function FormatCard({ report }: { report: FileReport }) {
  const { summary } = report;
  const src = summary.source;
  const bw = summary.bandwidth;
  const fraction = bw.fractionOfNyquist;
  const narrow = fraction !== null && fraction < 0.6;
  const rateDiffers = src.sampleRateHz !== src.decodedSampleRateHz;
  return (
    <section className="card format-card" aria-labelledby="format-heading">
      <h3 id="format-heading">Format</h3>
      <dl className="format-grid">
        <div data-testid="declared-rate">
          <dt>Declared rate</dt>
          <dd>{fmtRate(src.sampleRateHz)}</dd>
        </div>
        <div data-testid="decoded-rate">
          <dt>Decoded at</dt>
          <dd>
            {fmtRate(src.decodedSampleRateHz)}
            <span className="sub">{rateDiffers ? 'decoder output rate' : 'native, not resampled'}</span>
          </dd>
        </div>
        <div data-testid="bandwidth" className={narrow ? 'flag' : undefined}>
          <dt>Effective bandwidth</dt>
          <dd>
            {fmtHz(bw.effectiveHz)}
            <span className="sub">{fraction === null ? 'not measured (no speech?)' : `${fmtPercent(fraction, 0)} of Nyquist (${fmtHz(src.decodedSampleRateHz / 2)})`}</span>
            {fraction !== null ? (
              <span className="meter" aria-hidden="true">
                <span style={{ width: `${Math.min(100, fraction * 100)}%` }} />
              </span>
            ) : null}
          </dd>
        </div>
        <div data-testid="channels">
          <dt>Channels</dt>
          <dd>
            {src.channels}
            <span className="sub">{layoutName(summary.layout.kind)}</span>
          </dd>
        </div>
        <div data-testid="bit-depth">
          <dt>Bit depth</dt>
          <dd>{src.bitDepth === null ? '—' : `${src.bitDepth}-bit`}<span className="sub">{src.bitDepth === null ? 'lossy codec' : 'as stored'}</span></dd>
        </div>
        <div data-testid="codec">
          <dt>Codec</dt>
          <dd>
            {codecName(src.codec)}
            <span className="sub">in {src.container.toUpperCase()}</span>
          </dd>
        </div>
        <div data-testid="duration">
          <dt>Duration</dt>
          <dd>{fmtSec(src.durationSec, 2)}</dd>
        </div>
        <div data-testid="size">
          <dt>Size</dt>
          <dd>
            {fmtBytes(src.bytes)}
            <span className="sub mono" title="First 16 hex digits of SHA-256 of the file">#{src.contentHash}</span>
          </dd>
        </div>
      </dl>
    </section>
  );
}
