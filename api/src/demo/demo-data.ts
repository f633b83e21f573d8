/** The demo program: who exists, with which password, and what they have done. */
export const DEMO_PASSWORD = 'demo-pass-2026';

export const DEMO_ORGANIZATIONS = [
  {
    name: 'Northwind Installers',
    timezone: 'Europe/Stockholm',
    inviteCode: 'NORTHWIND',
    teams: [
      { name: 'North crew', inviteCode: 'NORTHCREW' },
      { name: 'South crew', inviteCode: 'SOUTHCREW' },
    ],
  },
  { name: 'Contoso Distribution', timezone: 'America/Chicago', inviteCode: 'CONTOSO', teams: [] },
] as const;

export const DEMO_STAFF = [
  { email: 'admin@hub.demo', displayName: 'Program admin', roles: ['admin'] },
  { email: 'manager@hub.demo', displayName: 'Maja the community manager', roles: ['manager'] },
  { email: 'product@hub.demo', displayName: 'Pelle from product', roles: ['product'] },
] as const;

/** Challenges open when the demo is loaded (windows relative to the first load). */
export const DEMO_CHALLENGES = [
  {
    title: 'Three lessons this week',
    description: 'Complete any three Learn and Earn lessons before the week is out.',
    kind: 'auto',
    points: 150,
    goal: { activityType: 'lesson.completed', count: 3 },
  },
  {
    title: 'Show us your best install',
    description: 'Send a photo of an installation you are proud of, with a line about what made it tricky.',
    kind: 'evidence',
    points: 200,
    badgeKey: 'challenger',
  },
  {
    title: 'Crew sales sprint',
    description: 'Together, record 10 sales this fortnight. Every member of the crew is credited.',
    kind: 'team',
    points: 300,
    goal: { activityType: 'purchase.recorded', count: 10 },
  },
] as const;

/** Members with a little history, so the dashboard and statements are not empty. */
export const DEMO_MEMBERS = [
  {
    email: 'ana@northwind.demo',
    displayName: 'Ana Lind',
    organization: 'Northwind Installers',
    team: 'North crew',
    history: [
      { amount: 120, reason: 'Completed the course “Heat pumps 101”' },
      { amount: 40, reason: 'Answered the installer survey' },
      { amount: 300, reason: 'Sell and earn: 3 heat pumps' },
    ],
  },
  {
    email: 'bo@northwind.demo',
    displayName: 'Bo Ek',
    organization: 'Northwind Installers',
    team: 'North crew',
    history: [
      { amount: 80, reason: 'Attended the spring club event' },
      { amount: 1200, reason: 'Sell and earn: commercial boiler' },
    ],
  },
  {
    email: 'chen@northwind.demo',
    displayName: 'Chen Wu',
    organization: 'Northwind Installers',
    team: 'South crew',
    history: [{ amount: 60, reason: 'Completed 3 lessons this week' }],
  },
  {
    email: 'dana@northwind.demo',
    displayName: 'Dana Berg',
    organization: 'Northwind Installers',
    team: 'South crew',
    history: [],
  },
  {
    email: 'ella@contoso.demo',
    displayName: 'Ella Moore',
    organization: 'Contoso Distribution',
    team: null,
    history: [{ amount: 200, reason: 'Renewed the distribution contract' }],
  },
] as const;
