import { expose } from 'comlink';
import { drillApi } from './drill.api';

expose(drillApi);
