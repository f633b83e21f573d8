import { randomUUID } from 'node:crypto';
import { Db, MongoClient, ObjectId } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import type { ServerToClientEvents } from '../../api/src/realtime/server-events';
import { ADMIN, type HubTarget } from './global-setup';

export { ADMIN, ObjectId };

type HubName = 'mongo' | 'mongoB' | 'redisA' | 'redisB' | 'leaseDocA' | 'leaseDocB';
const hubs = (): Record<HubName, HubTarget> => JSON.parse(process.env.HUB_E2E_HUBS!) as Record<HubName, HubTarget>;
let current: HubName = 'mongo';

/** Points the helpers of this suite (or describe block) at another hub; see global-setup. */
export function useHub(name: HubName): void {
  beforeAll(async () => {
    current = name;
    await closeDb();
  });
  afterAll(() => {
    current = 'mongo';
  });
}

export const hubTarget = (name: HubName = current) => hubs()[name];
export const hubUrl = () => hubTarget().url;
export const http = () => request(hubUrl());
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

let client: MongoClient | undefined;

/** Direct access to the hub's database, to check what a request did (or did not) change. */
export async function db(): Promise<Db> {
  client ??= await new MongoClient(hubTarget().mongoUri).connect();
  return client.db();
}

export async function closeDb(): Promise<void> {
  await client?.close();
  client = undefined;
}

export interface Session {
  token: string;
  id: string;
  email: string;
}

export async function login(email: string, password: string): Promise<Session> {
  const response = await http().post('/api/auth/login').send({ email, password }).expect(200);
  return { token: response.body.accessToken, id: response.body.user.id, email };
}

/** The admin session made once in global setup (see there why). */
export const loginAdmin = async (): Promise<Session> => hubTarget().admin;

export async function createOrganization(admin: Session, name = unique('Org'), timezone = 'Europe/Stockholm') {
  const response = await http()
    .post('/api/organizations')
    .set(bearer(admin.token))
    .send({ name, timezone })
    .expect(201);
  return response.body as { id: string; name: string; timezone: string; inviteCode: string };
}

export async function registerMember(inviteCode: string, label = 'member'): Promise<Session> {
  const email = `${unique(label)}@example.test`;
  const response = await http()
    .post('/api/auth/register')
    .send({ email, password: 'member-password', displayName: `${label} person`, inviteCode })
    .expect(201);
  return { token: response.body.accessToken, id: response.body.user.id, email };
}

/** A user with the given staff roles (made by the admin through the public API). */
export async function createStaff(admin: Session, inviteCode: string, roles: string[]): Promise<Session> {
  const user = await registerMember(inviteCode, roles.join('-'));
  await http().post(`/api/users/${user.id}/roles`).set(bearer(admin.token)).send({ roles }).expect(200);
  return user;
}

export type HubSocket = Socket<ServerToClientEvents>;

/** Connects a socket like the client does; resolves once connected, rejects on refusal. */
export function connectSocket(token?: string, url = hubUrl()): Promise<HubSocket> {
  return new Promise((resolve, reject) => {
    const socket: HubSocket = io(url, {
      auth: token === undefined ? {} : { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Resolves with the next `event` payload, or rejects after `ms`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: HubSocket,
  event: E,
  ms = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(
      event as 'points.awarded',
      ((payload: never) => {
        clearTimeout(timer);
        resolve(payload);
      }) as never,
    );
  });
}

export type Organization = Awaited<ReturnType<typeof createOrganization>>;

/**
 * The usual starting point of a suite: the bootstrapped admin and a fresh organization of its
 * own (so suites never see each other's members). Read the fields inside tests, not at load.
 */
export function withProgram(): { admin: Session; organization: Organization } {
  const program = {} as { admin: Session; organization: Organization };
  beforeAll(async () => {
    program.admin = await loginAdmin();
    program.organization = await createOrganization(program.admin);
  });
  afterAll(closeDb);
  return program;
}

/** A fresh API key, as the CRM would hold it. */
export async function createApiKey(admin: Session): Promise<string> {
  const response = await http()
    .post('/api/api-keys')
    .set(bearer(admin.token))
    .send({ name: unique('crm') })
    .expect(201);
  return response.body.key;
}

/** Reports an activity the way an external system does. */
export function postActivity(apiKey: string, body: Record<string, unknown>) {
  return http()
    .post('/api/activities')
    .set('X-Api-Key', apiKey)
    .send({ idempotencyKey: unique('act'), ...body });
}

export async function me(session: Session) {
  return (await http().get('/api/me').set(bearer(session.token)).expect(200)).body;
}

export function runJob(admin: Session, name: string, asOf?: Date) {
  return http()
    .post(`/api/admin/jobs/${name}`)
    .set(bearer(admin.token))
    .send(asOf ? { asOf: asOf.toISOString() } : {})
    .expect(200);
}

/** Collects every event of one name on a socket, to assert on what arrived (and what did not). */
export function collect<E extends keyof ServerToClientEvents>(socket: HubSocket, event: E) {
  const received: Array<Parameters<ServerToClientEvents[E]>[0]> = [];
  socket.on(event as 'points.awarded', ((payload: never) => received.push(payload)) as never);
  return received;
}

export const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a client → server event and resolves with the server's acknowledgement. */
export function ask(
  socket: HubSocket,
  event: string,
  payload: unknown,
): Promise<{ ok: boolean; statusCode?: number; message?: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${event}`)), 5000);
    (socket as unknown as { emit: (e: string, p: unknown, ack: (r: never) => void) => void }).emit(
      event,
      payload,
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
    );
  });
}

/** Waits until `condition` holds (an expected push arrived), failing after `ms`. */
export async function eventually(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
