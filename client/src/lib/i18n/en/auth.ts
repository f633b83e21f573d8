/** Sign-in and registration. */
export const auth = {
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
} as const;
