import { stringify, type Stringifier } from 'csv-stringify';
import { answerText } from './answers';
import type { Question } from './schemas/campaign.schema';
import type { CampaignResponse } from './schemas/response.schema';

/** A cell starting like this would run as a formula in a spreadsheet (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes a cell that a spreadsheet would read as a formula with `'`, so it shows as text. */
export function defuse(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export interface ExportMember {
  id: string;
  name: string;
  email: string;
  organization: string;
  tier: string;
}

export interface Column {
  key: string;
  header: string;
}

/**
 * The export's columns: the response, the member (named campaigns only), then one per question,
 * headed by its prompt and id.
 */
export function csvColumns(questions: readonly Question[], anonymous: boolean): Column[] {
  const member: Column[] = anonymous
    ? []
    : [
        { key: 'memberId', header: 'member_id' },
        { key: 'memberName', header: 'member_name' },
        { key: 'memberEmail', header: 'member_email' },
        { key: 'organization', header: 'organization' },
        { key: 'tier', header: 'tier' },
      ];
  return [
    { key: 'responseId', header: 'response_id' },
    { key: 'submittedAt', header: anonymous ? 'submitted_on' : 'submitted_at' },
    ...member,
    ...questions.map((question) => ({ key: `q:${question.id}`, header: `${question.prompt} [${question.id}]` })),
  ];
}

/** One response as a row: multi answers joined with "; ", the day only in anonymous campaigns. */
export function csvRow(
  response: Pick<CampaignResponse, '_id' | 'answers' | 'submittedAt'>,
  questions: readonly Question[],
  member: ExportMember | null,
  anonymous: boolean,
): Record<string, string | number> {
  const row: Record<string, string | number> = {
    responseId: response._id.toHexString(),
    submittedAt: anonymous ? response.submittedAt.toISOString().slice(0, 10) : response.submittedAt.toISOString(),
  };
  if (!anonymous) {
    Object.assign(row, {
      memberId: member?.id ?? '',
      memberName: member?.name ?? '',
      memberEmail: member?.email ?? '',
      organization: member?.organization ?? '',
      tier: member?.tier ?? '',
    });
  }
  for (const question of questions) {
    const value = response.answers[question.id];
    row[`q:${question.id}`] = typeof value === 'number' ? value : answerText(value);
  }
  return row;
}

/**
 * RFC 4180 (CRLF, quotes doubled, fields with separators, quotes or line breaks quoted), UTF-8
 * with a byte order mark so that Excel reads non-ASCII names, every text cell (headers too) defused.
 */
export function csvStringifier(columns: Column[]): Stringifier {
  return stringify({
    bom: true,
    header: true,
    columns,
    record_delimiter: 'windows',
    // A line break of either kind inside a text answer keeps its cell quoted.
    quoted_match: /[\r\n]/,
    cast: { string: (value) => defuse(value) },
  });
}
