import { stopRealServers } from './real-servers.global-setup';

export default stopRealServers;
