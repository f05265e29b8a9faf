/**
 * The frame table: compact per-10-ms features of a whole recording, produced by one streaming pass
 * (`createFrameAnalysis`) and read by VAD, silence, SNR, bandwidth and layout (`deriveFrameMeasurements`).
 *
 * Frame i covers samples [i·hopSamples, (i+1)·hopSamples); the last frame may be shorter
 * (`lastFrameSamples`). Powers are mean squares in full-scale units (10·log10 → dBFS, RMS scale).
 * 1 h at 10 ms hops is 360,000 frames: about 10 floats per frame plus 1 per channel.
 */
export interface FrameTable {
  sampleRateHz: number;
  channelCount: number;
  hopSamples: number;
  /** hopSamples / sampleRateHz (10 ms, or the nearest whole number of samples). */
  hopSec: number;
  /** Length of the Hann window and FFT of the spectral features (power of two, 21–32 ms). */
  fftSize: number;
  frameCount: number;
  /** Samples per channel analysed. */
  sampleCount: number;
  /** Samples in the last frame (hopSamples unless the audio ended mid-hop). */
  lastFrameSamples: number;

  /**
   * Time-domain power of each channel over each hop with the hop's mean taken out (mean square −
   * squared mean): channelPower[c][i]. A DC bias is neither speech nor noise, so it must not raise
   * the noise floor the VAD, SNR and silence measures read (it would read 0.05 FS of DC as a
   * −26 dBFS noise floor). Removing each 10 ms hop's mean also takes out most energy below ~30 Hz.
   */
  channelPower: Float32Array[];
  /** The same for the mono downmix (mean of channels); equals channelPower[0] for mono. */
  downmixPower: Float32Array;
  /** 1 when every sample of every channel in the hop is exactly 0 (or non-finite, counted as 0). */
  digitalSilence: Uint8Array;
  /** Channel 0 × channel 1 sums per hop (any channel count ≥ 2), for correlation over active frames; null for mono. */
  pair: ChannelPairSums | null;

  /** Edges of the spectral sub-bands, Hz: band b spans [bandEdgesHz[b], bandEdgesHz[b+1]). */
  bandEdgesHz: number[];
  /**
   * Power of the analysis signal in each sub-band per frame (Hann window centred on the hop,
   * scaled so that white noise of variance σ² reads σ²·bandwidth/Nyquist): bandPower[b][i].
   * The analysis signal is the mono downmix (mean of channels); for stereo windows where the side
   * (L−R)/2 carries more energy than the mid, the side is used, so phase-inverted stereo does not
   * vanish.
   */
  bandPower: Float32Array[];
  /** Long-term spectra of the analysis signal, summed per 1-dB level bucket (see SpectrumBuckets). */
  spectrum: SpectrumBuckets;
}

export interface ChannelPairSums {
  sumXY: Float32Array;
  sumX: Float32Array;
  sumY: Float32Array;
}

/**
 * Power spectra summed over frames, grouped by each frame's speech-band level rounded down to
 * whole dB, so that once a level threshold is known the spectra of the frames above it can be
 * added up without keeping per-frame spectra. Memory: (fftSize/2 + 1) doubles per occupied bucket.
 */
export interface SpectrumBuckets {
  /** Frequency of bin k is k · binHz. */
  binHz: number;
  binCount: number;
  /** Bucket key = floor(10·log10(speech-band power)) in dB. */
  buckets: Map<number, SpectrumBucket>;
}

export interface SpectrumBucket {
  frames: number;
  /** Sum over frames of the per-bin power (mean-square units per bin). */
  powerSum: Float64Array;
}

export interface FrameAnalysisSettings {
  /** Hop length, s (rounded to whole samples). Default 0.010. */
  hopSec: number;
  /**
   * Sub-band edges, Hz. The default, 200–4000 Hz split at 500/1000/2000, is the speech band the
   * VAD uses; edges above Nyquist are dropped. A band above 4 kHz is added when the rate allows.
   */
  bandEdgesHz: number[];
  /** FFT/window length override (power of two); null = chosen from the rate (see frame-analysis). */
  fftSize: number | null;
}

export const DEFAULT_FRAME_SETTINGS: FrameAnalysisSettings = {
  hopSec: 0.01,
  bandEdgesHz: [200, 500, 1000, 2000, 4000, 8000],
  fftSize: null,
};
