/**
 * English messages. Every string the UI shows lives in a catalog like this one; another language
 * is a file with the same keys (the `Messages` type makes a missing key a build error).
 * Placeholders are `{name}`.
 */
export const en = {
  'app.name': 'Engagement Hub',
  'app.skipToContent': 'Skip to main content',
  'nav.label': 'Main',
  'nav.menu': 'Menu',
  'nav.dashboard': 'Dashboard',
  'nav.challenges': 'Challenges',
  'nav.leaderboards': 'Leaderboards',
  'nav.learn': 'Learn',
  'nav.events': 'Events',
  'nav.feedback': 'Feedback',
  'nav.rewards': 'Rewards',
  'nav.profile': 'Profile',
  'nav.signOut': 'Sign out',

  'auth.signIn': 'Sign in',
  'auth.signInTitle': 'Welcome back',
  'auth.register': 'Create account',
  'auth.registerTitle': 'Join your program',
  'auth.registerIntro': 'Use the invite code from your company or team.',
  'auth.email': 'Email',
  'auth.password': 'Password',
  'auth.passwordHint': 'At least 8 characters.',
  'auth.displayName': 'Your name',
  'auth.inviteCode': 'Invite code',
  'auth.referralCode': 'Referral code (optional)',
  'auth.noAccount': 'New here?',
  'auth.haveAccount': 'Already a member?',
  'auth.working': 'Please wait…',

  'dashboard.title': 'Your dashboard',
  'dashboard.greeting': 'Hello, {name}',
  'dashboard.balance': 'Points to spend',
  'dashboard.lifetime': '{points} points earned in total',
  'dashboard.tier': 'Tier',
  'dashboard.nextTier': '{points} more qualifying points to {tier}',
  'dashboard.topTier': 'You have reached the top tier.',
  'dashboard.tierProgress': 'Progress to the next tier',
  'dashboard.benefits': 'Your benefits',
  'dashboard.recent': 'Recent points',
  'dashboard.noEntries': 'No points yet. Complete a lesson or a challenge to earn your first ones.',
  'dashboard.loadMore': 'Show more',
  'dashboard.live': 'Live updates on',
  'dashboard.offline': 'Reconnecting…',

  'ledger.kind.earn': 'Earned',
  'ledger.kind.redeem': 'Redeemed',
  'ledger.kind.refund': 'Refund',
  'ledger.kind.adjust': 'Adjustment',
  'ledger.kind.expire': 'Expired',

  'toast.pointsAwarded': '+{amount} points: {reason}',
  'toast.dismiss': 'Dismiss',
  'toast.region': 'Notifications',

  'coming.title': '{feature} is on its way',
  'coming.challenges': 'Time-boxed challenges — solo, with evidence, and team goals — that pay points and badges.',
  'coming.leaderboards': 'Weekly, monthly and all-time boards for you, your team and your company, live.',
  'coming.learn': 'Courses, lessons and quizzes that earn points, badges and certificates.',
  'coming.events': 'Club events and webinars with RSVP, check-in and calendar feeds.',
  'coming.feedback': 'Surveys and beta invitations that reward your opinion.',
  'coming.rewards': 'Gift cards, experiences, donations and early access to spend your points on.',
  'coming.meanwhile': 'Meanwhile, your points and tier are already live on the dashboard.',

  'profile.title': 'Your profile',
  'profile.timezone': 'Time zone',
  'profile.timezoneDevice': 'Use my device’s time zone ({zone})',
  'profile.optIn': 'Show my name on leaderboards',
  'profile.save': 'Save',
  'profile.saved': 'Saved.',

  'error.generic': 'Something went wrong. Please try again.',
  'error.title': 'Sorry — that did not work',
  'error.home': 'Back to the dashboard',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
