"""The mail outbox: every e-mail is a row written in the transaction that caused it."""
