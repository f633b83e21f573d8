import { Logger } from '@nestjs/common';
import { OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { AuthGuard } from '../auth/auth.guard';
import type { Principal } from '../common/roles';
import { ClientToServerEvents, ServerToClientEvents, userRoom } from './server-events';

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, { principal: Principal }>;

/**
 * The one gateway. A token is checked at the handshake (a bad or missing one is refused before
 * the connection opens); each socket joins its user's room, which the notifier emits to.
 */
@WebSocketGateway({ cors: { origin: true } })
export class HubGateway implements OnGatewayInit<HubServer> {
  private readonly logger = new Logger(HubGateway.name);
  @WebSocketServer() server: HubServer;

  constructor(private readonly auth: AuthGuard) {}

  afterInit(server: HubServer): void {
    server.use((socket: HubSocket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      this.auth
        .authenticate(typeof token === 'string' ? `Bearer ${token}` : undefined)
        .then(async (principal) => {
          socket.data.principal = principal;
          await socket.join(userRoom(principal.id));
          next();
        })
        .catch(() => next(new Error('unauthorized')));
    });
    this.logger.log('Socket gateway ready');
  }

  toUser<E extends keyof ServerToClientEvents>(
    userId: string,
    event: E,
    ...payload: Parameters<ServerToClientEvents[E]>
  ): void {
    this.server.to(userRoom(userId)).emit(event, ...payload);
  }
}
