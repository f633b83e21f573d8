/** The member’s profile. */
export const profile = {
  'profile.title': 'Your profile',
  'profile.timezone': 'Time zone',
  'profile.timezoneDevice': 'Use my device’s time zone ({zone})',
  'profile.optIn': 'Show my name on leaderboards',
  'profile.save': 'Save',
  'profile.saved': 'Saved.',
} as const;
