import { expose } from 'comlink';
import { vadEnginesApi } from './vad-engines.api';

expose(vadEnginesApi);
