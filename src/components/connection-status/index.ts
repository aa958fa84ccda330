import { define } from '../shared/define.js';
import { ConnectionStatus } from './connection-status.js';

define('connection-status', ConnectionStatus);

export { ConnectionStatus };
