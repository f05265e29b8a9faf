import { expose } from 'comlink';
import { sweepApi } from './sweep.api';

expose(sweepApi);
