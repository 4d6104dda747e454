"""Control of the journals (3.3-3.5, 6.1, 6.2, 7.2): the curator's completeness check,
memos, the deputy's checks, attendance, absence documents, reports."""
