import { expose } from 'comlink';
import { api, compressedReaders } from './analysis.api';

expose(api);
// Fetched now, while the page is surely online (a compressed file opened offline still reads).
void compressedReaders().catch(() => undefined);
