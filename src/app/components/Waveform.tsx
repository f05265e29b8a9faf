/**
 * The waveform, VAD regions, timeline and spectrogram of one analysed file, drawn by wavesurfer.js
 * from data the worker computed at the native rate: `peaks` + `duration` (so wavesurfer neither
 * fetches nor decodes) and precomputed spectrogram frames. Playback streams the local file
 * through a blob: URL.
 */
import { useCallback, useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import WaveSurfer from 'wavesurfer.js';
import RegionsPlugin from 'wavesurfer.js/plugins/regions';
import SpectrogramPlugin from 'wavesurfer.js/plugins/spectrogram';
import TimelinePlugin from 'wavesurfer.js/plugins/timeline';
import type { FileReport } from '../../client/analysis-client';
import type { Theme } from '../hooks/useTheme';
import { fmtClock } from '../format';

export interface PlayerHandle {
  seek(sec: number): void;
  focus(): void;
}

interface Props {
  file: File;
  report: FileReport;
  theme: Theme;
  ref?: Ref<PlayerHandle>;
  /** Drawn right under the waveform, given its visible time window (e.g. the VAD engine lanes). */
  below?: (view: { startSec: number; endSec: number }) => ReactNode;
}

/** Widest the scrolled waveform may get: the spectrogram plugin resamples its data to this width. */
const MAX_WIDTH_PX = 30_000;
const MAX_PX_PER_SEC = 1000;
const REGION_BATCH = 40;

/**
 * Label spacing of ≥ 70 px at this zoom, on a 1-2-5 ladder, one notch per label: the plugin
 * forces a layout per notch, so fewer notches keep the main thread free.
 */
const LABEL_STEPS_SEC = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

function timelineFor(pxPerSec: number, color: string) {
  const label = LABEL_STEPS_SEC.find((s) => s * pxPerSec >= 70) ?? 3600;
  const decimals = label < 0.1 ? 2 : label < 1 ? 1 : 0;
  return TimelinePlugin.create({
    height: 18,
    timeInterval: label,
    primaryLabelInterval: label,
    secondaryLabelInterval: label,
    secondaryLabelOpacity: 0.35,
    style: { color, fontSize: '11px' },
    formatTimeCallback: (sec: number) =>
      sec >= 60 ? `${Math.floor(sec / 60)}:${(sec % 60).toFixed(decimals).padStart(decimals ? 3 + decimals : 2, '0')}` : `${sec.toFixed(decimals)} s`,
  });
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function colors() {
  return {
    wave: cssVar('--wave'),
    progress: cssVar('--wave-progress'),
    cursor: cssVar('--wave-cursor'),
    region: cssVar('--region'),
    critical: cssVar('--region-critical'),
    warning: cssVar('--region-warn'),
    info: cssVar('--region-info'),
    label: cssVar('--muted'),
  };
}

export function Waveform({ file, report, theme, ref, below }: Props) {
  const keysId = useId();
  const containerRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const wsRef = useRef<WaveSurfer | null>(null);
  const timelineRef = useRef<ReturnType<typeof TimelinePlugin.create> | null>(null);
  /** The last seek asked for while the audio element could not play yet (see `seek`). */
  const pendingSeekRef = useRef<number | null>(null);
  const [fitHeight, setFitHeight] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [ready, setReady] = useState(false);
  const [playbackError, setPlaybackError] = useState(false);
  const [zoomStep, setZoomStep] = useState(0);
  const [regionCount, setRegionCount] = useState(0);
  const { display, summary } = report;
  const durationSec = display.durationSec;
  const [view, setView] = useState({ startSec: 0, endSec: durationSec });
  const channelCount = display.peaks.length;

  // Zoom in steps of √2 above "fit the width".
  const fitPxPerSec = useCallback(() => {
    const width = containerRef.current?.clientWidth ?? 800;
    return durationSec > 0 ? width / durationSec : 100;
  }, [durationSec]);
  const maxPxPerSec = durationSec > 0 ? Math.min(MAX_PX_PER_SEC, MAX_WIDTH_PX / durationSec) : MAX_PX_PER_SEC;
  const maxZoomStep = Math.max(0, Math.floor(2 * Math.log2(Math.max(1, maxPxPerSec / fitPxPerSec()))));

  useEffect(() => {
    const container = containerRef.current;
    if (!container || durationSec <= 0 || channelCount === 0) return;
    const c = colors();
    const mediaUrl = URL.createObjectURL(file);
    const spectrogramUrl = URL.createObjectURL(display.spectrogram.json);
    const regions = RegionsPlugin.create();
    const stereoSplit = channelCount > 1;
    const ws = WaveSurfer.create({
      container,
      height: stereoSplit ? 56 : 96,
      waveColor: c.wave,
      progressColor: c.progress,
      cursorColor: c.cursor,
      cursorWidth: 1,
      normalize: false,
      peaks: display.peaks,
      duration: durationSec,
      url: mediaUrl,
      sampleRate: display.sampleRateHz,
      dragToSeek: true,
      autoScroll: true,
      autoCenter: true,
      ...(stereoSplit ? { splitChannels: display.peaks.map(() => ({ waveColor: c.wave, progressColor: c.progress })) } : {}),
      plugins: [
        regions,
        SpectrogramPlugin.create({
          frequenciesDataUrl: spectrogramUrl,
          sampleRate: display.sampleRateHz,
          frequencyMin: 0,
          frequencyMax: display.sampleRateHz / 2,
          scale: 'linear',
          labels: true,
          labelsColor: '#e8e8e8',
          labelsBackground: 'rgba(0, 0, 0, 0.35)',
          height: display.spectrogram.channels > 1 ? 96 : 128,
          splitChannels: display.spectrogram.channels > 1,
          colorMap: 'roseus',
        }),
      ],
    });
    wsRef.current = ws;
    let cancelled = false;
    let batchTimer: ReturnType<typeof setTimeout> | undefined;
    // The visible window, for lanes drawn under the waveform on the same time axis.
    const emitView = (): void => {
      const total = ws.getWrapper().clientWidth || ws.getWidth();
      if (!(total > 0)) return;
      const left = ws.getScroll();
      setView({ startSec: (left / total) * durationSec, endSec: Math.min(durationSec, ((left + ws.getWidth()) / total) * durationSec) });
    };
    const unsubs = [
      ws.on('scroll', (startSec, endSec) => setView({ startSec, endSec: Math.min(durationSec, endSec) })),
      ws.on('redrawcomplete', emitView),
      ws.on('resize', emitView),
      ws.on('zoom', (pxPerSec) => {
        // Rebuild the timeline so its labels suit the new zoom (its intervals are fixed at creation).
        if (timelineRef.current) ws.unregisterPlugin(timelineRef.current);
        timelineRef.current = ws.registerPlugin(timelineFor(pxPerSec || container.clientWidth / durationSec, colors().label));
      }),
      ws.on('ready', () => {
        regions.clearRegions();
        // The regions plugin measures the layout once per region: add them a few at a time so a
        // long recording's hundreds of segments never hold the main thread for long.
        const c = colors();
        const marks = [
          ...summary.vad.segments.map((seg, i) => ({ id: `vad-${i}`, start: seg.startSec, end: seg.endSec, color: c.region })),
          // Where findings apply (clipped runs, dropouts…), drawn over the speech shading.
          ...summary.findings.flatMap((f, i) =>
            (f.ranges ?? []).map((r, k) => ({
              id: `finding-${i}-${k}`,
              start: r.startSec,
              // At least ~10 ms wide, so a single clipped run stays visible.
              end: Math.max(r.endSec, r.startSec + 0.01),
              color: f.severity === 'critical' ? c.critical : f.severity === 'warn' ? c.warning : c.info,
            })),
          ),
        ];
        let next = 0;
        const addBatch = (): void => {
          if (cancelled) return;
          for (const end = Math.min(marks.length, next + REGION_BATCH); next < end; next++) {
            const region = regions.addRegion({ ...marks[next], drag: false, resize: false });
            // Finding ranges are a thin lane along the top, so the waveform stays readable.
            if (marks[next].id.startsWith('finding-') && region.element) {
              region.element.style.height = '7px';
              region.element.style.top = '0';
              region.element.title = 'Where a finding applies';
            }
          }
          if (next < marks.length) batchTimer = setTimeout(addBatch, 0);
          else setRegionCount(summary.vad.segments.length);
        };
        addBatch();
        // The zoom effect below runs once ready, and its 'zoom' event adds the timeline.
        setReady(true);
      }),
      ws.on('play', () => setPlaying(true)),
      ws.on('pause', () => setPlaying(false)),
      ws.on('finish', () => setPlaying(false)),
      ws.on('timeupdate', (t) => setTime(t)),
      ws.on('error', () => setPlaybackError(true)),
    ];
    return () => {
      cancelled = true;
      clearTimeout(batchTimer);
      for (const u of unsubs) u();
      ws.destroy();
      wsRef.current = null;
      timelineRef.current = null;
      pendingSeekRef.current = null;
      URL.revokeObjectURL(mediaUrl);
      URL.revokeObjectURL(spectrogramUrl);
      setReady(false);
      setPlaying(false);
      setTime(0);
    };
  }, [file, display, durationSec, channelCount, summary.vad.segments]);

  // Follow the theme without rebuilding the view.
  useEffect(() => {
    const ws = wsRef.current;
    if (!ws) return;
    const c = colors();
    ws.setOptions({
      waveColor: c.wave,
      progressColor: c.progress,
      cursorColor: c.cursor,
      ...(channelCount > 1 ? { splitChannels: display.peaks.map(() => ({ waveColor: c.wave, progressColor: c.progress })) } : {}),
    });
    if (timelineRef.current && ws.getDuration() > 0) {
      ws.unregisterPlugin(timelineRef.current);
      const px = ws.options.minPxPerSec || (containerRef.current?.clientWidth ?? 800) / durationSec;
      timelineRef.current = ws.registerPlugin(timelineFor(px, c.label));
    }
  }, [theme, channelCount, display.peaks, durationSec]);

  useEffect(() => {
    wsRef.current?.setOptions({ normalize: fitHeight });
  }, [fitHeight, ready]);

  useEffect(() => {
    const ws = wsRef.current;
    if (!ws || !ready) return;
    const px = zoomStep === 0 ? 0 : Math.min(maxPxPerSec, fitPxPerSec() * 2 ** (zoomStep / 2));
    ws.zoom(px);
  }, [zoomStep, ready, maxPxPerSec, fitPxPerSec]);

  const seek = useCallback(
    (sec: number) => {
      const ws = wsRef.current;
      if (!ws) return;
      const t = Math.max(0, Math.min(durationSec, sec));
      ws.setTime(t);
      // Before the audio element can play, wavesurfer (8.0.1) holds a seek as pending and can
      // drop it when the element's own earlier seek lands: the clock then snaps back (seen once,
      // under load, two arrow keys after a file opened). The last seek asked for is made again
      // once the element can play.
      const media = ws.getMediaElement();
      if (media && media.readyState < HTMLMediaElement.HAVE_FUTURE_DATA) {
        if (pendingSeekRef.current === null) {
          media.addEventListener(
            'canplay',
            () => {
              const last = pendingSeekRef.current;
              pendingSeekRef.current = null;
              if (last !== null && wsRef.current === ws) ws.setTime(last);
            },
            { once: true },
          );
        }
        pendingSeekRef.current = t;
      }
    },
    [durationSec],
  );

  useImperativeHandle(ref, () => ({ seek, focus: () => panelRef.current?.focus() }), [seek]);

  const playPause = (): void => {
    void wsRef.current?.playPause().catch(() => setPlaybackError(true));
  };
  const zoomBy = (delta: number): void => setZoomStep((z) => Math.max(0, Math.min(maxZoomStep, z + delta)));

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target !== e.currentTarget && (e.target as HTMLElement).closest('button, input, select')) return;
    const ws = wsRef.current;
    if (!ws) return;
    const step = e.shiftKey ? 5 : 1;
    switch (e.key) {
      case ' ':
        playPause();
        break;
      case 'ArrowLeft':
        seek((pendingSeekRef.current ?? ws.getCurrentTime()) - step);
        break;
      case 'ArrowRight':
        seek((pendingSeekRef.current ?? ws.getCurrentTime()) + step);
        break;
      case 'Home':
        seek(0);
        break;
      case 'End':
        seek(durationSec);
        break;
      case '+':
      case '=':
        zoomBy(1);
        break;
      case '-':
        zoomBy(-1);
        break;
      case '0':
        setZoomStep(0);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div
      className="player"
      ref={panelRef}
      tabIndex={0}
      role="group"
      aria-label="Waveform and spectrogram. Space plays or pauses, arrow keys move 1 second (with Shift 5), plus and minus zoom, 0 fits."
      aria-describedby={keysId}
      onKeyDown={onKeyDown}
      data-ready={ready ? 'true' : 'false'}
      data-vad-regions={regionCount}
    >
      <div className="player-toolbar">
        <button type="button" className="button primary" onClick={playPause} disabled={!ready} aria-pressed={playing}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <span className="clock" aria-live="off">
          {fmtClock(time)} <span className="muted">/ {fmtClock(durationSec)}</span>
        </span>
        <span className="toolbar-gap" />
        <button type="button" className="button" onClick={() => zoomBy(-1)} disabled={zoomStep === 0} aria-label="Zoom out">
          −
        </button>
        <label className="zoom">
          <span className="visually-hidden">Zoom</span>
          <input
            type="range"
            min={0}
            max={Math.max(1, maxZoomStep)}
            step={1}
            value={zoomStep}
            disabled={maxZoomStep === 0}
            onChange={(e) => setZoomStep(Number(e.target.value))}
          />
        </label>
        <button type="button" className="button" onClick={() => zoomBy(1)} disabled={zoomStep >= maxZoomStep} aria-label="Zoom in">
          +
        </button>
        <button type="button" className="button" onClick={() => setZoomStep(0)} disabled={zoomStep === 0}>
          Fit
        </button>
        <label className="check small-check" title="Scale the waveform to the height of the view; levels are in the tables">
          <input type="checkbox" checked={fitHeight} onChange={(e) => setFitHeight(e.target.checked)} />
          Fit height
        </label>
      </div>
      <div className="wave" ref={containerRef} />
      {below?.(view)}
      <p className="player-legend" id={keysId}>
        <span className="swatch region-swatch" aria-hidden="true" /> speech found by the VAD ({summary.vad.segments.length}{' '}
        {summary.vad.segments.length === 1 ? 'segment' : 'segments'})
        {summary.findings.some((f) => (f.ranges?.length ?? 0) > 0) ? (
          <>
            {' · '}
            <span className="swatch finding-swatch" aria-hidden="true" /> where findings apply
          </>
        ) : null}{' '}
        · spectrogram of the audio at {display.sampleRateHz} Hz, 0 Hz to
        Nyquist · keys: Space play/pause, ←/→ 1 s, Shift 5 s, +/− zoom, 0 fit
        {playbackError ? <span className="warn-text"> · this browser cannot play this format; the analysis is unaffected</span> : null}
      </p>
    </div>
  );
}
