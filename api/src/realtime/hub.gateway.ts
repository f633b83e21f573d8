import { forwardRef, Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { AuthGuard } from '../auth/auth.guard';
import type { Principal } from '../common/roles';
import { toErrorBody } from '../common/http-exception.filter';
import { validatePayload } from '../common/validation';
import { LeaderboardSubscriptionDto } from '../leaderboards/dto/leaderboard.dto';
import { LeaderboardsService } from '../leaderboards/leaderboards.service';
import { leaderboardRoom, LeaderboardPublisher } from './leaderboard-publisher';
import { ClientToServerEvents, ServerToClientEvents, SubscriptionAck, userRoom } from './server-events';

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

  constructor(
    private readonly auth: AuthGuard,
    private readonly leaderboards: LeaderboardsService,
    @Inject(forwardRef(() => LeaderboardPublisher)) private readonly publisher: LeaderboardPublisher,
  ) {}

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

  @SubscribeMessage('leaderboard.subscribe')
  subscribe(@ConnectedSocket() socket: HubSocket, @MessageBody() payload: unknown): Promise<SubscriptionAck> {
    return this.answer(async () => {
      const { board, period } = this.board(socket, payload);
      await this.publisher.remember(board, period);
      await socket.join(leaderboardRoom(board, period));
    });
  }

  @SubscribeMessage('leaderboard.unsubscribe')
  unsubscribe(@ConnectedSocket() socket: HubSocket, @MessageBody() payload: unknown): Promise<SubscriptionAck> {
    return this.answer(async () => {
      const { board, period } = this.board(socket, payload);
      await socket.leave(leaderboardRoom(board, period));
    });
  }

  /** The board a socket asks for, validated and authorized exactly like GET /api/leaderboards. */
  private board(socket: HubSocket, payload: unknown) {
    const subscription = validatePayload(LeaderboardSubscriptionDto, payload);
    const { board } = this.leaderboards.resolve(socket.data.principal, subscription.scope, subscription.organizationId);
    return { board, period: subscription.period };
  }

  /** Runs a handler and turns its outcome into the acknowledgement, errors in the HTTP error shape. */
  private async answer(work: () => Promise<void>): Promise<SubscriptionAck> {
    try {
      await work();
      return { ok: true };
    } catch (error) {
      const { statusCode, message } = toErrorBody(error);
      return { ok: false, statusCode, message: Array.isArray(message) ? message.join('; ') : message };
    }
  }

  /** Whether any socket, on any instance, is in the room. */
  async hasMembers(room: string): Promise<boolean> {
    return (await this.server.in(room).fetchSockets()).length > 0;
  }

  toRoom<E extends keyof ServerToClientEvents>(
    room: string,
    event: E,
    ...payload: Parameters<ServerToClientEvents[E]>
  ): void {
    this.server.to(room).emit(event, ...payload);
  }

  toUser<E extends keyof ServerToClientEvents>(
    userId: string,
    event: E,
    ...payload: Parameters<ServerToClientEvents[E]>
  ): void {
    this.server.to(userRoom(userId)).emit(event, ...payload);
  }
}
