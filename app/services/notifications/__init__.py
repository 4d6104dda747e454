"""Notifications (SPEC §5, 3.3, 5.2): written where a mark, an «Н», a final grade, a comment,
a message or an absence document is saved (`outbox`), read in the bell and the list
(`inbox`), chosen per user (`preferences`), mailed as a daily digest (`digests`), and the
reminders of the regulation's recurring duties (`reminders`)."""
