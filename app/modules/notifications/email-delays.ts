// The notification email delays, on their own: the notification centre's form and the
// privacy page both offer them, and this file carries no messages of either page.
/** Minutes offline before unread notifications are emailed (notification_settings CHECK); null: never. */
export const EMAIL_DELAYS_MINUTES = [15, 60, 240, 1440] as const;
export const DEFAULT_EMAIL_DELAY_MINUTES = 15;
