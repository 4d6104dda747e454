"""Records kept (4.1, 7.1, 7.3, 7.4): the audit log, backups, the archive and retention."""
