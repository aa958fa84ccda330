import { define } from '../shared/define.js';
import { RealtimeProvider } from './realtime-provider.js';

define('realtime-provider', RealtimeProvider);

export { RealtimeProvider };
