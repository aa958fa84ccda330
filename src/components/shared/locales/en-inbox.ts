/**
 * English of the center's inbox actions (row menu, shortcuts, undo, Archived view). Apart from
 * en.ts because it ships in the center's lazily loaded inbox-actions chunk, which registers it.
 */
export const enInbox = {
  'inbox.menu': 'Actions for “{title}”',
  'inbox.markRead': 'Mark read',
  'inbox.markUnread': 'Mark unread',
  'inbox.archive': 'Archive',
  'inbox.unarchive': 'Move to inbox',
  'inbox.snooze': 'Snooze',
  'inbox.snooze.hour': 'For 1 hour',
  'inbox.snooze.tomorrow': 'Tomorrow morning ({time})',
  'inbox.snooze.nextWeek': 'Next week ({time})',
  'inbox.delete': 'Delete for me',
  'inbox.undo': 'Undo',
  'inbox.emptyArchived': 'No archived notifications.',
  'inbox.done.read': 'Marked read.',
  'inbox.done.unread': 'Marked unread.',
  'inbox.done.archive': 'Archived. Press Z to undo.',
  'inbox.done.unarchive': 'Moved to the inbox.',
  'inbox.done.snooze': 'Snoozed until {time}. Press Z to undo.',
  'inbox.done.delete': 'Deleted. Press Z to undo.',
  'inbox.done.undo': 'Undone.',
} as const;
