"""The improvement backlog over the API (items, their moves, comments, attachments)."""
