import type { ReactNode } from 'react';
import type { Summary, VadSettings } from '../../core/summary/types';
import { channelName, fmtDb, fmtNumber, fmtPercent, fmtSec } from '../format';
import { layoutName } from './FormatCard';
import { VadSettingsForm } from './VadSettingsForm';

function Row({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <tr>
      <th scope="row" title={hint}>
        {label}
      </th>
      {children}
    </tr>
  );
}

function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <div className="stat" title={hint}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

const crest = (x: number | null): string => (x === null ? '—' : `${x.toFixed(2)} (${fmtDb(20 * Math.log10(x), 'dB')})`);
const dc = (x: number): string => (x === 0 ? '0' : `${fmtNumber(x * 100, 3)} %`);

/** Levels for the whole file and per channel. */
export function LevelsTable({ summary }: { summary: Summary }) {
  const { levels, channels, clipping } = summary;
  const many = channels.length > 1;
  const perChannel = <T,>(f: (c: Summary['channels'][number]) => T, fmt: (v: T) => string) =>
    many ? channels.map((c, i) => <td key={i}>{fmt(f(c))}</td>) : null;
  return (
    <section className={`card${many ? ' full-row' : ''}`} aria-labelledby="levels-heading">
      <h3 id="levels-heading">Levels</h3>
      <div className="table-scroll">
        <table className="levels">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Measure</span>
              </th>
              <th scope="col">{many ? 'All channels' : 'Value'}</th>
              {many ? channels.map((_, i) => <th scope="col" key={i}>{channelName(i, channels.length)}</th>) : null}
            </tr>
          </thead>
          <tbody>
            <Row label="Peak" hint="Largest |sample|, dB re full scale">
              <td>{fmtDb(levels.peakDbfs)}</td>
              {perChannel((c) => c.peakDbfs, (v) => fmtDb(v))}
            </Row>
            <Row label="RMS" hint="Root mean square level over the whole file">
              <td>{fmtDb(levels.rmsDbfs)}</td>
              {perChannel((c) => c.rmsDbfs, (v) => fmtDb(v))}
            </Row>
            <Row label="Noise floor" hint="Quietest 50 ms window (running max |x|)">
              <td>{fmtDb(levels.noiseFloorDbfs)}</td>
              {perChannel((c) => c.noiseFloorDbfs, (v) => fmtDb(v))}
            </Row>
            <Row label="Crest factor" hint="Peak / RMS">
              <td>{crest(levels.crestFactor)}</td>
              {perChannel((c) => c.crestFactor, crest)}
            </Row>
            <Row label="DC offset" hint="Mean sample value, % of full scale">
              <td>{dc(levels.dcOffset)}</td>
              {perChannel((c) => c.dcOffset, dc)}
            </Row>
            <Row label="Clipped" hint="Samples with |x| ≥ 0.999 of full scale">
              <td>{fmtPercent(clipping.ratio, 3)}</td>
              {perChannel((c) => c.clippingRatio, (v) => fmtPercent(v, 3))}
            </Row>
            <Row label="Digital silence" hint="Samples exactly 0">
              <td>{fmtPercent(summary.silence.digitalSilenceRatio)}</td>
              {perChannel((c) => c.digitalSilenceRatio, (v) => fmtPercent(v))}
            </Row>
          </tbody>
        </table>
      </div>
      <dl className="stats">
        <Stat label="Active speech level" value={fmtDb(levels.activeSpeechLevelDbfs)} hint="ITU-T P.56 method B" />
        <Stat label="Speech activity" value={fmtPercent(levels.speechActivityRatio)} hint="P.56 activity factor" />
        <Stat label="Loudness" value={fmtDb(levels.integratedLoudnessLufs, 'LUFS')} hint="ITU-R BS.1770 gated integrated loudness" />
        {levels.nonFiniteSamples > 0 ? <Stat label="NaN/∞ samples" value={levels.nonFiniteSamples} /> : null}
      </dl>
    </section>
  );
}

