import { api, unwrap, type Schemas } from './client';

export type Me = Schemas['MeDto'];
export type Wallet = Me['points'];

export const getMe = () => unwrap(api.GET('/api/me'));

export const updateMe = (body: Schemas['UpdateMeDto']) => unwrap(api.PATCH('/api/me', { body }));
