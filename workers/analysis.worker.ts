import { expose } from 'comlink';
import { api } from './analysis.api';

expose(api);