export function ClippingCard({ summary }: { summary: Summary }) {
  const c = summary.clipping;
  return (
    <section className="card" aria-labelledby="clipping-heading">
      <h3 id="clipping-heading">Clipping</h3>
      <dl className="stats">
        <Stat label="Clipped samples" value={`${c.clippedSamples} (${fmtPercent(c.ratio, 3)})`} />
        <Stat label="Runs of ≥ 3" value={c.runs} hint="Consecutive clipped samples: the waveform was cut flat" />
        <Stat
          label="Flat tops below full scale"
          value={c.flatTop.detected ? `at ${fmtDb(c.flatTop.levelDbfs)}, ${c.flatTop.runs} runs` : 'none'}
          hint="Clipped upstream, then turned down"
        />
      </dl>
    </section>
  );
}

export function SpeechCard({ summary, onRerun }: { summary: Summary; onRerun(settings: Partial<VadSettings>): void }) {
  const { vad, silence } = summary;
  return (
    <section className="card" aria-labelledby="speech-heading">
      <h3 id="speech-heading">Speech and silence</h3>
      <dl className="stats">
        <Stat label="Speech segments" value={vad.segments.length} />
        <Stat label="Speech" value={fmtPercent(vad.speechRatio)} hint="Share of the file inside VAD segments" />
        <Stat label="First speech" value={fmtSec(vad.firstSpeechSec)} />
        <Stat label="Speech ends" value={fmtSec(vad.lastSpeechEndSec)} />
        <Stat label="Leading silence" value={fmtSec(vad.leadingSilenceSec)} />
        <Stat label="Trailing silence" value={fmtSec(vad.trailingSilenceSec)} />
        <Stat label="Silent frames" value={fmtPercent(silence.ratio)} hint={`20 ms frames below ${fmtDb(silence.thresholdDbfs)}`} />
        <Stat label="Silence threshold" value={fmtDb(silence.thresholdDbfs)} hint="Set relative to this recording's speech level" />
      </dl>
      <p className="fine">
        VAD: built-in, sensitivity {vad.settings.threshold}, min speech {vad.settings.minSpeechSec} s, min silence {vad.settings.minSilenceSec} s,
        padding {vad.settings.padSec} s{vad.settings.absoluteFloorDbfs === null ? '' : `, floor ${vad.settings.absoluteFloorDbfs} dBFS`}.
      </p>
      <VadSettingsForm settings={vad.settings} onRerun={onRerun} />
    </section>
  );
}

export function NoiseCard({ summary }: { summary: Summary }) {
  const { snr } = summary;
  return (
    <section className="card" aria-labelledby="noise-heading">
      <h3 id="noise-heading">Noise</h3>
      <dl className="stats">
        <Stat
          label="SNR (active speech)"
          value={snr.db === null ? '—' : `${snr.noiseIsDigitalSilence ? '≥ ' : ''}${fmtDb(snr.db, 'dB')}`}
          hint="Speech-frame power over non-speech-frame power, capped at 60 dB"
        />
        <Stat label="WADA-SNR" value={fmtDb(snr.wadaDb, 'dB')} hint="Blind global estimate (Kim & Stern 2008)" />
        <Stat label="Speech level" value={fmtDb(snr.speechDbfs)} />
        <Stat label="Noise level" value={fmtDb(snr.noiseDbfs)} />
      </dl>
      {snr.noiseIsDigitalSilence ? <p className="fine">The pauses are exact digital silence: gated or synthetic audio.</p> : null}
    </section>
  );
}

export function LayoutCard({ summary }: { summary: Summary }) {
  const { layout } = summary;
  if (summary.channels.length < 2) {
    return (
      <section className="card" aria-labelledby="layout-heading">
        <h3 id="layout-heading">Channel layout</h3>
        <p className="fine">Mono: one channel.</p>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="layout-heading">
      <h3 id="layout-heading">Channel layout</h3>
      <dl className="stats">
        <Stat label="Layout" value={layoutName(layout.kind)} />
        <Stat label="Correlation L/R" value={fmtNumber(layout.interChannelCorrelation, 3)} hint="Pearson, over active frames: 1 identical, −1 inverted" />
        <Stat label="Level difference" value={fmtDb(layout.levelDifferenceDb, 'dB')} hint="Channel 1 minus channel 2, active frames" />
        <Stat label="Mono downmix" value={fmtDb(layout.monoDownmixDeltaDb, 'dB')} hint="Downmix level relative to the louder channel" />
        <Stat
          label="Dead channels"
          value={layout.deadChannels.length === 0 ? 'none' : layout.deadChannels.map((i) => channelName(i, summary.channels.length)).join(', ')}
        />
      </dl>
    </section>
  );
}
