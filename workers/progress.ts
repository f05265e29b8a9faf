/**
 * How often progress crosses to the page, at most, ms. Each update redraws the pending report
 * (React, style, layout, paint and compositing: ~9 ms of CPU across Chromium's threads here), on
 * the cores the analysis needs; at 10 a second the hour of 16 kHz mono took ~25 ms longer (of
 * ~1.1 s) on 2 cores than at 4 a second. Four a second still moves the bar smoothly.
 */
export const PROGRESS_INTERVAL_MS = 250;
