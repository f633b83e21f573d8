/** The badge gallery. */
export const badges = {
  'badges.title': 'Badges',
  'badges.intro': '{earned} of {total} badges earned.',
  'badges.earnedOn': 'Earned {date}',
  'badges.locked': 'Not earned yet',
  'badges.empty': 'This program has no badges yet.',
  'badges.progress': 'Progress towards {name}',
} as const;
