import { api, unwrap, type Schemas } from './client';

export type SessionResult = Schemas['SessionDto'];

export const login = (body: Schemas['LoginDto']) => unwrap(api.POST('/api/auth/login', { body }));

export const register = (body: Schemas['RegisterDto']) => unwrap(api.POST('/api/auth/register', { body }));
