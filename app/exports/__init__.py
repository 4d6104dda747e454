"""The XLSX documents the portal hands out, one module per document: each function takes the
data a service already returned and gives the file's bytes. Views only send them
(`views/base.py xlsx_response`); the common parts of a book are in `book.py`."""
