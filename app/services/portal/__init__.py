"""What students and families read and write (2.2, 3.6, 5.2-5.4): the record, the diary,
messages, issue reports, weekly reports, behaviour notes."""
