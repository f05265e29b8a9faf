import { num, str, type Impairment } from './types';

/**
 * Packet loss: the audio is cut into `frameMs` packets; each is lost with probability
 * `lossPercent` (independently, or in bursts via a two-state Gilbert model with mean burst
 * `burstPackets`), and a lost packet becomes zeros or, with concealment, a repeat of the
 * previous packet. Packets at the very start are never lost (so the first word survives).
 */
export const packetLoss: Impairment = {
  id: 'packet-loss',
  description: 'Drop network packets: lost frames filled with zeros (no concealment) or with the previous frame repeated.',
  params: {
    frameMs: { kind: 'number', default: 20, min: 2.5, max: 120, unit: 'ms', label: 'Packet length' },
    lossPercent: { kind: 'number', default: 3, min: 0, max: 50, unit: '%', label: 'Loss rate' },
    burstPackets: { kind: 'number', default: 1, min: 1, max: 20, unit: 'packets', label: 'Mean burst length' },
    conceal: { kind: 'choice', default: 'zeros', options: ['zeros', 'repeat'], label: 'Concealment' },
  },
  apply(audio, p, rand) {
    const frame = Math.max(1, Math.round((num(p, 'frameMs') / 1000) * audio.sampleRateHz));
    const loss = Math.min(0.5, Math.max(0, num(p, 'lossPercent') / 100));
    const burst = Math.max(1, num(p, 'burstPackets'));
    const conceal = str(p, 'conceal');
    if (conceal !== 'zeros' && conceal !== 'repeat') throw new RangeError(`unknown concealment ${conceal}`);
    const n = audio.channels[0]?.length ?? 0;
    const packets = Math.floor(n / frame);
    // Gilbert model: P(bad→good) = 1/burst; P(good→bad) chosen so the stationary loss is `loss`.
    const pBadToGood = 1 / burst;
    const pGoodToBad = loss >= 1 ? 1 : (loss * pBadToGood) / (1 - loss);
    const lost = new Uint8Array(packets);
    let bad = false;
    for (let k = 1; k < packets; k++) {
      bad = bad ? rand() >= pBadToGood : rand() < pGoodToBad;
      lost[k] = bad ? 1 : 0;
    }
    const out = audio.channels.map((x) => x.slice());
    for (const y of out) {
      for (let k = 1; k < packets; k++) {
        if (!lost[k]) continue;
        if (conceal === 'zeros') y.fill(0, k * frame, (k + 1) * frame);
        else y.copyWithin(k * frame, (k - 1) * frame, k * frame);
      }
    }
    return { sampleRateHz: audio.sampleRateHz, channels: out };
  },
};
