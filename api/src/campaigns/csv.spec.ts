import { parse } from 'csv-parse/sync';
import { Types } from 'mongoose';
import { csvColumns, csvRow, csvStringifier, defuse } from './csv';
import type { Question } from './schemas/campaign.schema';

const questions: Question[] = [
  { id: 'nps', type: 'nps', prompt: 'Recommend?', options: [], required: true },
  { id: 'many', type: 'multi', prompt: 'Which?', options: ['A', 'B'], required: false },
  { id: 'why', type: 'text', prompt: '=Why', options: [], required: false },
];

async function render(rows: Array<Record<string, string | number>>, anonymous = false): Promise<string> {
  const stringifier = csvStringifier(csvColumns(questions, anonymous));
  const chunks: Buffer[] = [];
  stringifier.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => stringifier.on('end', resolve));
  rows.forEach((row) => stringifier.write(row));
  stringifier.end();
  await done;
  return Buffer.concat(chunks).toString('utf8');
}

describe('CSV escaping', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('defuses %j with a leading quote', (cell) => {
    expect(defuse(cell)).toBe(`'${cell}`);
  });

  it('leaves other cells alone', () => {
    expect(defuse('a=1')).toBe('a=1');
    expect(defuse('Çok iyi')).toBe('Çok iyi');
    expect(defuse('')).toBe('');
  });

  it('writes RFC 4180 with a BOM: CRLF, quoted separators, quotes and line breaks, defused cells and headers', async () => {
    const response = {
      _id: new Types.ObjectId(),
      submittedAt: new Date('2026-03-02T10:00:00Z'),
      answers: { nps: 9, many: ['A', 'B'], why: '=HYPERLINK("http://x","y")\nsecond "line", here' },
    };
    const member = { id: 'u1', name: '-Åsa', email: 'asa@example.test', organization: 'Org, Inc.', tier: 'Gold' };
    const text = await render([csvRow(response, questions, member, false)]);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split('\r\n')[0]).toBe(
      "\ufeffresponse_id,submitted_at,member_id,member_name,member_email,organization,tier,Recommend? [nps],Which? [many],'=Why [why]",
    );
    const [record] = parse<Record<string, string>>(text, { bom: true, columns: true });
    expect(record).toMatchObject({
      submitted_at: '2026-03-02T10:00:00.000Z',
      member_name: "'-Åsa",
      organization: 'Org, Inc.',
      'Recommend? [nps]': '9',
      'Which? [many]': 'A; B',
      "'=Why [why]": `'=HYPERLINK("http://x","y")\nsecond "line", here`,
    });
  });

  it('has no member columns and only the day in an anonymous export', async () => {
    const response = { _id: new Types.ObjectId(), submittedAt: new Date('2026-03-02T00:00:00Z'), answers: { nps: 3 } };
    const text = await render([csvRow(response, questions, null, true)], true);
    const [record] = parse<Record<string, string>>(text, { bom: true, columns: true });
    expect(Object.keys(record)).toEqual([
      'response_id',
      'submitted_on',
      'Recommend? [nps]',
      'Which? [many]',
      "'=Why [why]",
    ]);
    expect(record.submitted_on).toBe('2026-03-02');
  });
});
