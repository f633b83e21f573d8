import { api, unwrap, type Schemas } from './client';

export type Challenge = Schemas['ChallengeDto'];
export type ChallengeBody = Schemas['CreateChallengeDto'];
export type Submission = Schemas['SubmissionDto'];
export type Decision = 'approve' | 'reject';

const byId = (id: string) => ({ params: { path: { id } } });

/** The challenges visible to me, each with my progress. */
export const listChallenges = () => unwrap(api.GET('/api/challenges'));

export const getChallenge = (id: string) => unwrap(api.GET('/api/challenges/{id}', byId(id)));

export const createChallenge = (body: ChallengeBody) => unwrap(api.POST('/api/challenges', { body }));

export const updateChallenge = (id: string, body: Schemas['UpdateChallengeDto']) =>
  unwrap(api.PATCH('/api/challenges/{id}', { ...byId(id), body }));

export const submitEvidence = (id: string, body: Schemas['CreateSubmissionDto']) =>
  unwrap(api.POST('/api/challenges/{id}/submissions', { ...byId(id), body }));

/** The approval queue (managers). */
export const pendingSubmissions = () =>
  unwrap(api.GET('/api/submissions', { params: { query: { status: 'pending' } } }));

export function decideSubmission(id: string, decision: Decision, comment?: string) {
  const request = { ...byId(id), body: comment ? { comment } : {} };
  return unwrap(
    decision === 'approve'
      ? api.POST('/api/submissions/{id}/approve', request)
      : api.POST('/api/submissions/{id}/reject', request),
  );
}
