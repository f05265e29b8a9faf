/**
 * Public fixtures shipped with the page: the WAV files under /fixtures, served from this origin
 * as build assets, described by fixtures/index.json (title, licence, attribution) when present.
 */

export interface Fixture {
  /** Path inside fixtures/, e.g. "speech/asterisk/agent-pass.wav". */
  path: string;
  url: string;
  title: string;
  kind: string;
  licence: string;
  attribution: string;
  /** Same-origin URL of the licence text, when shipped. */
  licenceUrl: string | null;
}

const wavUrls = import.meta.glob<string>('/fixtures/**/*.wav', { eager: true, query: '?url', import: 'default' });
const licenceUrls = import.meta.glob<string>('/fixtures/LICENSES/*.txt', { eager: true, query: '?url', import: 'default' });
const indexModules = import.meta.glob<unknown>('/fixtures/index.json', { eager: true, import: 'default' });
const attributionUrls = import.meta.glob<string>('/fixtures/ATTRIBUTION.md', { eager: true, query: '?url', import: 'default' });

export const attributionUrl: string | null = Object.values(attributionUrls)[0] ?? null;

interface IndexEntry {
  path: string;
  title?: string;
  kind?: string;
  licence?: string;
  attribution?: string;
}

function isIndexEntry(x: unknown): x is IndexEntry {
  return typeof x === 'object' && x !== null && typeof (x as { path?: unknown }).path === 'string';
}

function readIndex(): IndexEntry[] {
  const doc = Object.values(indexModules)[0];
  if (typeof doc !== 'object' || doc === null) return [];
  const list = (doc as { fixtures?: unknown }).fixtures;
  return Array.isArray(list) ? list.filter(isIndexEntry) : [];
}

/** Used only when index.json is missing: what the folders are known to hold. */
function fallbackEntry(path: string): IndexEntry {
  const file = path.split('/').pop() ?? path;
  if (path.startsWith('speech/asterisk/')) {
    return { path, title: `Telephony prompt “${file.replace(/\.wav$/, '')}”`, kind: 'real speech', licence: 'CC-BY-SA-3.0', attribution: 'Asterisk core sounds, recorded by Allison Smith' };
  }
  if (path.startsWith('speech/librivox/')) {
    return { path, title: `LibriVox reading ${file}`, kind: 'real speech', licence: 'Public domain (LibriVox); packaged under BSD-2-Clause by CMU Sphinx', attribution: 'LibriVox, via CMU pocketsphinx test data' };
  }
  return { path, title: file, kind: 'fixture', licence: 'see fixtures/ATTRIBUTION.md', attribution: '' };
}

function licenceUrlFor(licence: string): string | null {
  for (const [path, url] of Object.entries(licenceUrls)) {
    const stem = (path.split('/').pop() ?? '').replace(/\.txt$/, '');
    // "BSD-2-Clause-CMU" serves "… BSD-2-Clause by CMU Sphinx"; "CC-BY-SA-3.0" serves itself.
    const base = stem.replace(/-[A-Z]+$/, '');
    if (licence.includes(stem) || (base.includes('-') && licence.includes(base))) return url;
  }
  return null;
}

function buildFixtures(): Fixture[] {
  const urlByPath = new Map(Object.entries(wavUrls).map(([k, v]) => [k.replace(/^\/fixtures\//, ''), v]));
  const indexed = readIndex();
  const entries = indexed.length > 0 ? indexed : [...urlByPath.keys()].sort().map(fallbackEntry);
  const out: Fixture[] = [];
  for (const e of entries) {
    const url = urlByPath.get(e.path);
    if (!url) continue;
    const licence = e.licence ?? 'unknown';
    out.push({
      path: e.path,
      url,
      title: e.title ?? e.path,
      kind: e.kind ?? 'fixture',
      licence,
      attribution: e.attribution ?? '',
      licenceUrl: licenceUrlFor(licence),
    });
  }
  return out;
}

export const FIXTURES: readonly Fixture[] = buildFixtures();

/** Fetch a fixture from this origin as a File, as if the user had opened it. */
export async function fetchFixture(fixture: Fixture, signal?: AbortSignal): Promise<File> {
  const response = await fetch(fixture.url, { signal, credentials: 'omit' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const blob = await response.blob();
  return new File([blob], fixture.path.split('/').pop() ?? 'fixture.wav', { type: 'audio/wav' });
}
