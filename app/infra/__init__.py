"""What is not a rule of the regulation: the college clock, bulk SQL, mail, spreadsheet
reading, text hygiene, JSON, request bodies read through marshmallow schemas."""
