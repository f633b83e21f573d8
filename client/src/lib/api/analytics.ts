import { ApiError, api, errorMessage, unwrap, type Schemas } from './client';
import { tokenStore } from './token';
import { t } from '$lib/i18n';

export type Overview = Schemas['OverviewDto'];
export type Series = Schemas['SeriesDto'];
export type Metric = Series['metric'];
export type Interval = Series['interval'];
export type OrganizationFigures = Schemas['OrganizationFiguresDto'];

/** A range of days (yyyy-MM-dd) and, for staff without an organization, the organization (none: the program). */
export interface AnalyticsScope {
  from?: string;
  to?: string;
  organizationId?: string;
}

const clean = (scope: AnalyticsScope) =>
  Object.fromEntries(Object.entries(scope).filter(([, value]) => value)) as AnalyticsScope;

export const analyticsOverview = (scope: AnalyticsScope) =>
  unwrap(api.GET('/api/analytics/overview', { params: { query: clean(scope) } }));

export const analyticsSeries = (scope: AnalyticsScope, metric: Metric, interval: Interval) =>
  unwrap(api.GET('/api/analytics/series', { params: { query: { ...clean(scope), metric, interval } } }));

export const analyticsOrganizations = (scope: Pick<AnalyticsScope, 'from' | 'to'>) =>
  unwrap(api.GET('/api/analytics/organizations', { params: { query: clean(scope) } }));

/** The member export as a file (fetched with the bearer token, handed to the browser as a blob). */
export async function downloadMembersCsv(scope: AnalyticsScope): Promise<void> {
  const query = new URLSearchParams(clean(scope) as Record<string, string>).toString();
  let response: Response;
  try {
    response = await fetch(`/api/analytics/members.csv${query ? `?${query}` : ''}`, {
      headers: { Authorization: `Bearer ${tokenStore.get() ?? ''}` },
    });
  } catch {
    throw new ApiError(0, t('error.network'));
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw new ApiError(response.status, errorMessage(body, t('error.generic')));
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'members.csv';
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
